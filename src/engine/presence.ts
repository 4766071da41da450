/**
 * A1: a rep is logged in while any console connection is live. When the last one drops,
 * a durable timer gives them the site's grace period to come back before they count as
 * logged out.
 */
import { policyOf, siteSettings } from '../store/queries/directory.js';
import type { CommandContext } from './command-runner.js';
import { runEquilibrium } from './equilibrium-run.js';
import { armIdleTimer, emitRepState, rescindIfUnavailable } from './availability-commands.js';
import { repLost } from './fallback-commands.js';

export const REP_GRACE_TIMER = 'rep.grace';

async function ensurePresence(ctx: CommandContext, repId: string) {
  const row = await ctx.tx.selectFrom('presence').selectAll().where('user_id', '=', repId).executeTakeFirst();
  if (row) return row;
  const fresh = {
    user_id: repId,
    connections: 0,
    logged_in: 0,
    locked: 0,
    idle: 0,
    opted_out: 0,
    last_activity_at: ctx.now,
    load_since: ctx.now,
    missed_offers: 0,
  };
  await ctx.tx.insertInto('presence').values(fresh).execute();
  return fresh;
}

/**
 * A console connected. A fresh login starts unlocked and active, and opted out where the
 * policy does not assign on login (A5: otherwise the rep's own choice stands).
 */
export async function repConnected(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ensurePresence(ctx, repId);
  await ctx.cancelTimers(REP_GRACE_TIMER, repId);
  const freshLogin = presence.logged_in === 0;
  const policy = freshLogin ? await policyOf(ctx.tx, repId) : null;
  await ctx.tx
    .updateTable('presence')
    .set({
      connections: presence.connections + 1,
      logged_in: 1,
      last_activity_at: ctx.now,
      idle: 0,
      ...(presence.connections === 0 || presence.idle === 1 ? { load_since: ctx.now } : {}),
      ...(freshLogin ? { locked: 0, missed_offers: 0, ...(policy?.autoAssignOnLogin === false ? { opted_out: 1 } : {}) } : {}),
    })
    .where('user_id', '=', repId)
    .execute();
  if (presence.connections > 0) {
    // A3: another console opening is activity; an idle rep is available again (E1).
    if (presence.idle === 1) {
      await armIdleTimer(ctx, repId);
      await emitRepState(ctx, repId, { idle: false });
      await runEquilibrium(ctx);
    }
    return;
  }
  await armIdleTimer(ctx, repId);
  await emitRepState(ctx, repId, { loggedIn: true });
  await runEquilibrium(ctx);
}

/** The last connection dropped: offers are rescinded at once (E9), sessions kept for the grace period (A1). */
export async function repDisconnected(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ensurePresence(ctx, repId);
  const connections = Math.max(0, presence.connections - 1);
  await ctx.tx.updateTable('presence').set({ connections }).where('user_id', '=', repId).execute();
  if (connections === 0 && presence.logged_in) {
    const site = await siteSettings(ctx.tx);
    await ctx.armTimer(REP_GRACE_TIMER, repId, ctx.now + site.repGraceSeconds * 1000);
    await rescindIfUnavailable(ctx, repId, 'disconnected');
    await emitRepState(ctx, repId, { connected: false });
  }
}

/** The grace period passed with no connection: the rep is logged out and their sessions fall back (F). */
export async function repGraceExpired(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ensurePresence(ctx, repId);
  if (presence.connections > 0 || !presence.logged_in) return;
  await ctx.tx.updateTable('presence').set({ logged_in: 0 }).where('user_id', '=', repId).execute();
  await ctx.cancelTimers('rep.idle', repId);
  await emitRepState(ctx, repId, { loggedIn: false });
  await repLost(ctx, repId);
}

/**
 * After a restart of a single-node (SQLite) server no console is connected any more: the
 * connection counts it kept are void. A rep who was connected when it stopped gets the
 * grace period to reconnect, counted from the restart; a rep already in a grace period
 * keeps the timer they had, which fires at once if it fell due while the server was down.
 */
export async function resetConnectionsAfterRestart(ctx: CommandContext): Promise<void> {
  const site = await siteSettings(ctx.tx);
  const cut = await ctx.tx
    .selectFrom('presence')
    .select('user_id')
    .where('logged_in', '=', 1)
    .where('connections', '>', 0)
    .execute();
  await ctx.tx.updateTable('presence').set({ connections: 0 }).where('connections', '>', 0).execute();
  for (const { user_id } of cut) {
    await ctx.armTimer(REP_GRACE_TIMER, user_id, ctx.now + site.repGraceSeconds * 1000);
  }
}
