/**
 * What an admin configuration change does to live routing, in the same transaction
 * (docs/admin.md, "Applied live"): a disabled rep's work falls back (F1–F5); offers to reps
 * who may no longer take them are rescinded (E9); waiting-rule and idle timers follow the
 * new rules; consoles hear of reps whose state changed (A6); and Equilibrium runs (E1), so
 * that the next routing decision uses the new configuration.
 */
import { isMemberOf, repState, unavailableReason } from '../core/rep-state.js';
import { GENERAL_QUEUE_ID, teamQueueId } from '../core/site-settings.js';
import type { NormalizedSiteConfig, QueueEntry } from '../config/site-config.js';
import type { CommandContext } from './command-runner.js';
import { runEquilibrium } from './equilibrium-run.js';
import { REP_GRACE_TIMER } from './presence.js';
import { REP_IDLE_TIMER, armIdleTimer, emitRepState } from './availability-commands.js';
import { repLost } from './fallback-commands.js';
import { WAITING_RULE_TIMER, armWaitingRule } from './queue-moves.js';
import { loadQueues, loadReps } from './routing-snapshot.js';
import { rescindOffers } from './rescind-offers.js';

/** Connected reps' A6 state and session count, to compare before and after a change. */
export async function repStates(ctx: CommandContext): Promise<Map<string, string>> {
  const reps = await loadReps(ctx.tx);
  return new Map(reps.map((r) => [r.id, `${repState(r)}/${r.sessionCount}`]));
}

/**
 * An admin disables a rep (SPEC section 9: "removed by an admin"). The rep counts as logged
 * out at once — no grace period — and loses any pending offer; then each session they own
 * goes by F1–F5, they leave sessions they joined, and their personal queue empties by F3–F5.
 * Runs before the configuration is written, so that the importer's "user still has live
 * work" refusal finds nothing left.
 */
export async function removeRep(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ctx.tx.selectFrom('presence').selectAll().where('user_id', '=', repId).executeTakeFirst();
  if (presence && (presence.logged_in === 1 || presence.connections > 0)) {
    await ctx.tx.updateTable('presence').set({ connections: 0, logged_in: 0 }).where('user_id', '=', repId).execute();
    await ctx.cancelTimers(REP_GRACE_TIMER, repId);
    await ctx.cancelTimers(REP_IDLE_TIMER, repId);
    await emitRepState(ctx, repId, { loggedIn: false, removed: true });
  }
  await rescindOffers(ctx, { repId }, 'rep_removed');
  await repLost(ctx, repId);
}

/** Queue ids whose routing, waiting rule or persistence differ between the two configurations. */
function changedQueues(before: NormalizedSiteConfig, after: NormalizedSiteConfig): Set<string> {
  const queues = (c: NormalizedSiteConfig) =>
    new Map<string, QueueEntry>([
      [GENERAL_QUEUE_ID, c.generalQueue],
      ...c.teams.map((t): [string, QueueEntry] => [
        teamQueueId(t.id),
        { algorithm: t.algorithm, offerTimeoutSeconds: t.offerTimeoutSeconds, persistent: t.persistent, waiting: t.waiting },
      ]),
    ]);
  const a = queues(before);
  const b = queues(after);
  const out = new Set<string>();
  for (const [id, q] of b) if (JSON.stringify(a.get(id)) !== JSON.stringify(q)) out.add(id);
  return out;
}

export async function reconcileAfterChange(
  ctx: CommandContext,
  before: NormalizedSiteConfig,
  after: NormalizedSiteConfig,
  statesBefore: Map<string, string>,
): Promise<void> {
  // E9: an offer whose rep is gone, unavailable or no longer sees the queue is rescinded.
  // The queue of an invitation's offer (S1) is the invitation's, not the session's (it has none).
  const pending = await ctx.tx
    .selectFrom('offers')
    .innerJoin('sessions', 'sessions.id', 'offers.session_id')
    .leftJoin('invitations', 'invitations.id', 'offers.invitation_id')
    .select(['offers.id', 'offers.rep_id', 'sessions.queue_id as session_queue_id', 'invitations.queue_id as invitation_queue_id'])
    .where('offers.state', '=', 'pending')
    .execute();
  if (pending.length > 0) {
    const reps = new Map((await loadReps(ctx.tx, { repIds: [...new Set(pending.map((o) => o.rep_id))] })).map((r) => [r.id, r]));
    const queues = new Map((await loadQueues(ctx.tx)).map((q) => [q.id, q]));
    for (const offer of pending) {
      const rep = reps.get(offer.rep_id);
      const queueId = offer.invitation_queue_id ?? offer.session_queue_id;
      const queue = queueId === null ? undefined : queues.get(queueId);
      if (!rep || !queue || unavailableReason(rep) !== null || !isMemberOf(rep, queue)) {
        await rescindOffers(ctx, { offerId: offer.id }, 'config_changed');
      }
    }
  }

  // W1–W3: timers of waiting sessions follow their queue's new rule (a shorter wait fires sooner).
  const everyQueue = before.site.maxOverflowMoves !== after.site.maxOverflowMoves;
  const queues = changedQueues(before, after);
  if (everyQueue || queues.size > 0) {
    let waiting = ctx.tx.selectFrom('sessions').selectAll().where('state', '=', 'waiting');
    if (!everyQueue) waiting = waiting.where('queue_id', 'in', [...queues]);
    for (const session of await waiting.execute()) {
      await ctx.cancelTimers(WAITING_RULE_TIMER, session.id);
      await armWaitingRule(ctx, session);
    }
  }

  // A3: idle timers follow a changed idleMinutes (of a policy, or by a change of policy).
  const idleOf = (c: NormalizedSiteConfig) => {
    const minutes = new Map(c.policies.map((p) => [p.id, p.idleMinutes]));
    return new Map(c.users.map((u) => [u.login, minutes.get(u.policy)]));
  };
  const idleBefore = idleOf(before);
  const idleChanged = [...idleOf(after)].filter(([login, m]) => idleBefore.get(login) !== m).map(([login]) => login);
  if (idleChanged.length > 0) {
    const connected = await ctx.tx
      .selectFrom('presence')
      .innerJoin('users', 'users.id', 'presence.user_id')
      .select('presence.user_id')
      .where('presence.connections', '>', 0)
      .where('users.login', 'in', idleChanged)
      .execute();
    for (const { user_id } of connected) {
      await ctx.cancelTimers(REP_IDLE_TIMER, user_id);
      await armIdleTimer(ctx, user_id);
    }
  }

  // A6: consoles and team dashboards hear of reps whose state the change moved.
  const statesAfter = await repStates(ctx);
  for (const repId of new Set([...statesBefore.keys(), ...statesAfter.keys()])) {
    if (statesBefore.get(repId) !== statesAfter.get(repId)) await emitRepState(ctx, repId, { reason: 'config_changed' });
  }

  // E1: the next routing decision uses the new configuration — now.
  await runEquilibrium(ctx);
}
