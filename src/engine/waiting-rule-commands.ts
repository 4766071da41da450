/** W1–W3: the waiting-rule timer fired for a session. */
import { planWaitingRule, type OverdueCause } from '../core/waiting-rules.js';
import { openQueueFor } from '../core/site-settings.js';
import { findQueue, siteSettings } from '../store/queries/directory.js';
import { findSession } from '../store/queries/sessions.js';
import type { CommandContext } from './command-runner.js';
import { runEquilibrium } from './equilibrium-run.js';
import { armWaitingRule, enterQueue } from './queue-moves.js';
import { toQueueRouting } from './routing-snapshot.js';

export async function waitingRuleDue(ctx: CommandContext, sessionId: string): Promise<void> {
  const session = await findSession(ctx.tx, sessionId);
  if (!session || session.state !== 'waiting' || session.queue_id === null || session.queued_at === null) return;
  const queue = await findQueue(ctx.tx, session.queue_id);
  if (!queue) return;
  const site = await siteSettings(ctx.tx);
  const plan = planWaitingRule(
    toQueueRouting(queue),
    { queuedAt: session.queued_at, overflowMoves: session.overflow_moves, overdue: session.overdue === 1 },
    site.maxOverflowMoves,
  );
  if (plan.kind === 'none') return;
  if (plan.dueAt > ctx.now) {
    // The rule changed since the timer was armed: wait for the new due time.
    await armWaitingRule(ctx, session);
    return;
  }
  const queuedAt = session.queued_at;
  const markOverdue = async (cause: OverdueCause) => {
    await ctx.tx.updateTable('sessions').set({ overdue: 1 }).where('id', '=', sessionId).execute();
    await ctx.emit({ type: 'session.overdue', sessionId, queueId: queue.id, data: { queueId: queue.id, cause, waitedMs: ctx.now - queuedAt } });
  };
  if (plan.kind === 'mark_overdue') {
    await markOverdue(plan.cause);
    return;
  }
  // Q3: overflow into a switched-off general queue goes where C7 sends new sessions
  // meanwhile; with nowhere else to go, the session stays and is marked.
  const open = openQueueFor(plan.toQueueId, site);
  const toQueueId = open === session.queue_id ? null : open;
  if (toQueueId === null) {
    if (session.overdue === 0) await markOverdue('no_overflow_queue');
    return;
  }
  await enterQueue(ctx, session, toQueueId, {
    eventType: 'session.overflowed',
    data: { afterSeconds: queue.waiting_after_seconds },
    countsAsOverflow: true,
  });
  await runEquilibrium(ctx);
}
