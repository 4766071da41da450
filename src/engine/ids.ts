import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { SESSION_KEY_DIGITS } from '../core/session-key.js';

/** Randomness the engine needs, behind one small port. */
export interface Ids {
  id(): string;
  /** An unguessable bearer token (X2). */
  token(): string;
  sessionKey(): string;
}

export const randomIds: Ids = {
  id: () => randomUUID(),
  token: () => randomBytes(32).toString('base64url'),
  sessionKey: () => String(randomInt(0, 10 ** SESSION_KEY_DIGITS)).padStart(SESSION_KEY_DIGITS, '0'),
};

/** Tokens are stored hashed, so a database leak does not hand out live sessions. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
