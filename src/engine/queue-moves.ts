/**
 * Putting a session (back) into a queue: transfer (T1, T2), overflow (W2) and fallback
 * (F2–F4) all do the same thing, so they share this one place.
 */
import { planWaitingRule } from '../core/waiting-rules.js';
import type { QueueRow, SessionRow } from '../store/schema.js';
import { findQueue, siteSettings } from '../store/queries/directory.js';
import { findSession, participantsOf } from '../store/queries/sessions.js';
import type { CommandContext } from './command-runner.js';
import { toQueueRouting } from './routing-snapshot.js';
import { touchLoad } from './session-commands.js';
import { rescindOffers } from './rescind-offers.js';
import { endOpenInvitations } from './invitation-commands.js';

export const WAITING_RULE_TIMER = 'waiting.rule';

/**
 * W1–W3: arms the timer of the rule of the queue the session now waits in. `queue`: that
 * queue's row, when the caller has read it in this transaction already.
 */
export async function armWaitingRule(ctx: CommandContext, session: SessionRow, queue?: QueueRow): Promise<void> {
  if (session.state !== 'waiting' || session.queue_id === null || session.queued_at === null) return;
  const row = queue?.id === session.queue_id ? queue : await findQueue(ctx.tx, session.queue_id);
  if (!row) return;
  const routing = toQueueRouting(row);
  // No rule, no timer (W1), whatever the site's settings say.
  if (routing.waitingRule.action === 'none') return;
  const site = await siteSettings(ctx.tx);
  const plan = planWaitingRule(
    routing,
    { queuedAt: session.queued_at, overflowMoves: session.overflow_moves, overdue: session.overdue === 1 },
    site.maxOverflowMoves,
  );
  if (plan.kind !== 'none') await ctx.armTimer(WAITING_RULE_TIMER, session.id, plan.dueAt);
}

export interface EnterQueueOptions {
  /** The event that says why: session.transferred, session.overflowed, session.requeued. */
  eventType: string;
  data: Record<string, unknown>;
  repId?: string | null;
  /** W2 counts overflow moves toward maxOverflowMoves (W3). */
  countsAsOverflow?: boolean;
}

/**
 * The session waits in `queueId` from now: its owner and participants leave it (T2),
 * pending offers are rescinded (E9) — its own, and those of the invitations to join it,
 * which end (S4) — exclusions are cleared (E6), the new queue's waiting
 * rule starts (W2), and waiting-since is kept so the customer keeps their place (Q4).
 */
export async function enterQueue(ctx: CommandContext, session: SessionRow, queueId: string, options: EnterQueueOptions): Promise<SessionRow> {
  const participants = await participantsOf(ctx.tx, session.id);
  await rescindOffers(ctx, { sessionId: session.id }, options.eventType);
  await endOpenInvitations(ctx, session.id, options.eventType);
  await ctx.tx.deleteFrom('exclusions').where('session_id', '=', session.id).execute();
  await ctx.tx.deleteFrom('participants').where('session_id', '=', session.id).execute();
  await ctx.cancelTimers(WAITING_RULE_TIMER, session.id);
  await ctx.tx
    .updateTable('sessions')
    .set({
      state: 'waiting',
      queue_id: queueId,
      last_queue_id: queueId,
      queued_at: ctx.now,
      owner_id: null,
      overdue: 0,
      overflow_moves: session.overflow_moves + (options.countsAsOverflow ? 1 : 0),
    })
    .where('id', '=', session.id)
    .execute();
  for (const p of participants) {
    await ctx.emit({ type: 'participant.left', sessionId: session.id, repId: p.user_id, data: { reason: options.eventType } });
    await touchLoad(ctx, p.user_id);
  }
  await ctx.emit({
    type: options.eventType,
    sessionId: session.id,
    queueId: session.queue_id,
    repId: options.repId ?? null,
    data: { ...options.data, fromQueueId: session.queue_id, toQueueId: queueId },
  });
  // Says why and by whom, so that the rep whose personal queue it entered is told (T4).
  await ctx.emit({
    type: 'session.queued',
    sessionId: session.id,
    queueId,
    repId: options.repId ?? null,
    data: { queueId, reason: options.eventType, fromQueueId: session.queue_id },
  });
  const moved = (await findSession(ctx.tx, session.id))!;
  await armWaitingRule(ctx, moved);
  return moved;
}
