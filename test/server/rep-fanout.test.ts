/**
 * The rep gateway finds a console's events through indexes (by rep, queue and session)
 * instead of asking every console about every event (docs/performance.md, fan-out). This
 * checks that each console still receives exactly what Q6 lets it see, once each, in
 * sequence order: the events of the queues it sees, its own, and those of the sessions it
 * is in (also when it joined them on this connection), and every `rep.state`; an offer's
 * events only on the consoles of the rep it was made to (E4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, customerPost, startIssueSession, startTestLobby, type LiveSocket, type TestLobby } from '../support/lobby-harness.js';
import { eventsAfter, type LobbyEvent } from '../../src/store/queries/events.js';

describe.each(STORE_KINDS)('the rep fan-out on %s', (kind) => {
  let t: TestLobby;
  beforeAll(async () => {
    t = await startTestLobby(kind);
  });
  afterAll(async () => t?.close());

  it('Q6: every console receives exactly the events it may see, once each, in order, a rep with two consoles on both', async () => {
    const logins = ['ann', 'ann', 'bob', 'cara', 'dan'];
    const clients = new Map<string, RepClient>();
    for (const login of new Set(logins)) clients.set(login, await RepClient.login(t.url, login));
    const consoles: { login: string; socket: LiveSocket; hello: number; queues: Set<string> }[] = [];
    for (const login of logins) {
      const client = clients.get(login)!;
      const socket = await client.socket();
      const hello = (await socket.next((m) => m.type === 'hello')).seq as number;
      const queues = new Set(((await client.get('/api/rep/queues')).body.queues as { id: string }[]).map((q) => q.id));
      consoles.push({ login, socket, hello, queues });
    }
    const ann = clients.get('ann')!;
    const cara = clients.get('cara')!;
    // Helpdesk (ann, bob), the embassy (cara), and a session ann takes, chats in and ends:
    // the customer's message has neither a queue nor a rep, only ann's session.
    const printer = await startIssueSession(t.url, 'printer');
    const erp = await startIssueSession(t.url, 'erp');
    expect((await ann.post(`/api/rep/sessions/${printer.sessionId}/accept`)).status).toBe(200);
    expect((await customerPost(t.url, printer.customerToken, '/api/customer/messages', { text: 'Hello?' })).status).toBe(201);
    expect((await ann.post(`/api/rep/sessions/${printer.sessionId}/end`)).status).toBe(200);
    expect((await cara.post(`/api/rep/sessions/${erp.sessionId}/accept`)).status).toBe(200);
    // Every console sees every rep.state: the last one tells that everything before it arrived.
    expect((await clients.get('dan')!.post('/api/rep/state', { locked: true })).status).toBe(200);
    const all = await eventsAfter(t.lobby.store.db, Math.min(...consoles.map((c) => c.hello)), 1000);
    const last = all.findLast((e) => e.type === 'rep.state')!;
    for (const c of consoles) await c.socket.next((m) => m.type === 'event' && m.event.seq === last.seq);

    for (const c of consoles) {
      // The rule, applied to every event as each console used to apply it.
      const mine = new Set<string>();
      const expected = all
        .filter((e: LobbyEvent) => {
          if (e.seq <= c.hello) return false;
          if ((e.type === 'session.accepted' || e.type === 'participant.joined') && e.repId === c.login && e.sessionId) mine.add(e.sessionId);
          if (e.type === 'rep.state' || e.repId === c.login) return true;
          // E4: an offer is seen by its rep alone.
          if (e.type.startsWith('offer.')) return false;
          if (e.queueId !== null && c.queues.has(e.queueId)) return true;
          return e.sessionId !== null && mine.has(e.sessionId);
        })
        .map((e) => e.seq);
      const received = c.socket.received.filter((m) => m.type === 'event' && m.event.seq <= last.seq).map((m) => m.event.seq as number);
      expect(received, c.login).toEqual(expected);
    }
    // ann's two consoles: the same events from the later one's hello on.
    const anns = consoles.filter((c) => c.login === 'ann');
    const from = Math.max(...anns.map((c) => c.hello));
    const annSeqs = anns.map((c) => c.socket.received.filter((m) => m.type === 'event' && m.event.seq > from).map((m) => m.event.seq));
    expect(annSeqs[0]!.length).toBeGreaterThan(5);
    expect(annSeqs[0]).toEqual(annSeqs[1]);
    // ann sees the customer's message in her session; bob, in the same team, does not.
    const chat = all.find((e) => e.type === 'chat.message')!;
    expect(consoles.find((c) => c.login === 'ann')!.socket.received.some((m) => m.event?.seq === chat.seq)).toBe(true);
    expect(consoles.find((c) => c.login === 'bob')!.socket.received.some((m) => m.event?.seq === chat.seq)).toBe(false);
    for (const c of consoles) await c.socket.close();
  });

  it('a closed console is no longer sent anything, and the others still are', async () => {
    const bob = await RepClient.login(t.url, 'bob');
    const first = await bob.socket();
    await first.next((m) => m.type === 'hello');
    const second = await bob.socket();
    await second.next((m) => m.type === 'hello');
    await first.close();
    const count = first.received.length;
    const s = await startIssueSession(t.url, 'outage');
    await second.event('session.queued', s.sessionId);
    expect(first.received.length).toBe(count);
    await second.close();
  });
});
