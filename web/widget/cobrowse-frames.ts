/**
 * The pure parts of recording for browser sharing (docs/cobrowse.md): which fields are
 * private, and how a batch of recorded events is cut into frames the server takes.
 */

/** Stays below the server's COBROWSE_MAX_FRAME_BYTES (48 KiB, src/core/cobrowse-protocol.ts). */
export const FRAME_BYTES = 46 * 1024;
/** Room for the frame's envelope around its data. */
const ENVELOPE_BYTES = 160;
/** The server's COBROWSE_MAX_PARTS. */
export const MAX_PARTS = 512;
const FIRST_CHUNK_CHARS = 32 * 1024;

export interface CobrowseFrame {
  type: 'cobrowse.data';
  seq: number;
  part: number;
  parts: number;
  checkout: boolean;
  data: string;
}

const encoder = new TextEncoder();
const escapedBytes = (chunk: string): number => encoder.encode(JSON.stringify(chunk)).length;

/** The bytes a frame carrying `data` takes on the wire, at most. */
export function frameBytes(data: string): number {
  return escapedBytes(data) + ENVELOPE_BYTES;
}

/** A selector the browser accepts, '' for none, or null when it cannot parse it (then every field is masked). */
export function usableSelector(selector: string): string | null {
  if (selector.trim() === '') return '';
  try {
    document.createDocumentFragment().querySelector(selector);
    return selector;
  } catch {
    return null;
  }
}

const SENSITIVE_AUTOCOMPLETE = /password|one-time-code|cc-/i;

/** Whether an input's value must not leave the browser; `maskSelector` null masks every field. */
export function isSensitiveField(element: Element, maskSelector: string | null): boolean {
  if (maskSelector === null) return true;
  if (element.tagName === 'INPUT' && (element as HTMLInputElement).type === 'password') return true;
  // rrweb marks an input that was a password field and was switched to text ("show password").
  if (element.hasAttribute('data-rr-is-password')) return true;
  if (SENSITIVE_AUTOCOMPLETE.test(element.getAttribute('autocomplete') ?? '')) return true;
  return maskSelector !== '' && element.closest(maskSelector) !== null;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** Cuts a batch's text into parts whose frames each fit the server's limit, never inside a surrogate pair. */
export function splitBatch(text: string): string[] {
  const parts: string[] = [];
  const cut = (piece: string): void => {
    if (piece.length <= 2 || frameBytes(piece) <= FRAME_BYTES) {
      parts.push(piece);
      return;
    }
    let middle = Math.floor(piece.length / 2);
    if (isHighSurrogate(piece.charCodeAt(middle - 1))) middle += 1;
    cut(piece.slice(0, middle));
    cut(piece.slice(middle));
  };
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + FIRST_CHUNK_CHARS);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end += 1;
    cut(text.slice(at, end));
    at = end;
  }
  return parts;
}
