/** C1: session keys are 7 digits and expire after 1 minute to 7 days (default 60 min). */
import { LobbyError } from './errors.js';

export const SESSION_KEY_DIGITS = 7;
export const KEY_EXPIRY_DEFAULT_MINUTES = 60;
export const KEY_EXPIRY_MAX_MINUTES = 7 * 24 * 60;

/**
 * One message for an expired, used or unknown key, so that a guesser cannot tell which
 * keys exist.
 */
export const INVALID_KEY_MESSAGE = 'That session key is not valid. Please check it with your representative.';

export function normalizeSessionKey(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function isWellFormedSessionKey(key: string): boolean {
  return new RegExp(`^\\d{${SESSION_KEY_DIGITS}}$`).test(key);
}

export function keyExpiryMinutes(requested: number | undefined): number {
  const minutes = requested ?? KEY_EXPIRY_DEFAULT_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > KEY_EXPIRY_MAX_MINUTES) {
    throw new LobbyError('invalid_input', `Expiry must be a whole number of minutes from 1 to ${KEY_EXPIRY_MAX_MINUTES}.`, 'expiresInMinutes');
  }
  return minutes;
}

/** A key works only while unused and unexpired. */
export function isKeyUsable(key: { expires_at: number; used_at: number | null }, now: number): boolean {
  return key.used_at === null && now < key.expires_at;
}
