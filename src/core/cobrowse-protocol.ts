/**
 * The messages of browser sharing (docs/cobrowse.md) on the customer's sharing channel
 * (`/ws/customer?token=…&channel=cobrowse`) and on the rep console's feed (`/ws/rep`), with
 * the limits the server enforces. Pure: every message is checked here before it is used (X3).
 *
 * The page itself travels as `cobrowse.data` frames: one batch of recorded DOM events,
 * serialized once by the widget and cut into parts that each fit a frame. The server never
 * parses the DOM events; it checks the envelope and the sizes, counts the bytes against the
 * session's budget, and relays the frame to the reps watching that session.
 */

/**
 * Largest frame the customer may send, in bytes. The server's WebSocket closes the
 * connection on any message over 64 KiB; below that, this limit refuses a frame with a
 * message and keeps the channel open.
 */
export const COBROWSE_MAX_FRAME_BYTES = 48 * 1024;
/** Most parts one batch may be cut into (48 KiB each: about 24 MB, far above any page). */
export const COBROWSE_MAX_PARTS = 512;
/** The built-in masks: password fields always; these marks unless the site sets its own. */
export const DEFAULT_COBROWSE_MASK_SELECTOR = '.lobby-mask, [data-lobby-mask]';

export type CobrowseProtocolError = 'invalid_input' | 'frame_too_large' | 'not_sharing' | 'budget_reached';

export type CustomerCobrowseMessage =
  | { type: 'cobrowse.consent' }
  | { type: 'cobrowse.decline' }
  | { type: 'cobrowse.stop' }
  | CobrowseDataFrame;

export interface CobrowseDataFrame {
  type: 'cobrowse.data';
  /** The batch's number, counted up by the page from 0. */
  seq: number;
  part: number;
  parts: number;
  /** The batch starts a new full snapshot (a page load, or a checkout the server asked for). */
  checkout: boolean;
  /** This part of the batch's JSON text. */
  data: string;
}

export type Parsed<T> = { ok: true; message: T } | { ok: false; code: CobrowseProtocolError; message: string };

const refuse = (code: CobrowseProtocolError, message: string): { ok: false; code: CobrowseProtocolError; message: string } => ({
  ok: false,
  code,
  message,
});

const isCount = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

const DATA_KEYS = new Set(['type', 'seq', 'part', 'parts', 'checkout', 'data']);

/** Checks one message from the customer's page; `bytes` is its size as received. */
export function parseCustomerCobrowseMessage(text: string, bytes: number): Parsed<CustomerCobrowseMessage> {
  if (bytes > COBROWSE_MAX_FRAME_BYTES) {
    return refuse('frame_too_large', `A frame may be at most ${COBROWSE_MAX_FRAME_BYTES} bytes; this one has ${bytes}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse('invalid_input', 'Messages must be JSON.');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('invalid_input', 'A message must be an object.');
  const m = raw as Record<string, unknown>;
  if (m.type === 'cobrowse.consent' || m.type === 'cobrowse.decline' || m.type === 'cobrowse.stop') {
    if (Object.keys(m).length !== 1) return refuse('invalid_input', `${m.type} takes no fields.`);
    return { ok: true, message: { type: m.type } };
  }
  if (m.type !== 'cobrowse.data') return refuse('invalid_input', 'Unknown message type.');
  const extra = Object.keys(m).find((k) => !DATA_KEYS.has(k));
  if (extra !== undefined) return refuse('invalid_input', `cobrowse.data: unknown field "${extra}".`);
  if (!isCount(m.seq, Number.MAX_SAFE_INTEGER)) return refuse('invalid_input', 'cobrowse.data: seq must be a whole number from 0.');
  if (!isCount(m.parts, COBROWSE_MAX_PARTS) || m.parts < 1) {
    return refuse('invalid_input', `cobrowse.data: parts must be a whole number from 1 to ${COBROWSE_MAX_PARTS}.`);
  }
  if (!isCount(m.part, m.parts - 1)) return refuse('invalid_input', 'cobrowse.data: part must be below parts.');
  if (typeof m.checkout !== 'boolean') return refuse('invalid_input', 'cobrowse.data: checkout must be true or false.');
  if (typeof m.data !== 'string' || m.data.length === 0) return refuse('invalid_input', 'cobrowse.data: data must be a non-empty string.');
  return { ok: true, message: { type: 'cobrowse.data', seq: m.seq, part: m.part, parts: m.parts, checkout: m.checkout, data: m.data } };
}

export type RepCobrowseType = 'cobrowse.watch' | 'cobrowse.unwatch' | 'cobrowse.request' | 'cobrowse.stop';
const REP_TYPES: readonly string[] = ['cobrowse.watch', 'cobrowse.unwatch', 'cobrowse.request', 'cobrowse.stop'];

export interface RepCobrowseMessage {
  type: RepCobrowseType;
  sessionId: string;
}

/** Whether a rep feed message belongs to browser sharing (then parseRepCobrowseMessage checks it). */
export function isRepCobrowseType(type: unknown): type is RepCobrowseType {
  return typeof type === 'string' && REP_TYPES.includes(type);
}

export function parseRepCobrowseMessage(m: Record<string, unknown>): Parsed<RepCobrowseMessage> {
  if (!isRepCobrowseType(m.type)) return refuse('invalid_input', 'Unknown message type.');
  if (typeof m.sessionId !== 'string' || m.sessionId.length === 0 || m.sessionId.length > 100) {
    return refuse('invalid_input', `${m.type}: sessionId must be a session id.`);
  }
  return { ok: true, message: { type: m.type, sessionId: m.sessionId } };
}

/**
 * The byte budget from the site setting. A frame is counted by its size as received, so the
 * budget is what the customer's connection uploads for sharing, envelopes included.
 */
export function cobrowseBudgetBytes(megabytes: number): number {
  return Math.max(1, Math.round(megabytes * 1024 * 1024));
}
