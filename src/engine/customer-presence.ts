/**
 * L3: a customer who closes the page, or loses the connection, has the site's
 * `customerGraceSeconds` to come back before the session ends as `abandoned`. A customer
 * who comes back in time keeps their place in line (Q4: waiting-since is untouched).
 *
 * Connections are counted per session (several tabs may show one session); when the last
 * one drops, a durable timer row starts the grace period, like the rep grace timer in
 * presence.ts.
 */
import { siteSettings } from '../store/queries/directory.js';
import { findSession } from '../store/queries/sessions.js';
import type { CommandContext } from './command-runner.js';
import { endSession } from './session-commands.js';

export const CUSTOMER_GRACE_TIMER = 'customer.grace';

async function connectionRow(ctx: CommandContext, sessionId: string) {
  return ctx.tx.selectFrom('customer_connections').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
}

/** A customer page connected to the live feed of their session. */
export async function customerConnected(ctx: CommandContext, sessionId: string): Promise<void> {
  const session = await findSession(ctx.tx, sessionId);
  if (!session || session.state === 'ended') return;
  const row = await connectionRow(ctx, sessionId);
  if (!row) {
    await ctx.tx.insertInto('customer_connections').values({ session_id: sessionId, connections: 1, disconnected_at: null }).execute();
    return;
  }
  await ctx.tx
    .updateTable('customer_connections')
    .set({ connections: row.connections + 1, disconnected_at: null })
    .where('session_id', '=', sessionId)
    .execute();
  if (row.disconnected_at !== null) {
    await ctx.cancelTimers(CUSTOMER_GRACE_TIMER, sessionId);
    await ctx.emit({
      type: 'customer.reconnected',
      sessionId,
      queueId: session.queue_id,
      data: { awayMs: ctx.now - row.disconnected_at },
    });
  }
}

/** A customer page's connection closed; the last one starts the grace period. */
export async function customerDisconnected(ctx: CommandContext, sessionId: string): Promise<void> {
  const row = await connectionRow(ctx, sessionId);
  if (!row) return;
  const connections = Math.max(0, row.connections - 1);
  const session = await findSession(ctx.tx, sessionId);
  const live = session !== undefined && session.state !== 'ended';
  if (connections > 0 || !live) {
    if (live) await ctx.tx.updateTable('customer_connections').set({ connections }).where('session_id', '=', sessionId).execute();
    else await ctx.tx.deleteFrom('customer_connections').where('session_id', '=', sessionId).execute();
    return;
  }
  await startGrace(ctx, sessionId, session.queue_id);
}

async function startGrace(ctx: CommandContext, sessionId: string, queueId: string | null): Promise<void> {
  const site = await siteSettings(ctx.tx);
  const dueAt = ctx.now + site.customerGraceSeconds * 1000;
  await ctx.tx
    .updateTable('customer_connections')
    .set({ connections: 0, disconnected_at: ctx.now })
    .where('session_id', '=', sessionId)
    .execute();
  await ctx.cancelTimers(CUSTOMER_GRACE_TIMER, sessionId);
  await ctx.armTimer(CUSTOMER_GRACE_TIMER, sessionId, dueAt);
  await ctx.emit({ type: 'customer.disconnected', sessionId, queueId, data: { graceUntil: dueAt } });
}

/** The grace period passed with no connection: the customer is gone (L3 `abandoned`). */
export async function customerGraceExpired(ctx: CommandContext, sessionId: string): Promise<void> {
  const row = await connectionRow(ctx, sessionId);
  await ctx.tx.deleteFrom('customer_connections').where('session_id', '=', sessionId).execute();
  if (row && row.connections > 0) return;
  const session = await findSession(ctx.tx, sessionId);
  if (!session || session.state === 'ended') return;
  await endSession(ctx, sessionId, { kind: 'system' }, 'abandoned');
}

/**
 * After a restart of a single-node (SQLite) server no customer page is connected any more:
 * each customer who was gets the grace period to reconnect, counted from the restart. One
 * already in a grace period keeps the timer they had.
 */
export async function resetCustomerConnectionsAfterRestart(ctx: CommandContext): Promise<void> {
  const cut = await ctx.tx.selectFrom('customer_connections').select('session_id').where('connections', '>', 0).execute();
  for (const { session_id } of cut) {
    const session = await findSession(ctx.tx, session_id);
    if (!session || session.state === 'ended') {
      await ctx.tx.deleteFrom('customer_connections').where('session_id', '=', session_id).execute();
      continue;
    }
    await startGrace(ctx, session_id, session.queue_id);
  }
}
