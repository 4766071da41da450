/** C1: session keys. A rep generates one; a customer redeems it once, before it expires. */
import { LobbyError } from '../core/errors.js';
import {
  INVALID_KEY_MESSAGE,
  isKeyUsable,
  isWellFormedSessionKey,
  keyExpiryMinutes,
  normalizeSessionKey,
} from '../core/session-key.js';
import { personalQueueId } from '../core/site-settings.js';
import type { RawCustomerInput } from '../core/customer-input.js';
import { policyOf } from '../store/queries/directory.js';
import type { CommandContext } from './command-runner.js';
import { createSession, type CreatedSession } from './session-commands.js';

export interface GeneratedKey {
  key: string;
  expiresAt: number;
}

/** Tries a few random keys until one is not live; with 10^7 keys a clash is rare. */
const KEY_ATTEMPTS = 20;

export async function generateSessionKey(
  ctx: CommandContext,
  repId: string,
  expiresInMinutes: number | undefined,
  queueId?: string,
): Promise<GeneratedKey> {
  const minutes = keyExpiryMinutes(expiresInMinutes);
  const policy = await policyOf(ctx.tx, repId);
  if (!policy.canGenerateSessionKeys) throw new LobbyError('forbidden', 'Your policy does not allow generating session keys.');
  for (let i = 0; i < KEY_ATTEMPTS; i++) {
    const key = ctx.ids.sessionKey();
    const existing = await ctx.tx.selectFrom('session_keys').select(['expires_at', 'used_at']).where('key', '=', key).executeTakeFirst();
    if (existing && isKeyUsable(existing, ctx.now)) continue;
    // A dead key's row is reused: keys are unique among live keys only.
    if (existing) await ctx.tx.deleteFrom('session_keys').where('key', '=', key).execute();
    const expiresAt = ctx.now + minutes * 60_000;
    await ctx.tx
      .insertInto('session_keys')
      .values({
        key,
        rep_id: repId,
        queue_id: queueId ?? personalQueueId(repId),
        created_at: ctx.now,
        expires_at: expiresAt,
        used_at: null,
        session_id: null,
      })
      .execute();
    return { key, expiresAt };
  }
  throw new LobbyError('unavailable', 'Could not find a free session key; try again.');
}

export async function redeemSessionKey(
  ctx: CommandContext,
  rawKey: string,
  customer: RawCustomerInput,
): Promise<CreatedSession> {
  const key = normalizeSessionKey(rawKey);
  if (!isWellFormedSessionKey(key)) throw new LobbyError('invalid_key', INVALID_KEY_MESSAGE, 'key');
  const row = await ctx.tx.selectFrom('session_keys').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row || !isKeyUsable(row, ctx.now)) throw new LobbyError('invalid_key', INVALID_KEY_MESSAGE, 'key');
  const created = await createSession(ctx, { ...customer, origin: 'session_key', queueId: row.queue_id });
  await ctx.tx.updateTable('session_keys').set({ used_at: ctx.now, session_id: created.session.id }).where('key', '=', key).execute();
  return created;
}
