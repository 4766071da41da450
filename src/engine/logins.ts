/** Rep logins (X1): a random cookie token, stored hashed, with a CSRF token beside it. */
import { LobbyError } from '../core/errors.js';
import type { Db } from '../store/store.js';
import type { UserRow } from '../store/schema.js';
import { findUser, findUserByLogin } from '../store/queries/directory.js';
import { hashToken, type Ids } from './ids.js';
import { verifyPassword } from './passwords.js';

export const LOGIN_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** Compared against when the login is unknown, so both failures take the same time. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface LoginResult {
  user: UserRow;
  token: string;
  csrfToken: string;
}

export async function logIn(db: Db, ids: Ids, now: number, login: string, password: string): Promise<LoginResult> {
  const user = await findUserByLogin(db, login);
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
  if (!user || !ok || user.disabled) {
    throw new LobbyError('invalid_credentials', 'Wrong login or password.');
  }
  const token = ids.token();
  const csrfToken = ids.token();
  await db
    .insertInto('logins')
    .values({ token_hash: hashToken(token), user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: now + LOGIN_LIFETIME_MS })
    .execute();
  return { user, token, csrfToken };
}

export async function resolveLogin(db: Db, now: number, token: string): Promise<{ user: UserRow; csrfToken: string } | null> {
  const row = await db.selectFrom('logins').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row || row.expires_at <= now) return null;
  const user = await findUser(db, row.user_id);
  if (!user || user.disabled) return null;
  return { user, csrfToken: row.csrf_token };
}

export async function logOut(db: Db, token: string): Promise<void> {
  await db.deleteFrom('logins').where('token_hash', '=', hashToken(token)).execute();
}
