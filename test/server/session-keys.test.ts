import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { INVALID_KEY_MESSAGE } from '../../src/core/session-key.js';

describe.each(STORE_KINDS)('session keys on %s', (kind) => {
  let t: TestLobby;
  let ann: RepClient;
  beforeAll(async () => {
    t = await startTestLobby(kind);
    ann = await RepClient.login(t.url, 'ann');
  });
  afterAll(async () => t?.close());

  const redeem = (key: string) => request(`${t.url}/api/portal/session-key`, { method: 'POST', json: { key, customerName: 'Kim' } });

  it('C1, Q1: a key puts the session in the generating rep’s personal queue, and the rep sees it live', async () => {
    const socket = await ann.socket();
    await socket.next((m) => m.type === 'hello');
    const gen = await ann.post('/api/rep/session-keys', { expiresInMinutes: 30 });
    expect(gen.status).toBe(201);
    expect(gen.body.key).toMatch(/^\d{7}$/);
    expect(gen.body.expiresAt).toBe(t.clock.now() + 30 * 60_000);
    expect(gen.body.url).toContain(`/portal/?key=${gen.body.key}`);
    const res = await redeem(gen.body.key);
    expect(res.status).toBe(201);
    const queued = await socket.event('session.queued', res.body.sessionId);
    expect(queued.queueId).toBe('rep:ann');
    const session = await t.lobby.store.db.selectFrom('sessions').selectAll().where('id', '=', res.body.sessionId).executeTakeFirstOrThrow();
    expect(session.origin).toBe('session_key');
    await socket.close();
  });

  it('C1: a used, an expired and an unknown key all get the same single message', async () => {
    const used = (await ann.post('/api/rep/session-keys', {})).body.key;
    expect((await redeem(used)).status).toBe(201);
    const expiring = (await ann.post('/api/rep/session-keys', { expiresInMinutes: 1 })).body.key;
    t.clock.advance(60_000);
    const known = new Set((await t.lobby.store.db.selectFrom('session_keys').select('key').execute()).map((r) => r.key));
    let unknown = '1234567';
    while (known.has(unknown)) unknown = String(Number(unknown) + 1);
    const answers = [await redeem(used), await redeem(expiring), await redeem(unknown), await redeem('12ab')];
    for (const a of answers) {
      expect(a.status).toBe(400);
      expect(a.body.error).toEqual({ code: 'invalid_key', message: INVALID_KEY_MESSAGE, field: 'key' });
    }
  });

  it('C1: the expiry must be 1 minute to 7 days', async () => {
    for (const expiresInMinutes of [0, 10_081, 1.5]) {
      const res = await ann.post('/api/rep/session-keys', { expiresInMinutes });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('expiresInMinutes');
    }
  });

  it('C1 (beyond): key guessing is rate limited per client address', async () => {
    // Ten tries a minute per address; the earlier tests used some of this address's budget.
    let limited = null;
    for (let i = 0; i < 12 && !limited; i++) {
      const res = await redeem('0000000');
      if (res.status === 429) limited = res;
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    t.clock.advance(60_001);
    expect((await redeem('0000000')).status).toBe(400);
  });
});
