import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { LiveSocket, RepClient, customerPost, startIssueSession, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { NOTICE, customerSite, customerView } from '../support/customer-site.js';
import { WAIT_ESTIMATE } from '../../src/core/wait-estimate.js';

/** Q9: position and estimated wait; L3: leaving, and a customer's disconnect grace period. */
describe.each(STORE_KINDS)('the waiting customer on %s', (kind) => {
  let t: TestLobby;
  let cara: RepClient;
  let ann: RepClient;

  beforeAll(async () => {
    t = await startTestLobby(kind, customerSite({ customerGraceSeconds: 120 }));
    [cara, ann] = await Promise.all([RepClient.login(t.url, 'cara'), RepClient.login(t.url, 'ann')]);
  });
  afterAll(async () => t?.close());

  const nextEvent = (type: string, sessionId: string) =>
    new Promise<any>((resolve) => {
      const off = t.lobby.engine.bus.subscribe((e) => {
        if (e.type === type && e.sessionId === sessionId) {
          off();
          resolve(e);
        }
      });
    });
  const customerSocket = async (token: string) => {
    const socket = await LiveSocket.open(`${t.url.replace('http', 'ws')}/ws/customer?token=${encodeURIComponent(token)}`);
    await socket.next((m) => m.type === 'snapshot');
    return socket;
  };
  const state = async (id: string) =>
    (await t.lobby.store.db.selectFrom('sessions').select(['state', 'end_reason']).where('id', '=', id).executeTakeFirstOrThrow());

  it('Q9: with no accept in the queue yet there is no estimate; the site’s notice is shown', async () => {
    const s = await startIssueSession(t.url, 'erp');
    expect(await customerView(t.url, s.customerToken)).toMatchObject({
      state: 'waiting',
      position: 1,
      queueName: 'Vendor support',
      estimatedWaitMs: null,
      notice: NOTICE,
      clientType: 'standard',
    });
    await cara.post(`/api/rep/sessions/${s.sessionId}/accept`);
  });

  it('Q9: the estimate is the moving average of recent times-to-accept in the queue, less the time waited', async () => {
    const waits = [60_000, 120_000];
    for (const ms of waits) {
      const s = await startIssueSession(t.url, 'erp');
      t.clock.advance(ms);
      await cara.post(`/api/rep/sessions/${s.sessionId}/accept`);
    }
    // The first test's session was accepted after 0 ms: the average of 0, 60 s and 120 s.
    const s = await startIssueSession(t.url, 'erp');
    expect((await customerView(t.url, s.customerToken)).estimatedWaitMs).toBe(60_000);
    t.clock.advance(45_000);
    expect((await customerView(t.url, s.customerToken)).estimatedWaitMs).toBe(15_000);
    t.clock.advance(30_000);
    expect((await customerView(t.url, s.customerToken)).estimatedWaitMs).toBe(0);
    // Other queues keep their own averages.
    const other = await startIssueSession(t.url, 'printer');
    expect((await customerView(t.url, other.customerToken)).estimatedWaitMs).toBeNull();
    await cara.post(`/api/rep/sessions/${s.sessionId}/accept`);
    await ann.post(`/api/rep/sessions/${other.sessionId}/accept`);
  });

  it('Q9: only the last few accepts count, within the last day', async () => {
    for (let i = 0; i < WAIT_ESTIMATE.samples; i++) {
      const s = await startIssueSession(t.url, 'erp');
      t.clock.advance(10_000);
      await cara.post(`/api/rep/sessions/${s.sessionId}/accept`);
    }
    const s = await startIssueSession(t.url, 'erp');
    expect((await customerView(t.url, s.customerToken)).estimatedWaitMs).toBe(10_000);
    t.clock.advance(WAIT_ESTIMATE.windowMs + 1);
    expect((await customerView(t.url, s.customerToken)).estimatedWaitMs).toBeNull();
    // Leaving is no accept: it adds no sample.
    await customerPost(t.url, s.customerToken, '/api/customer/leave');
    // A day later the reps log in again.
    [cara, ann] = await Promise.all([RepClient.login(t.url, 'cara'), RepClient.login(t.url, 'ann')]);
  });

  it('Q9: position and estimate update live as the line moves', async () => {
    const first = await startIssueSession(t.url, 'erp', 'First Fay');
    t.clock.advance(1);
    const second = await startIssueSession(t.url, 'erp', 'Second Sid');
    const socket = await customerSocket(second.customerToken);
    expect(socket.received.at(-1).session).toMatchObject({ position: 2, estimatedWaitMs: null });
    t.clock.advance(30_000);
    await cara.post(`/api/rep/sessions/${first.sessionId}/accept`);
    const moved = await socket.next((m) => m.type === 'snapshot' && m.session.position === 1);
    // One sample now: the first customer waited 30,001 ms; the second has waited 30,000 of them.
    expect(moved.session.estimatedWaitMs).toBe(1);
    await cara.post(`/api/rep/sessions/${second.sessionId}/accept`);
    const accepted = await socket.next((m) => m.type === 'snapshot' && m.session.state === 'active');
    expect(accepted.session).toMatchObject({ position: null, estimatedWaitMs: null, repName: 'Cara Cole', participantNames: ['Cara Cole'] });
    await socket.close();
  });

  it('L3: a customer whose page is gone past the grace period is abandoned', async () => {
    const s = await startIssueSession(t.url, 'printer', 'Gone Gail');
    const socket = await customerSocket(s.customerToken);
    const disconnected = nextEvent('customer.disconnected', s.sessionId);
    await socket.close();
    expect((await disconnected).data.graceUntil).toBe(t.clock.now() + 120_000);
    t.clock.advance(119_999);
    await t.lobby.engine.timersIdle();
    expect((await state(s.sessionId)).state).toBe('waiting');
    const ended = nextEvent('session.ended', s.sessionId);
    t.clock.advance(1);
    expect((await ended).data).toMatchObject({ reason: 'abandoned', by: 'system' });
    expect(await customerView(t.url, s.customerToken)).toMatchObject({ state: 'ended', endReason: 'abandoned', notice: '' });
  });

  it('L3, Q4: a customer who reconnects within the grace period keeps their place in line', async () => {
    const s = await startIssueSession(t.url, 'printer', 'Back Ben');
    t.clock.advance(1000);
    const later = await startIssueSession(t.url, 'printer', 'Later Lou');
    const socket = await customerSocket(s.customerToken);
    const disconnected = nextEvent('customer.disconnected', s.sessionId);
    await socket.close();
    await disconnected;
    t.clock.advance(100_000);
    const reconnected = nextEvent('customer.reconnected', s.sessionId);
    const again = await customerSocket(s.customerToken);
    expect((await reconnected).data.awayMs).toBe(100_000);
    t.clock.advance(60_000);
    await t.lobby.engine.timersIdle();
    expect(again.received.at(-1).session).toMatchObject({ state: 'waiting', position: 1 });
    expect((await customerView(t.url, s.customerToken)).position).toBe(1);
    expect((await customerView(t.url, later.customerToken)).position).toBe(2);
    await again.close();
    for (const id of [s.sessionId, later.sessionId]) await ann.post(`/api/rep/sessions/${id}/accept`);
  });

  it('L3: an active session is abandoned too when the customer stays away; the rep is told', async () => {
    const s = await startIssueSession(t.url, 'printer', 'Chat Chloe');
    await ann.post(`/api/rep/sessions/${s.sessionId}/accept`);
    const repSocket = await ann.socket();
    await repSocket.next((m) => m.type === 'hello');
    const socket = await customerSocket(s.customerToken);
    await socket.close();
    await repSocket.event('customer.disconnected', s.sessionId);
    t.clock.advance(120_000);
    const ended = await repSocket.event('session.ended', s.sessionId);
    expect(ended.data.reason).toBe('abandoned');
    await repSocket.close();
  });

  it('L3: with two pages open, closing one does not start the grace period', async () => {
    const s = await startIssueSession(t.url, 'printer', 'Two Tabs');
    await t.lobby.engine.customerConnected(s.sessionId);
    await t.lobby.engine.customerConnected(s.sessionId);
    await t.lobby.engine.customerDisconnected(s.sessionId);
    t.clock.advance(10 * 60_000);
    await t.lobby.engine.timersIdle();
    expect((await state(s.sessionId)).state).toBe('waiting');
    await t.lobby.engine.customerDisconnected(s.sessionId);
    t.clock.advance(120_000);
    await t.lobby.engine.timersIdle();
    expect(await state(s.sessionId)).toEqual({ state: 'ended', end_reason: 'abandoned' });
  });

  it('L3: leaving ends the session as abandoned, once; the ended session takes no more commands', async () => {
    const s = await startIssueSession(t.url, 'printer', 'Leaving Liz');
    const left = await customerPost(t.url, s.customerToken, '/api/customer/leave');
    expect(left.status).toBe(200);
    expect(left.body.session).toMatchObject({ state: 'ended', endReason: 'abandoned', position: null, estimatedWaitMs: null });
    const again = await customerPost(t.url, s.customerToken, '/api/customer/leave');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('session_ended');
    // A page that connects to an ended session is shown the end and tracked no further.
    const socket = await customerSocket(s.customerToken);
    expect(socket.received.at(-1).session.state).toBe('ended');
    await socket.close();
    const rows = await t.lobby.store.db.selectFrom('customer_connections').select('session_id').where('session_id', '=', s.sessionId).execute();
    expect(rows).toEqual([]);
  });
});
