/**
 * Two Lobby nodes sharing one PostgreSQL database (DESIGN: the database is the truth).
 * Routing commands are serialized by the advisory lock; events reach every node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, TEST_PG_URL } from '../support/test-stores.js';
import { RepClient, startIssueSession } from '../support/lobby-harness.js';
import type { RunningLobby } from '../../src/main.js';
import { AUTOMATIC_SITE } from '../support/fixture-site.js';
import { dropSchema, seededSchema, startPostgresNode } from '../support/postgres-nodes.js';

describe.skipIf(!STORE_KINDS.includes('postgres'))('two nodes on one PostgreSQL database', () => {
  let schema: string;
  let a: RunningLobby;
  let b: RunningLobby;

  beforeAll(async () => {
    schema = await seededSchema(TEST_PG_URL, AUTOMATIC_SITE);
    [a, b] = await Promise.all([startPostgresNode(TEST_PG_URL, schema), startPostgresNode(TEST_PG_URL, schema)]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    if (schema) await dropSchema(TEST_PG_URL, schema);
  });

  it('a session created on one node reaches a console connected to the other, with its offer', async () => {
    const ann = await RepClient.login(a.url, 'ann');
    const socket = await ann.socket();
    await socket.next((m) => m.type === 'hello');
    const { sessionId } = await startIssueSession(b.url, 'printer');
    const queued = await socket.event('session.queued', sessionId);
    expect(queued.queueId).toBe('team:helpdesk');
    const offer = await socket.event('offer.made', sessionId);
    expect(offer.repId).toBe('ann');
    // The offer made through node B is accepted through node A.
    const res = await ann.post(`/api/rep/offers/${offer.data.offerId}/accept`);
    expect(res.status).toBe(200);
    await socket.close();
  });

  it('Q7, X5: simultaneous accepts through two nodes: exactly one wins', async () => {
    const bob = await RepClient.login(b.url, 'bob');
    const annOnA = await RepClient.login(a.url, 'ann');
    for (let i = 0; i < 5; i++) {
      const { sessionId } = await startIssueSession(a.url, 'printer');
      const results = await Promise.all([
        annOnA.post(`/api/rep/sessions/${sessionId}/accept`),
        bob.post(`/api/rep/sessions/${sessionId}/accept`),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    }
    const owners = await a.store.db.selectFrom('participants').select(['session_id']).where('role', '=', 'owner').execute();
    expect(new Set(owners.map((o) => o.session_id)).size).toBe(owners.length);
  });

  it('X5: sessions arriving on both nodes at once never give a rep two pending offers, nor a session two', async () => {
    const [annSocket, bobSocket] = await Promise.all([
      (await RepClient.login(a.url, 'ann')).socket(),
      (await RepClient.login(b.url, 'bob')).socket(),
    ]);
    await Promise.all([annSocket.next((m) => m.type === 'hello'), bobSocket.next((m) => m.type === 'hello')]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => startIssueSession(i % 2 ? a.url : b.url, 'printer', `C${i}`)));
    const pending = await a.store.db.selectFrom('offers').select(['rep_id', 'session_id']).where('state', '=', 'pending').execute();
    expect(new Set(pending.map((o) => o.rep_id)).size).toBe(pending.length);
    expect(new Set(pending.map((o) => o.session_id)).size).toBe(pending.length);
    await Promise.all([annSocket.close(), bobSocket.close()]);
  });
});
