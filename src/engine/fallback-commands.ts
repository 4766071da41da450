/** Section 9: where a lost rep's sessions go (F1–F5), decided by core/fallback.ts. */
import { fallbackForOwnedSession, fallbackForWaitingSession, type QueueCapacity } from '../core/fallback.js';
import { isMemberOf } from '../core/rep-state.js';
import { GENERAL_QUEUE_ID, personalQueueId } from '../core/site-settings.js';
import { siteSettings } from '../store/queries/directory.js';
import { findSession, participantsOf } from '../store/queries/sessions.js';
import type { SessionRow } from '../store/schema.js';
import type { CommandContext } from './command-runner.js';
import { runEquilibrium } from './equilibrium-run.js';
import { enterQueue } from './queue-moves.js';
import { loadQueues, loadReps } from './routing-snapshot.js';
import { endSession, touchLoad } from './session-commands.js';

/** Which queues can take a session: persistent, or with a logged-in member other than the lost rep. */
async function queueCapacities(ctx: CommandContext, lostRepId: string, generalQueueEnabled: boolean): Promise<Map<string, QueueCapacity>> {
  // Q3: nobody sees a switched-off general queue, so a session sent there would wait unseen.
  const queues = (await loadQueues(ctx.tx)).filter((q) => generalQueueEnabled || q.id !== GENERAL_QUEUE_ID);
  const loggedIn = await ctx.tx.selectFrom('presence').select('user_id').where('logged_in', '=', 1).where('user_id', '!=', lostRepId).execute();
  const reps = await loadReps(ctx.tx, { repIds: loggedIn.map((r) => r.user_id) });
  const out = new Map<string, QueueCapacity>();
  for (const q of queues) {
    // Logged in (A1) counts here, grace period included: that rep can still take it.
    const members = reps.filter((r) => isMemberOf(r, q) || (q.kind === 'personal' && q.id === personalQueueId(r.id))).length;
    out.set(q.id, { persistent: q.persistent, loggedInMembers: members });
  }
  return out;
}

/**
 * A rep is logged out (grace period over) or removed: each session they own goes by F1–F5,
 * they leave sessions they joined, and sessions waiting in their personal queue move by F3–F5.
 */
export async function repLost(ctx: CommandContext, repId: string): Promise<void> {
  const site = await siteSettings(ctx.tx);
  const queues = await queueCapacities(ctx, repId, site.generalQueueEnabled);
  const base = {
    lostRepQueueId: personalQueueId(repId),
    fallbackQueueId: site.fallbackQueueId ?? (site.generalQueueEnabled ? GENERAL_QUEUE_ID : null),
    queueFallbackEnabled: site.fallbackRulesEnabled,
    queues,
  };
  const loggedIn = new Set((await ctx.tx.selectFrom('presence').select('user_id').where('logged_in', '=', 1).execute()).map((r) => r.user_id));

  const joined = await ctx.tx
    .selectFrom('participants')
    .innerJoin('sessions', 'sessions.id', 'participants.session_id')
    .selectAll('sessions')
    .where('participants.user_id', '=', repId)
    .where('sessions.state', '=', 'active')
    .execute();
  for (const session of joined) {
    if (session.owner_id !== repId) {
      await ctx.tx.deleteFrom('participants').where('session_id', '=', session.id).where('user_id', '=', repId).execute();
      await ctx.emit({ type: 'participant.left', sessionId: session.id, repId, data: { reason: 'rep_lost' } });
      continue;
    }
    const participants = (await participantsOf(ctx.tx, session.id)).filter((p) => p.user_id !== repId);
    const decision = fallbackForOwnedSession({
      ...base,
      lostRepId: repId,
      participants: participants.map((p) => ({ repId: p.user_id, joinedAt: p.joined_at, loggedIn: loggedIn.has(p.user_id) })),
      lastQueueId: session.last_queue_id,
      firstQueueId: session.first_queue_id,
    });
    if (decision.kind === 'new_owner') {
      await ctx.tx.deleteFrom('participants').where('session_id', '=', session.id).where('user_id', '=', repId).execute();
      await ctx.tx.updateTable('sessions').set({ owner_id: decision.repId }).where('id', '=', session.id).execute();
      await ctx.tx
        .updateTable('participants')
        .set({ role: 'owner' })
        .where('session_id', '=', session.id)
        .where('user_id', '=', decision.repId)
        .execute();
      await ctx.emit({ type: 'participant.left', sessionId: session.id, repId, data: { reason: 'rep_lost' } });
      await ctx.emit({ type: 'owner.changed', sessionId: session.id, repId: decision.repId, data: { from: repId, to: decision.repId, rule: 'F1' } });
    } else {
      await applyQueueDecision(ctx, session, decision);
    }
  }

  const waiting = await ctx.tx.selectFrom('sessions').selectAll().where('state', '=', 'waiting').where('queue_id', '=', personalQueueId(repId)).execute();
  for (const session of waiting) {
    await applyQueueDecision(ctx, session, fallbackForWaitingSession({ ...base, firstQueueId: session.first_queue_id }));
  }
  await touchLoad(ctx, repId);
  await runEquilibrium(ctx);
}

async function applyQueueDecision(
  ctx: CommandContext,
  session: SessionRow,
  decision: { kind: 'requeue'; queueId: string; rule: string } | { kind: 'end'; rule: string } | { kind: 'new_owner' },
): Promise<void> {
  if (decision.kind === 'requeue') {
    await enterQueue(ctx, session, decision.queueId, { eventType: 'session.requeued', data: { rule: decision.rule } });
  } else if (decision.kind === 'end') {
    const fresh = await findSession(ctx.tx, session.id);
    if (fresh && fresh.state !== 'ended') await endSession(ctx, session.id, { kind: 'system' }, 'no_rep');
  }
}
