import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import {
  LiveSocket,
  RepClient,
  customerGet,
  customerPost,
  request,
  startIssueSession,
  startTestLobby,
  type TestLobby,
} from '../support/lobby-harness.js';

describe.each(STORE_KINDS)('session flow over HTTP and WebSocket on %s', (kind) => {
  let t: TestLobby;
  let ann: RepClient;
  let bob: RepClient;
  let cara: RepClient;

  beforeAll(async () => {
    t = await startTestLobby(kind);
    [ann, bob, cara] = await Promise.all([RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob'), RepClient.login(t.url, 'cara')]);
  });
  afterAll(async () => t?.close());

  it('healthz names the store kind and version', async () => {
    const res = await request(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body.store.kind).toBe(kind);
    expect(res.body.store.version).toMatch(kind === 'sqlite' ? /^SQLite 3\./ : /^PostgreSQL \d+/);
  });

  it('C3, Q2: an issue-form session waits in the owning team queue and a team member sees it appear live', async () => {
    const socket = await ann.socket();
    await socket.next((m) => m.type === 'hello');
    const { sessionId } = await startIssueSession(t.url, 'printer');
    const queued = await socket.event('session.queued', sessionId);
    expect(queued.queueId).toBe('team:helpdesk');
    const list = await ann.get('/api/rep/sessions');
    const waiting = list.body.waiting.find((s: any) => s.id === sessionId);
    expect(waiting).toMatchObject({ queueId: 'team:helpdesk', queueName: 'Helpdesk', issue: { code: 'printer' }, customerName: 'Carla Customer' });
    await socket.close();
  });

  it('Q6: an embassy member neither sees nor can take a helpdesk session', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer');
    const list = await cara.get('/api/rep/sessions');
    expect(list.body.waiting.some((s: any) => s.id === sessionId)).toBe(false);
    expect((await cara.get(`/api/rep/sessions/${sessionId}`)).status).toBe(404);
    const res = await cara.post(`/api/rep/sessions/${sessionId}/accept`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const queues = await cara.get('/api/rep/queues');
    expect(queues.body.queues.map((q: any) => q.id).sort()).toEqual(['rep:cara', 'team:vendor']);
  });

  it('Q7: of two simultaneous accepts exactly one wins; the other is told it is already taken', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer');
    const results = await Promise.all([ann.post(`/api/rep/sessions/${sessionId}/accept`), bob.post(`/api/rep/sessions/${sessionId}/accept`)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error.code).toBe('already_taken');
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.body.session.state).toBe('active');
    const events = await t.lobby.store.db.selectFrom('events').select('type').where('session_id', '=', sessionId).where('type', '=', 'session.accepted').execute();
    expect(events).toHaveLength(1);
  });

  it('L3, I2: customer and rep chat live both ways, the rep ends the session, and the customer sees it end', async () => {
    const { sessionId, customerToken } = await startIssueSession(t.url, 'printer', 'Erin');
    const customer = await LiveSocket.open(`${t.url.replace('http', 'ws')}/ws/customer?token=${customerToken}`);
    const first = await customer.next((m) => m.type === 'snapshot');
    expect(first.session.state).toBe('waiting');
    expect(first.session.position).toBeGreaterThanOrEqual(1);
    const rep = await ann.socket();
    await rep.next((m) => m.type === 'hello');

    expect((await ann.post(`/api/rep/sessions/${sessionId}/accept`)).status).toBe(200);
    const accepted = await customer.next((m) => m.type === 'snapshot' && m.session.state === 'active');
    expect(accepted.session.repName).toBe('Ann Archer');

    expect((await customerPost(t.url, customerToken, '/api/customer/messages', { text: 'Hello, my printer is on fire' })).status).toBe(201);
    const toRep = await rep.next((m) => m.type === 'event' && m.event.type === 'chat.message' && m.event.data.from === 'customer');
    expect(toRep.event.data.text).toBe('Hello, my printer is on fire');

    expect((await ann.post(`/api/rep/sessions/${sessionId}/messages`, { text: 'Please step away from it' })).status).toBe(201);
    const toCustomer = await customer.next((m) => m.type === 'snapshot' && m.messages.some((x: any) => x.text === 'Please step away from it'));
    expect(toCustomer.messages.map((x: any) => [x.from, x.name])).toEqual([
      ['customer', 'Erin'],
      ['rep', 'Ann Archer'],
    ]);

    const ended = await ann.post(`/api/rep/sessions/${sessionId}/end`);
    expect(ended.body.session).toMatchObject({ state: 'ended', endReason: 'completed' });
    const seen = await customer.next((m) => m.type === 'snapshot' && m.session.state === 'ended');
    expect(seen.session.endReason).toBe('completed');
    await Promise.all([customer.close(), rep.close()]);
  });

  it('L2: an ended session accepts no command, with a clear error, and nothing changes', async () => {
    const { sessionId, customerToken } = await startIssueSession(t.url, 'printer');
    await customerPost(t.url, customerToken, '/api/customer/leave');
    const before = await t.lobby.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    for (const res of [
      await ann.post(`/api/rep/sessions/${sessionId}/accept`),
      await ann.post(`/api/rep/sessions/${sessionId}/end`),
      await customerPost(t.url, customerToken, '/api/customer/messages', { text: 'hello?' }),
      await customerPost(t.url, customerToken, '/api/customer/leave'),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'session_ended', message: 'That session has already ended.' });
    }
    const after = await t.lobby.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const mine = await customerGet(t.url, customerToken, '/api/customer/session');
    expect(mine.body.session).toMatchObject({ state: 'ended', endReason: 'abandoned' });
  });

  it('S2: only the owner ends a session; a non-participant cannot chat in it', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer');
    await ann.post(`/api/rep/sessions/${sessionId}/accept`);
    const end = await bob.post(`/api/rep/sessions/${sessionId}/end`);
    expect(end.status).toBe(403);
    const chat = await bob.post(`/api/rep/sessions/${sessionId}/messages`, { text: 'hi' });
    expect(chat.status).toBe(409);
    expect(chat.body.error.code).toBe('not_in_session');
  });

  it('Q4, Q9: a queue lists higher priority first, then the longest waiting; customers see their place', async () => {
    // Later than every session earlier tests left waiting, so that they all stand ahead.
    t.clock.advance(1000);
    const a = await startIssueSession(t.url, 'printer', 'First');
    t.clock.advance(1000);
    const b = await startIssueSession(t.url, 'printer', 'Second');
    t.clock.advance(1000);
    const urgent = await startIssueSession(t.url, 'outage', 'Urgent');
    const list = await bob.get('/api/rep/sessions');
    const ids = list.body.waiting.map((s: any) => s.id);
    expect(ids.indexOf(urgent.sessionId)).toBeLessThan(ids.indexOf(a.sessionId));
    expect(ids.indexOf(a.sessionId)).toBeLessThan(ids.indexOf(b.sessionId));
    const position = await customerGet(t.url, b.customerToken, '/api/customer/session');
    const positionA = await customerGet(t.url, a.customerToken, '/api/customer/session');
    expect(position.body.session.position).toBe(positionA.body.session.position + 1);
    const urgentPosition = await customerGet(t.url, urgent.customerToken, '/api/customer/session');
    expect(urgentPosition.body.session.position).toBe(1);
  });

  it('events carry increasing sequence numbers, and a console that resumes gets exactly what it missed', async () => {
    const socket = await bob.socket();
    const hello = await socket.next((m) => m.type === 'hello');
    await socket.close();
    const missed = await startIssueSession(t.url, 'printer', 'Missed');
    const again = await bob.socket();
    const baseline = (await again.next((m) => m.type === 'hello')).seq;
    again.send({ type: 'resume', afterSeq: hello.seq });
    const created = await again.event('session.created', missed.sessionId);
    const queued = await again.event('session.queued', missed.sessionId);
    expect(queued.seq).toBeGreaterThan(created.seq);
    const live = await startIssueSession(t.url, 'printer', 'Live');
    await again.event('session.queued', live.sessionId);
    const seqs = again.received.filter((m) => m.type === 'event').map((m) => m.event.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Live events (after hello's baseline) come in order; replayed ones are the older ones.
    const after = seqs.filter((q: number) => q > baseline);
    expect([...after].sort((x, y) => x - y)).toEqual(after);
    expect(seqs.filter((q: number) => q <= baseline).length).toBeGreaterThanOrEqual(2);
    await again.close();
  });
});
