/**
 * Two Lobby nodes sharing one PostgreSQL database (DESIGN: the database is the truth).
 * Routing commands are serialized by the advisory lock; events reach every node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { STORE_KINDS, TEST_PG_URL } from '../support/test-stores.js';
import { RepClient, startIssueSession } from '../support/lobby-harness.js';
import { startLobby, type RunningLobby } from '../../src/main.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { importSiteConfig } from '../../src/config/import-config.js';
import { FIXTURE_SITE } from '../support/fixture-site.js';

const AUTOMATIC_SITE = {
  ...FIXTURE_SITE,
  teams: FIXTURE_SITE.teams.map((t) => ({ ...t, algorithm: 'least_busy', offerTimeoutSeconds: 30 })),
};

describe.skipIf(!STORE_KINDS.includes('postgres'))('two nodes on one PostgreSQL database', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let a: RunningLobby;
  let b: RunningLobby;

  beforeAll(async () => {
    const seed = await openPostgresStore({ url: TEST_PG_URL, schema });
    await importSiteConfig(seed, AUTOMATIC_SITE, Date.now());
    await seed.close();
    const start = async () =>
      startLobby({
        host: '127.0.0.1',
        port: 0,
        dataDir: '',
        demo: false,
        logLevel: 'silent',
        store: await openPostgresStore({ url: TEST_PG_URL, schema, poolSize: 4 }),
      });
    [a, b] = await Promise.all([start(), start()]);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
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
