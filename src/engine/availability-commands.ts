/**
 * A2–A5 and E9: what the console reports (lock, activity, opt-out) and what follows:
 * an unavailable rep's pending offer is rescinded; a rep who becomes available again
 * makes Equilibrium run (E1).
 */
import { LobbyError } from '../core/errors.js';
import { repState, unavailableReason } from '../core/rep-state.js';
import { policyOf } from '../store/queries/directory.js';
import type { CommandContext } from './command-runner.js';
import { runEquilibrium } from './equilibrium-run.js';
import { loadReps } from './routing-snapshot.js';
import { rescindOffers } from './rescind-offers.js';

export const REP_IDLE_TIMER = 'rep.idle';

async function presenceOf(ctx: CommandContext, repId: string) {
  const row = await ctx.tx.selectFrom('presence').selectAll().where('user_id', '=', repId).executeTakeFirst();
  if (!row || row.connections === 0) throw new LobbyError('unavailable', 'Open the console first: you are not connected.');
  return row;
}

/** E9: a rep who cannot take offers now loses the one they hold (without exclusion). */
export async function rescindIfUnavailable(ctx: CommandContext, repId: string, reason: string): Promise<void> {
  const [rep] = await loadReps(ctx.tx, { repIds: [repId] });
  if (rep && unavailableReason(rep) === null) return;
  // The session or invitation that was offered may go to someone else at once.
  if ((await rescindOffers(ctx, { repId }, reason)) > 0) await runEquilibrium(ctx);
}

/** A6: the rep's state after a change, for the console and the team dashboard. */
export async function emitRepState(ctx: CommandContext, repId: string, extra: Record<string, unknown> = {}): Promise<void> {
  const [rep] = await loadReps(ctx.tx, { repIds: [repId] });
  await ctx.emit({
    type: 'rep.state',
    repId,
    data: { state: rep ? repState(rep) : 'offline', sessions: rep?.sessionCount ?? 0, ...extra },
  });
}

/** The rep became available (again): their load clock restarts (E3 (3)) and routing runs. */
async function becameAvailable(ctx: CommandContext, repId: string): Promise<void> {
  await ctx.tx.updateTable('presence').set({ load_since: ctx.now }).where('user_id', '=', repId).execute();
  await runEquilibrium(ctx);
}

/** A2 */
export async function setLocked(ctx: CommandContext, repId: string, locked: boolean): Promise<void> {
  const presence = await presenceOf(ctx, repId);
  if ((presence.locked === 1) === locked) return;
  await ctx.tx.updateTable('presence').set({ locked: locked ? 1 : 0 }).where('user_id', '=', repId).execute();
  await emitRepState(ctx, repId, { locked });
  if (locked) await rescindIfUnavailable(ctx, repId, 'locked');
  // E3 (3): a lock that did not make the rep unavailable (policy) leaves their time at load.
  else if ((await policyOf(ctx.tx, repId)).unavailableWhenLocked) await becameAvailable(ctx, repId);
}

/** A5, E10: opting back in also resets the count of missed offers. */
export async function setOptedOut(ctx: CommandContext, repId: string, optedOut: boolean): Promise<void> {
  const presence = await presenceOf(ctx, repId);
  if (optedOut && !(await policyOf(ctx.tx, repId)).canOptOut) {
    throw new LobbyError('forbidden', 'Your policy does not allow opting out of automatic assignment.');
  }
  if ((presence.opted_out === 1) === optedOut) return;
  await ctx.tx.updateTable('presence').set({ opted_out: optedOut ? 1 : 0, missed_offers: 0 }).where('user_id', '=', repId).execute();
  await emitRepState(ctx, repId, { optedOut });
  if (optedOut) await rescindIfUnavailable(ctx, repId, 'opted_out');
  else await becameAvailable(ctx, repId);
}

/** A3: activity clears idle; the idle timer is armed once and re-armed from the last activity. */
export async function reportActivity(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await presenceOf(ctx, repId);
  await ctx.tx.updateTable('presence').set({ last_activity_at: ctx.now, idle: 0 }).where('user_id', '=', repId).execute();
  await armIdleTimer(ctx, repId);
  if (presence.idle === 1) {
    await emitRepState(ctx, repId, { idle: false });
    await becameAvailable(ctx, repId);
  }
}

export async function armIdleTimer(ctx: CommandContext, repId: string): Promise<void> {
  const policy = await policyOf(ctx.tx, repId);
  if (policy.idleMinutes === 0) return;
  const existing = await ctx.tx.selectFrom('timers').select('id').where('kind', '=', REP_IDLE_TIMER).where('ref', '=', repId).executeTakeFirst();
  if (existing) return;
  const presence = await ctx.tx.selectFrom('presence').select('last_activity_at').where('user_id', '=', repId).executeTakeFirst();
  await ctx.armTimer(REP_IDLE_TIMER, repId, (presence?.last_activity_at ?? ctx.now) + policy.idleMinutes * 60_000);
}

/** The idle timer: idle if there was no activity for idleMinutes, else wait from the last one. */
export async function idleTimerDue(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ctx.tx.selectFrom('presence').selectAll().where('user_id', '=', repId).executeTakeFirst();
  if (!presence || presence.connections === 0 || presence.idle === 1) return;
  const policy = await policyOf(ctx.tx, repId);
  if (policy.idleMinutes === 0) return;
  const idleAt = presence.last_activity_at + policy.idleMinutes * 60_000;
  if (idleAt > ctx.now) {
    await ctx.armTimer(REP_IDLE_TIMER, repId, idleAt);
    return;
  }
  await ctx.tx.updateTable('presence').set({ idle: 1 }).where('user_id', '=', repId).execute();
  await emitRepState(ctx, repId, { idle: true });
  await rescindIfUnavailable(ctx, repId, 'idle');
}
