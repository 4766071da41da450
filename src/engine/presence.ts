/**
 * A1: a rep is logged in while any console connection is live. When the last one drops,
 * a durable timer gives them the site's grace period to come back before they count as
 * logged out.
 */
import { siteSettings } from '../store/queries/directory.js';
import type { CommandContext } from './command-runner.js';

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

export async function repConnected(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ensurePresence(ctx, repId);
  await ctx.cancelTimers(REP_GRACE_TIMER, repId);
  await ctx.tx
    .updateTable('presence')
    .set({
      connections: presence.connections + 1,
      logged_in: 1,
      last_activity_at: ctx.now,
      ...(presence.logged_in ? {} : { load_since: ctx.now }),
    })
    .where('user_id', '=', repId)
    .execute();
  if (!presence.logged_in) await ctx.emit({ type: 'rep.state', repId, data: { loggedIn: true } });
}

export async function repDisconnected(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ensurePresence(ctx, repId);
  const connections = Math.max(0, presence.connections - 1);
  await ctx.tx.updateTable('presence').set({ connections }).where('user_id', '=', repId).execute();
  if (connections === 0 && presence.logged_in) {
    const site = await siteSettings(ctx.tx);
    await ctx.armTimer(REP_GRACE_TIMER, repId, ctx.now + site.repGraceSeconds * 1000);
  }
}

/** The grace period passed: still no connection, so the rep is logged out. */
export async function repGraceExpired(ctx: CommandContext, repId: string): Promise<void> {
  const presence = await ensurePresence(ctx, repId);
  if (presence.connections > 0 || !presence.logged_in) return;
  await ctx.tx.updateTable('presence').set({ logged_in: 0 }).where('user_id', '=', repId).execute();
  await ctx.emit({ type: 'rep.state', repId, data: { loggedIn: false } });
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
