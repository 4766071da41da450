/**
 * The server answers in English with a stable code and the field at fault; the customer
 * pages show the sentence for that code and field in the reader's language.
 */
import { ApiError } from '../api.js';
import type { Catalogue } from './en.js';

/** The values the form sent, so that "missing" and "too long" can be told apart. */
export type SentValues = Partial<Record<string, string>>;

function fieldMessage(t: Catalogue, field: string, sent: SentValues): string | null {
  switch (field) {
    case 'customerName':
      return (sent.customerName ?? '').trim() === '' ? t.errors.nameRequired : t.errors.nameTooLong;
    case 'customerCompany':
      return t.errors.companyTooLong;
    case 'details':
      return t.errors.detailsTooLong;
    case 'text':
      return (sent.text ?? '').trim() === '' ? t.errors.messageEmpty : t.errors.messageTooLong;
    case 'issueCode':
      return t.errors.unknownIssue;
    case 'key':
      return t.errors.invalidKey;
    case 'repId':
      return t.errors.chooseRep;
    default:
      return null;
  }
}

const BY_CODE: Record<string, (t: Catalogue) => string> = {
  invalid_key: (t) => t.errors.invalidKey,
  rate_limited: (t) => t.errors.rateLimited,
  link_expired: (t) => t.errors.linkExpired,
  not_found: (t) => t.errors.linkInvalid,
  rep_unavailable: (t) => t.errors.repUnavailable,
  unknown_issue: (t) => t.errors.unknownIssue,
  not_in_session: (t) => t.errors.chatNotOpen,
  session_ended: (t) => t.errors.sessionEnded,
  forbidden: (t) => t.errors.notAllowed,
  unavailable: (t) => t.errors.unavailable,
  network: (t) => t.errors.network,
};

/** The same error, its message in the reader's language. */
export function localizeError(err: unknown, t: Catalogue, sent: SentValues = {}): ApiError {
  if (!(err instanceof ApiError)) return new ApiError(0, 'internal', t.errors.generic, null);
  const byField = err.code === 'invalid_input' && err.field ? fieldMessage(t, err.field, sent) : null;
  const message = byField ?? BY_CODE[err.code]?.(t) ?? t.errors.generic;
  return new ApiError(err.status, err.code, message, err.field);
}
