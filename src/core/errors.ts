/**
 * Every refusal has a stable code (for clients and tests) and a sentence for people.
 * The server maps codes to HTTP statuses; nothing else depends on the wording.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'unknown_issue'
  | 'invalid_key'
  | 'not_found'
  | 'forbidden'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'csrf'
  | 'already_taken'
  | 'session_ended'
  | 'not_waiting'
  | 'not_in_session'
  | 'offer_not_pending'
  | 'conflict'
  | 'link_expired'
  | 'rep_unavailable'
  | 'rate_limited'
  | 'unavailable';

export class LobbyError extends Error {
  readonly code: ErrorCode;
  /** The input field at fault, as a path (`customerName`, `attributes.color`). */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'LobbyError';
    this.code = code;
    this.field = field;
  }
}

export const isLobbyError = (err: unknown): err is LobbyError => err instanceof LobbyError;
