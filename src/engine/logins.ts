/** Rep logins (X1): a random cookie token, stored hashed, with a CSRF token beside it. */
import { LobbyError } from '../core/errors.js';
import type { Db } from '../store/store.js';
import type { UserRow } from '../store/schema.js';
import { findUserByLogin } from '../store/queries/directory.js';
import { prepared } from '../store/queries/prepared.js';
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

/**
 * A login and its user in one read. The user's columns come as `findUser` reads them; the
 * login's two under names no column of `users` has, taken off the row below.
 */
const loginWithUser = prepared((db: Db, tokenHash: string) =>
  db
    .selectFrom('logins')
    .innerJoin('users', 'users.id', 'logins.user_id')
    .selectAll('users')
    .select(['logins.csrf_token as login_csrf_token', 'logins.expires_at as login_expires_at'])
    .where('logins.token_hash', '=', tokenHash),
);

export async function resolveLogin(db: Db, now: number, token: string): Promise<{ user: UserRow; csrfToken: string } | null> {
  const row = await loginWithUser.first(db, hashToken(token));
  // No login, or no user behind it (findUser finding none): both refused alike.
  if (!row) return null;
  const { login_csrf_token: csrfToken, login_expires_at: expiresAt, ...user } = row;
  if (expiresAt <= now || user.disabled) return null;
  return { user, csrfToken };
}

export async function logOut(db: Db, token: string): Promise<void> {
  await db.deleteFrom('logins').where('token_hash', '=', hashToken(token)).execute();
}
