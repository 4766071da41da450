/** W1–W3: the waiting-rule timer fired for a session. */
import { planWaitingRule } from '../core/waiting-rules.js';
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
  if (plan.kind === 'mark_overdue') {
    await ctx.tx.updateTable('sessions').set({ overdue: 1 }).where('id', '=', sessionId).execute();
    await ctx.emit({
      type: 'session.overdue',
      sessionId,
      queueId: session.queue_id,
      data: { queueId: session.queue_id, cause: plan.cause, waitedMs: ctx.now - session.queued_at },
    });
    return;
  }
  await enterQueue(ctx, session, plan.toQueueId, {
    eventType: 'session.overflowed',
    data: { afterSeconds: queue.waiting_after_seconds },
    countsAsOverflow: true,
  });
  await runEquilibrium(ctx);
}
