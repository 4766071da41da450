import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, startIssueSession, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { AUTOMATIC_SITE } from '../support/fixture-site.js';


describe.each(STORE_KINDS)('the rep feed on %s', (kind) => {
  let t: TestLobby;
  beforeAll(async () => {
    t = await startTestLobby(kind, AUTOMATIC_SITE);
  });
  afterAll(async () => t?.close());

  it('E1: a rep who connects while a session waits receives the offer that connecting made, and their own state', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer');
    const ann = await RepClient.login(t.url, 'ann');
    const socket = await ann.socket();
    const hello = await socket.next((m) => m.type === 'hello');
    const offer = await socket.event('offer.made', sessionId);
    expect(offer.repId).toBe('ann');
    expect(offer.seq).toBeGreaterThan(hello.seq);
    const state = await socket.next((m) => m.type === 'event' && m.event.type === 'rep.state' && m.event.repId === 'ann');
    expect(state.event.data.loggedIn).toBe(true);
    await socket.close();
  });

  it('a resume sent the moment the socket opens is answered after hello, with each missed event once', async () => {
    const bob = await RepClient.login(t.url, 'bob');
    const first = await bob.socket();
    const hello = await first.next((m) => m.type === 'hello');
    await first.close();
    const missed = await startIssueSession(t.url, 'printer', 'Missed');
    const again = await bob.socket();
    again.send({ type: 'resume', afterSeq: hello.seq });
    const second = await again.next((m) => m.type === 'hello');
    const replayed = await again.event('session.queued', missed.sessionId);
    expect(replayed.seq).toBeLessThanOrEqual(second.seq);
    again.send({ type: 'resume', afterSeq: hello.seq });
    const live = await startIssueSession(t.url, 'printer', 'Live');
    await again.event('session.queued', live.sessionId);
    const seqs = again.received.filter((m) => m.type === 'event').map((m) => m.event.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    await again.close();
  });
});

describe.each(STORE_KINDS)('offer privacy on the rep feed on %s', (kind) => {
  let t: TestLobby;
  beforeAll(async () => {
    t = await startTestLobby(kind, AUTOMATIC_SITE);
  });
  afterAll(async () => t?.close());

  it('E4: an offer’s events reach only the consoles of the rep it is made to; a teammate sees the session wait and be taken, live and on resume', async () => {
    const reps = await Promise.all(['ann', 'bob'].map((login) => RepClient.login(t.url, login)));
    const sockets = await Promise.all(reps.map((r) => r.socket()));
    const hellos = await Promise.all(sockets.map((s) => s.next((m) => m.type === 'hello')));
    const { sessionId } = await startIssueSession(t.url, 'printer');
    // Both are free members of Helpdesk: one of them is offered it.
    const made = await Promise.race(sockets.map((s) => s.event('offer.made', sessionId)));
    const taker = made.repId === 'ann' ? 0 : 1;
    const other = 1 - taker;
    expect((await reps[taker]!.post(`/api/rep/offers/${made.data.offerId}/accept`)).status).toBe(200);
    await sockets[taker]!.event('offer.accepted', sessionId);
    await sockets[other]!.event('session.queued', sessionId);
    await sockets[other]!.event('session.accepted', sessionId);
    const offerEvents = (s: (typeof sockets)[number]) =>
      s.received.filter((m) => m.type === 'event' && m.event.sessionId === sessionId && String(m.event.type).startsWith('offer.')).map((m) => m.event.type);
    expect(offerEvents(sockets[taker]!)).toEqual(['offer.made', 'offer.accepted']);
    expect(offerEvents(sockets[other]!)).toEqual([]);
    // A resume replays what the teammate may see: still no offer.
    const again = await reps[other]!.socket();
    again.send({ type: 'resume', afterSeq: hellos[other]!.seq });
    await again.next((m) => m.type === 'hello');
    await again.event('session.accepted', sessionId);
    expect(offerEvents(again)).toEqual([]);
    for (const s of [...sockets, again]) await s.close();
  });
});
