/**
 * A1, E2 across nodes: a node that dies without closing its connections must not leave its
 * reps "logged in" (they would be offered sessions nobody sees) nor its customers
 * "connected". The others take it for dead when its heartbeat stops, and let its
 * connections go as if each had closed. Driven by an injected liveness clock: nothing sleeps.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { importSiteConfig } from '../../src/config/import-config.js';
import { ManualClock } from '../../src/engine/clock.js';
import { startLobby, type RunningLobby } from '../../src/main.js';
import type { Db } from '../../src/store/store.js';
import { AUTOMATIC_SITE, FIXTURE_SITE } from '../support/fixture-site.js';
import { dropSchema, seededSchema, startPostgresNode } from '../support/postgres-nodes.js';
import { RepClient, startIssueSession } from '../support/lobby-harness.js';
import { STORE_KINDS, TEST_PG_URL, openTestStore } from '../support/test-stores.js';

const TIMEOUT_MS = 45_000;
/** No automatic beats: the tests call livenessTick() when they want one. */
const NEVER = 3_600_000;

async function presenceOf(db: Db, repId: string) {
  return db.selectFrom('presence').select(['connections', 'logged_in']).where('user_id', '=', repId).executeTakeFirstOrThrow();
}

async function pendingOffersTo(db: Db, repId: string) {
  return db.selectFrom('offers').select('id').where('rep_id', '=', repId).where('state', '=', 'pending').execute();
}

describe.skipIf(!STORE_KINDS.includes('postgres'))('nodes on one PostgreSQL database that die', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function freshSchema(): Promise<string> {
    const schema = await seededSchema(TEST_PG_URL, AUTOMATIC_SITE);
    cleanup.push(() => dropSchema(TEST_PG_URL, schema));
    return schema;
  }

  async function node(schema: string, liveness: ManualClock): Promise<RunningLobby> {
    const lobby = await startPostgresNode(TEST_PG_URL, schema, { liveness: { clock: liveness, heartbeatMs: NEVER, timeoutMs: TIMEOUT_MS } });
    cleanup.push(() => lobby.close());
    return lobby;
  }

  async function nodeInOwnProcess(schema: string): Promise<{ url: string; nodeId: string; child: ChildProcess }> {
    const script = fileURLToPath(new URL('../support/lobby-node-process.ts', import.meta.url));
    const child = fork(script, [TEST_PG_URL, schema], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    cleanup.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });
    const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
    return { ...(JSON.parse(line.split('\n')[0]!) as { url: string; nodeId: string }), child };
  }

  it('A1, E9: a node killed outright: the others let its rep go, rescind her offer and offer the session to a rep who is there', { timeout: 60_000 }, async () => {
    const schema = await freshSchema();
    const liveness = new ManualClock(Date.now());
    const b = await node(schema, liveness);
    // The doomed node beats on its wall clock: its last beat falls between these two times.
    const doomedStarted = Date.now();
    const doomed = await nodeInOwnProcess(schema);

    // Ann's console is on the doomed node; Bob's on B.
    const ann = await RepClient.login(doomed.url, 'ann');
    const annSocket = await ann.socket();
    await annSocket.next((m) => m.type === 'hello');
    const bob = await RepClient.login(b.url, 'bob');
    const bobSocket = await bob.socket();
    await bobSocket.next((m) => m.type === 'hello');
    expect(await presenceOf(b.store.db, 'ann')).toEqual({ connections: 1, logged_in: 1 });

    // A customer arrives: Ann (the longest at zero load) is offered the session, on her
    // console on the doomed node (E4: an offer's events reach only its rep).
    const { sessionId } = await startIssueSession(b.url, 'printer');
    const offered = await annSocket.event('offer.made', sessionId);
    expect(offered.repId).toBe('ann');

    doomed.child.kill('SIGKILL');
    await once(doomed.child, 'exit');
    // Nothing told the database: Ann still counts as connected, her offer still pending.
    expect(await presenceOf(b.store.db, 'ann')).toEqual({ connections: 1, logged_in: 1 });

    const killed = Date.now();

    // Not yet dead: its last beat is more recent than the timeout (a beat may be late).
    liveness.set(doomedStarted + TIMEOUT_MS - 1_000);
    await b.engine.livenessTick();
    expect((await presenceOf(b.store.db, 'ann')).connections).toBe(1);

    // No beat for longer than the timeout: B lets Ann's connection go.
    liveness.set(killed + TIMEOUT_MS + 1_000);
    await b.engine.livenessTick();
    expect(await presenceOf(b.store.db, 'ann')).toEqual({ connections: 0, logged_in: 1 });
    expect(await pendingOffersTo(b.store.db, 'ann')).toEqual([]);
    const next = await bobSocket.next((m) => m.type === 'event' && m.event.type === 'offer.made' && m.event.sessionId === sessionId && m.event.repId === 'bob');
    expect(next.event.repId).toBe('bob');
    const nodes = await b.store.db.selectFrom('nodes').select('id').execute();
    expect(nodes.map((n) => n.id)).toEqual([b.engine.nodeId]);
    expect(await b.store.db.selectFrom('node_connections').select('node_id').where('node_id', '=', doomed.nodeId).execute()).toEqual([]);
    await bobSocket.close();
  });

  it('A1: a node taken for dead while it was only paused counts its open connections again, and a later close counts once', { timeout: 60_000 }, async () => {
    const schema = await freshSchema();
    const clockA = new ManualClock(Date.now());
    const clockB = new ManualClock(Date.now());
    const a = await node(schema, clockA);
    const b = await node(schema, clockB);
    const ann = await RepClient.login(a.url, 'ann');
    const socket = await ann.socket();
    await socket.next((m) => m.type === 'hello');
    expect((await presenceOf(b.store.db, 'ann')).connections).toBe(1);

    // A is paused (its clock stands still, it does not beat); B's time passes.
    clockB.advance(TIMEOUT_MS + 1_000);
    await b.engine.livenessTick();
    expect((await presenceOf(b.store.db, 'ann')).connections).toBe(0);

    // A wakes: its row is gone, so it rejoins and counts Ann's open console again.
    await a.engine.livenessTick();
    expect(await presenceOf(b.store.db, 'ann')).toEqual({ connections: 1, logged_in: 1 });
    const grace = await b.store.db.selectFrom('timers').select('id').where('kind', '=', 'rep.grace').where('ref', '=', 'ann').execute();
    expect(grace).toEqual([]);

    // Ann closes her console: counted once, not twice.
    await socket.close();
    await a.engine.timersIdle();
    await expect.poll(async () => (await presenceOf(b.store.db, 'ann')).connections).toBe(0);
    expect(await b.store.db.selectFrom('node_connections').selectAll().execute()).toEqual([]);
  });

  it('a node that stops cleanly leaves no row behind', async () => {
    const schema = await freshSchema();
    const a = await node(schema, new ManualClock(Date.now()));
    const b = await node(schema, new ManualClock(Date.now()));
    expect((await b.store.db.selectFrom('nodes').select('id').execute()).length).toBe(2);
    await a.close();
    expect((await b.store.db.selectFrom('nodes').select('id').execute()).map((n) => n.id)).toEqual([b.engine.nodeId]);
  });
});

describe('one SQLite node', () => {
  it('A1: after a restart, the connections of the earlier run are gone, node rows and all', async () => {
    const t = await openTestStore('sqlite');
    const clock = new ManualClock();
    await importSiteConfig(t.store, FIXTURE_SITE, clock.now());
    const start = () => startLobby({ host: '127.0.0.1', port: 0, dataDir: '', demo: false, logLevel: 'silent', clock, store: t.store });
    let lobby = await start();
    const ann = await RepClient.login(lobby.url, 'ann');
    const socket = await ann.socket();
    await socket.next((m) => m.type === 'hello');
    const first = lobby.engine.nodeId;
    expect(await lobby.store.db.selectFrom('node_connections').selectAll().execute()).toEqual([
      { node_id: first, kind: 'rep', subject_id: 'ann', connections: 1 },
    ]);
    // As if the process died here: the store closes under it, so nothing more is written.
    await t.store.close();
    await lobby.close().catch(() => undefined);
    await socket.close();

    await t.reopen();
    lobby = await start();
    try {
      expect(await lobby.store.db.selectFrom('nodes').select('id').execute()).toEqual([{ id: lobby.engine.nodeId }]);
      expect(await lobby.store.db.selectFrom('node_connections').selectAll().execute()).toEqual([]);
      expect((await presenceOf(lobby.store.db, 'ann')).connections).toBe(0);
    } finally {
      await lobby.close();
      await t.close();
    }
  });
});
