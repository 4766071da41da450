/**
 * Admin changes apply at once (SPEC I3 "applied live", docs/admin.md): the next routing
 * decision uses them, without a restart. Real stores, real HTTP and WebSockets, a manual
 * clock; nothing sleeps — every wait is on an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, startIssueSession, startTestLobby, type LiveSocket, type TestLobby } from '../support/lobby-harness.js';
import { ADMIN_SITE, AdminClient } from '../support/admin-client.js';

/** Resolves with the first committed event that matches (registered before the change). */
function nextEvent(t: TestLobby, type: string, match: (e: any) => boolean = () => true) {
  return t.lobby.engine.bus.next((e) => e.type === type && match(e));
}

describe.each(STORE_KINDS)('admin changes take effect on the next routing decision on %s', (kind) => {
  let t: TestLobby;
  let admin: AdminClient;
  let ann: RepClient;
  let annSocket: LiveSocket;

  beforeAll(async () => {
    t = await startTestLobby(kind, ADMIN_SITE);
    admin = await AdminClient.as(t.url, 'root');
    ann = await RepClient.login(t.url, 'ann');
    annSocket = await ann.socket();
    await annSocket.next((m) => m.type === 'hello');
  });
  afterAll(async () => {
    await annSocket?.close();
    await t?.close();
  });

  it('E1: switching a team from algorithm none to least_busy offers its waiting session to a connected rep at once', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer');
    expect((await ann.get('/api/rep/offers/current')).body.offer).toBeNull();
    const offered = nextEvent(t, 'offer.made', (e) => e.sessionId === sessionId);
    const res = await admin.patch('/api/admin/teams/helpdesk', { algorithm: 'least_busy' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await offered).repId).toBe('ann');
    expect((await ann.get('/api/rep/offers/current')).body.offer.sessionId).toBe(sessionId);
    // The offer is the engine's own: accepting it works as always (E5).
    const offer = (await ann.get('/api/rep/offers/current')).body.offer;
    expect((await ann.post(`/api/rep/offers/${offer.id}/accept`)).status).toBe(200);
  });

  it('E2: a connected rep added to an automatic team is offered its waiting session at once', async () => {
    await admin.patch('/api/admin/teams/vendor', { algorithm: 'least_busy' });
    const { sessionId } = await startIssueSession(t.url, 'erp');
    const dan = await RepClient.login(t.url, 'dan');
    const danSocket = await dan.socket();
    try {
      await danSocket.next((m) => m.type === 'hello');
      expect((await dan.get('/api/rep/offers/current')).body.offer).toBeNull();
      const offered = nextEvent(t, 'offer.made', (e) => e.sessionId === sessionId);
      await admin.patch('/api/admin/users/dan', { teams: [{ team: 'vendor' }] });
      expect((await offered).repId).toBe('dan');
      // E9: taken out of the team again, the pending offer is rescinded.
      const rescinded = nextEvent(t, 'offer.rescinded', (e) => e.sessionId === sessionId);
      await admin.patch('/api/admin/users/dan', { teams: [] });
      expect((await rescinded).data.reason).toBe('config_changed');
      expect((await dan.get('/api/rep/offers/current')).body.offer).toBeNull();
    } finally {
      await danSocket.close();
    }
  });

  it('A4, A6: lowering a policy’s session limit makes a rep busy at once, and consoles hear of it', async () => {
    const busy = annSocket.next((m) => m.type === 'event' && m.event.type === 'rep.state' && m.event.repId === 'ann' && m.event.data.state === 'busy');
    await admin.patch('/api/admin/policies/standard', { maxSessions: 1 });
    await busy;
    expect((await ann.get('/api/rep/state')).body.state).toBe('busy');
    expect((await admin.get('/api/admin/users/ann')).body.user).toMatchObject({ state: 'busy', sessionCount: 1 });
    await admin.patch('/api/admin/policies/standard', { maxSessions: 0 });
    expect((await ann.get('/api/rep/state')).body.state).toBe('available');
  });

  it('A3: shortening idleMinutes makes a rep who has been inactive that long idle at once', async () => {
    t.clock.advance(10 * 60_000);
    const idle = nextEvent(t, 'rep.state', (e) => e.repId === 'ann' && e.data.state === 'idle');
    await admin.patch('/api/admin/policies/standard', { idleMinutes: 5 });
    await idle;
    await t.lobby.engine.timersIdle();
    expect((await ann.get('/api/rep/state')).body.state).toBe('idle');
    await ann.post('/api/rep/activity');
    expect((await ann.get('/api/rep/state')).body.state).toBe('available');
  });

  it('W1: a waiting rule set on a queue applies to sessions already waiting, counted from when they entered it', async () => {
    await admin.patch('/api/admin/teams/helpdesk', { algorithm: 'none' });
    const { sessionId } = await startIssueSession(t.url, 'outage');
    t.clock.advance(100_000);
    const overdue = nextEvent(t, 'session.overdue', (e) => e.sessionId === sessionId);
    await admin.patch('/api/admin/teams/helpdesk', { waiting: { action: 'mark', afterSeconds: 60 } });
    expect((await overdue).data.cause).toBe('rule');
    const waiting = (await ann.get('/api/rep/sessions')).body.waiting.find((s: any) => s.id === sessionId);
    expect(waiting.overdue).toBe(true);
  });

  it('W2: a transfer rule set later moves a session that waited past it into the overflow queue', async () => {
    await admin.patch('/api/admin/teams/helpdesk', { waiting: { action: 'none' } });
    const { sessionId } = await startIssueSession(t.url, 'printer');
    t.clock.advance(30_000);
    // Not yet due: nothing moves.
    await admin.patch('/api/admin/teams/helpdesk', { waiting: { action: 'transfer', afterSeconds: 60, overflowQueue: 'general' } });
    await t.lobby.engine.timersIdle();
    expect((await t.lobby.store.db.selectFrom('sessions').select('queue_id').where('id', '=', sessionId).executeTakeFirstOrThrow()).queue_id).toBe('team:helpdesk');
    const overflowed = nextEvent(t, 'session.overflowed', (e) => e.sessionId === sessionId);
    t.clock.advance(30_000);
    expect((await overflowed).data.toQueueId).toBe('general');
  });
});

describe.each(STORE_KINDS)('F: an admin disables a logged-in rep on %s', (kind) => {
  let t: TestLobby;

  beforeAll(async () => {
    t = await startTestLobby(kind, ADMIN_SITE);
  });
  afterAll(async () => t?.close());

  it('F2: the rep is signed out at once, their session goes back to its queue, and their pending offer is rescinded', async () => {
    const admin = await AdminClient.as(t.url, 'root');
    const [ann, bob] = await Promise.all([RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob')]);
    const [annSocket, bobSocket] = await Promise.all([ann.socket(), bob.socket()]);
    try {
      await Promise.all([annSocket.next((m) => m.type === 'hello'), bobSocket.next((m) => m.type === 'hello')]);
      const { sessionId: owned } = await startIssueSession(t.url, 'printer', 'Owned Olga');
      expect((await ann.post(`/api/rep/sessions/${owned}/accept`)).status).toBe(200);
      // A session offered to ann (general queue, automatic; bob opted out so that only ann is free).
      await bob.post('/api/rep/state', { optedOut: true });
      await admin.patch('/api/admin/general-queue', { algorithm: 'least_busy' });
      const offered = nextEvent(t, 'offer.made');
      const general = (await t.lobby.engine.createSession({ origin: 'api', queueId: null, customerName: 'Gina General' })).session.id;
      expect((await offered).sessionId).toBe(general);

      const requeued = nextEvent(t, 'session.requeued', (e) => e.sessionId === owned);
      const closed = new Promise<number>((resolve) => annSocket.ws.once('close', (code) => resolve(code)));
      const res = await admin.patch('/api/admin/users/ann', { disabled: true });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user).toMatchObject({ disabled: true, state: 'offline', teams: [{ team: 'helpdesk', role: 'member' }] });
      expect((await requeued).data.rule).toBe('F2');
      // The disabled rep's console is closed by the server at once.
      expect(await closed).toBe(4403);

      const session = await t.lobby.store.db.selectFrom('sessions').selectAll().where('id', '=', owned).executeTakeFirstOrThrow();
      expect(session).toMatchObject({ state: 'waiting', queue_id: 'team:helpdesk', owner_id: null });
      const offer = await t.lobby.store.db.selectFrom('offers').select('state').where('session_id', '=', general).executeTakeFirstOrThrow();
      expect(offer.state).toBe('rescinded');
      expect((await ann.get('/api/rep/queues')).status).toBe(401);
      const presence = await t.lobby.store.db.selectFrom('presence').selectAll().where('user_id', '=', 'ann').executeTakeFirstOrThrow();
      expect(presence).toMatchObject({ logged_in: 0, connections: 0 });
      const [entry] = (await admin.get('/api/admin/audit?entity=user&entityId=ann')).body.entries;
      expect(entry).toMatchObject({ action: 'user.disable', before: { disabled: false }, after: { disabled: true } });
      // Bob still sees the returned session and can take it (the rep who left is gone).
      expect((await bob.post(`/api/rep/sessions/${owned}/accept`)).status).toBe(200);
    } finally {
      await Promise.all([annSocket.close(), bobSocket.close()]);
    }
  });
});
