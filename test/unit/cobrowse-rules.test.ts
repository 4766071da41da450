/**
 * Browser sharing's pure parts (docs/cobrowse.md): the state machine of one session's
 * sharing, the server's checks of what a page sends, and how the widget cuts a batch into
 * frames that pass those checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COBROWSE_OFF,
  applyCobrowseEvent,
  decideCobrowse,
  foldCobrowse,
  type CobrowseEventLike,
  type CobrowseStep,
} from '../../src/core/cobrowse-rules.js';
import { COBROWSE_MAX_FRAME_BYTES, parseCustomerCobrowseMessage, parseRepCobrowseMessage } from '../../src/core/cobrowse-protocol.js';
import { FRAME_BYTES, frameBytes, splitBatch } from '../../web/widget/cobrowse-frames.js';

let seq = 0;
const ev = (type: string, data: Record<string, unknown> = {}, repId: string | null = null): CobrowseEventLike => ({ seq: ++seq, type, repId, data });

describe('the sharing state of a session', () => {
  it('asked, consented, stopped: each step is one event, folded in order', () => {
    const asked = foldCobrowse([ev('cobrowse.requested', { name: 'Ann Archer' }, 'ann')]);
    expect(asked).toMatchObject({ status: 'requested', requestedBy: { id: 'ann', name: 'Ann Archer' }, ended: null });
    const sharing = applyCobrowseEvent(asked, ev('cobrowse.consented'));
    expect(sharing).toMatchObject({ status: 'sharing', requestedBy: { id: 'ann' } });
    const stopped = applyCobrowseEvent(sharing, ev('cobrowse.stopped', { by: 'customer', reason: 'stopped' }));
    expect(stopped).toMatchObject({ status: 'off', requestedBy: null, ended: { reason: 'stopped', by: 'customer' } });
    // An event already folded in changes nothing (the relay may see it twice).
    expect(applyCobrowseEvent(stopped, { ...ev('cobrowse.consented'), seq: stopped.seq })).toBe(stopped);
  });

  it('a page streams only after consent to a request; the budget ends sharing for good', () => {
    const decide = (events: CobrowseEventLike[], step: CobrowseStep) => decideCobrowse(foldCobrowse(events), step);
    expect(decide([], { kind: 'consent' })).toEqual({ kind: 'refuse', message: 'Nobody has asked to see your page.' });
    expect(decide([], { kind: 'request' })).toMatchObject({ kind: 'emit', type: 'cobrowse.requested' });
    const asked = [ev('cobrowse.requested', { name: 'Ann' }, 'ann')];
    expect(decide(asked, { kind: 'request' })).toMatchObject({ kind: 'refuse' });
    expect(decide(asked, { kind: 'decline' })).toMatchObject({ kind: 'emit', type: 'cobrowse.declined' });
    expect(decide(asked, { kind: 'stop', by: 'rep' })).toEqual({ kind: 'emit', type: 'cobrowse.stopped', data: { by: 'rep', reason: 'withdrawn' } });
    expect(decide(asked, { kind: 'budget' })).toEqual({ kind: 'nothing' });
    const sharing = [...asked, ev('cobrowse.consented')];
    expect(decide(sharing, { kind: 'consent' })).toEqual({ kind: 'nothing' });
    expect(decide(sharing, { kind: 'stop', by: 'customer' })).toEqual({ kind: 'emit', type: 'cobrowse.stopped', data: { by: 'customer', reason: 'stopped' } });
    expect(decide(sharing, { kind: 'stop', by: 'system', reason: 'session_moved' })).toMatchObject({ data: { reason: 'session_moved' } });
    const exhausted = [...sharing, ev('cobrowse.budget_reached')];
    expect(foldCobrowse(exhausted).status).toBe('exhausted');
    expect(decide(exhausted, { kind: 'request' })).toEqual({ kind: 'refuse', message: 'This session has used up its allowance for browser sharing.' });
    // Stops cross: a second one is no news.
    expect(decide([...sharing, ev('cobrowse.stopped', { by: 'rep', reason: 'stopped' })], { kind: 'stop', by: 'customer' })).toEqual({ kind: 'nothing' });
    expect(decideCobrowse(COBROWSE_OFF, { kind: 'decline' })).toEqual({ kind: 'nothing' });
  });
});

describe('X3: what the server takes from a page and a console', () => {
  const frame = { type: 'cobrowse.data', seq: 3, part: 0, parts: 2, checkout: true, data: '[{"type":4' };
  const parse = (m: unknown) => {
    const text = JSON.stringify(m);
    return parseCustomerCobrowseMessage(text, Buffer.byteLength(text));
  };

  it('takes a well-formed frame and the three answers, and names what is wrong with anything else', () => {
    expect(parse(frame)).toEqual({ ok: true, message: frame });
    for (const type of ['cobrowse.consent', 'cobrowse.decline', 'cobrowse.stop']) expect(parse({ type })).toEqual({ ok: true, message: { type } });
    const reason = (m: unknown) => {
      const r = parse(m);
      return r.ok ? 'ok' : `${r.code}: ${r.message}`;
    };
    expect(reason({ type: 'cobrowse.consent', please: true })).toBe('invalid_input: cobrowse.consent takes no fields.');
    expect(reason({ ...frame, part: 2 })).toBe('invalid_input: cobrowse.data: part must be below parts.');
    expect(reason({ ...frame, parts: 0 })).toMatch(/parts must be a whole number from 1 to 512/);
    expect(reason({ ...frame, parts: 513 })).toMatch(/parts must be/);
    expect(reason({ ...frame, seq: -1 })).toMatch(/seq must be/);
    expect(reason({ ...frame, checkout: 'yes' })).toMatch(/checkout must be true or false/);
    expect(reason({ ...frame, data: '' })).toMatch(/data must be a non-empty string/);
    expect(reason({ ...frame, data: { events: [] } })).toMatch(/data must be/);
    expect(reason({ ...frame, html: '<p>' })).toMatch(/unknown field "html"/);
    expect(reason({ type: 'cobrowse.frame' })).toBe('invalid_input: Unknown message type.');
    expect(reason([1])).toBe('invalid_input: A message must be an object.');
    expect(parseCustomerCobrowseMessage('{', 1)).toMatchObject({ ok: false, code: 'invalid_input', message: 'Messages must be JSON.' });
    expect(parseCustomerCobrowseMessage('{}', COBROWSE_MAX_FRAME_BYTES + 1)).toMatchObject({ ok: false, code: 'frame_too_large' });
  });

  it('takes a rep’s sharing message only with a session id', () => {
    expect(parseRepCobrowseMessage({ type: 'cobrowse.watch', sessionId: 's1' })).toEqual({ ok: true, message: { type: 'cobrowse.watch', sessionId: 's1' } });
    expect(parseRepCobrowseMessage({ type: 'cobrowse.request' })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect(parseRepCobrowseMessage({ type: 'cobrowse.stop', sessionId: 'x'.repeat(101) })).toMatchObject({ ok: false });
  });
});

describe('the widget cuts a batch into frames the server takes', () => {
  it('every part fits a frame, and the parts join to the batch, whatever the text (quotes, escapes, emoji)', () => {
    const alphabet = ['a', '"', '\\', '\n', '\u0001', 'é', '€', '😀', '<div class="x">'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 40_000, size: 'max' }), (pieces) => {
        const text = pieces.join('');
        const parts = splitBatch(text);
        expect(parts.join('')).toBe(text);
        for (const part of parts) {
          expect(frameBytes(part)).toBeLessThanOrEqual(FRAME_BYTES);
          // A part never ends inside a surrogate pair, so it stays well-formed text on the wire.
          const last = part.charCodeAt(part.length - 1);
          expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
        }
        expect(FRAME_BYTES).toBeLessThan(COBROWSE_MAX_FRAME_BYTES);
      }),
      { numRuns: 40 },
    );
  });

  it('a large batch of hard text (every character escaped, or outside the BMP) becomes many frames that each fit', () => {
    for (const unit of ['"', '\u0001', '😀', 'x']) {
      const text = unit.repeat(120_000);
      const parts = splitBatch(text);
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.join('')).toBe(text);
      expect(Math.max(...parts.map(frameBytes))).toBeLessThanOrEqual(FRAME_BYTES);
    }
  });

  it('an ordinary batch of a few kilobytes goes in one frame', () => {
    expect(splitBatch(JSON.stringify([{ type: 3, data: { source: 5, text: 'ORDER-4711', id: 20 } }]))).toHaveLength(1);
  });
});
