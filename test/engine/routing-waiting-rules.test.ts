/**
 * Waiting-session rules on a real store (SPEC W1–W4, with E6 and E9 where a rule moves a
 * session): overdue marks, overflow moves, ping-pong between two queues, and durable
 * timers across a restart.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { routingSite, team, useRoutingHarness } from '../support/routing-harness.js';

const MARKED = 'team:marked';
const FRONT = 'team:front';
const BACK = 'team:back';
const PING = 'team:ping';
const PONG = 'team:pong';

const SITE = routingSite({
  site: { maxOverflowMoves: 3 },
  reps: ['ann', 'bob', 'cara'],
  teams: [
    team('marked', ['ann'], { algorithm: 'least_busy', offerTimeoutSeconds: 60, waiting: { action: 'mark', afterSeconds: 30 } }),
    team('front', ['ann', 'bob'], {
      algorithm: 'least_busy',
      offerTimeoutSeconds: 90,
      waiting: { action: 'transfer', afterSeconds: 60, overflowQueue: 'back' },
    }),
    team('back', ['ann', 'bob', 'cara'], { algorithm: 'least_busy', offerTimeoutSeconds: 30, waiting: { action: 'mark', afterSeconds: 120 } }),
    team('ping', ['cara'], { algorithm: 'none', waiting: { action: 'transfer', afterSeconds: 10, overflowQueue: 'pong' } }),
    team('pong', ['cara'], { algorithm: 'none', waiting: { action: 'transfer', afterSeconds: 10, overflowQueue: 'ping' } }),
  ],
});

describe.each(STORE_KINDS)('waiting-session rules (W1–W4) on %s', (kind) => {
  const start = useRoutingHarness(kind);

  it('W1: mark flags a session overdue after afterSeconds in the queue, once, and it stays there', async () => {
    const h = await start(SITE);
    const s = await h.createIn(MARKED);
    await h.advanceSeconds(29);
    expect((await h.session(s)).overdue).toBe(0);
    const marked = h.engine.bus.next((e) => e.type === 'session.overdue' && e.sessionId === s);
    await h.advanceSeconds(1);
    expect((await marked).data).toMatchObject({ queueId: MARKED, cause: 'rule', waitedMs: 30_000 });
    expect(await h.session(s)).toMatchObject({ overdue: 1, state: 'waiting', queue_id: MARKED });
    await h.advanceSeconds(600);
    expect(await h.events({ type: 'session.overdue' })).toHaveLength(1);
    expect((await h.session(s)).queue_id).toBe(MARKED);
  });

  it('W2, Q3: overflow into a switched-off general queue goes to the fallback queue; without one the session is marked', async () => {
    const closed = (settings: Record<string, unknown>) =>
      routingSite({
        site: { generalQueueEnabled: false, ...settings },
        reps: ['ann', 'bob'],
        teams: [
          team('front', ['ann'], { algorithm: 'none', waiting: { action: 'transfer', afterSeconds: 60, overflowQueue: 'general' } }),
          team('back', ['bob'], { algorithm: 'none' }),
        ],
      });
    let h = await start(closed({ fallbackQueue: 'back' }));
    const moved = await h.createIn(FRONT);
    await h.advanceSeconds(60);
    expect(await h.session(moved)).toMatchObject({ state: 'waiting', queue_id: BACK, overflow_moves: 1 });

    h = await start(closed({ fallbackQueue: 'front' }));
    const kept = await h.createIn(FRONT);
    await h.advanceSeconds(60);
    expect(await h.session(kept)).toMatchObject({ state: 'waiting', queue_id: FRONT, overdue: 1, overflow_moves: 0 });
    expect((await h.events({ type: 'session.overdue', sessionId: kept })).map((e) => e.data.cause)).toEqual(['no_overflow_queue']);
    await h.advanceSeconds(600);
    expect(await h.events({ type: 'session.overdue', sessionId: kept })).toHaveLength(1);
  });

  it('W1: a pending offer does not stop the overdue timer', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(MARKED);
    const offer = (await h.offerOf('ann'))!;
    await h.advanceSeconds(30);
    expect((await h.session(s)).overdue).toBe(1);
    expect((await h.offer(offer.id)).state).toBe('pending');
  });

  it('W1: a session accepted before afterSeconds is never marked overdue', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(MARKED);
    await h.advanceSeconds(20);
    await h.engine.acceptOffer('ann', (await h.offerOf('ann'))!.id);
    await h.advanceSeconds(60);
    expect(await h.events({ type: 'session.overdue' })).toEqual([]);
    expect((await h.session(s)).overdue).toBe(0);
  });

  it('W2: transfer moves the session after afterSeconds; the overflow queue routes it at once and its own rule starts fresh', async () => {
    const h = await start(SITE);
    await h.connect('cara');
    const s = await h.createIn(FRONT);
    const createdAt = h.clock.now();
    await h.advanceSeconds(59);
    expect((await h.session(s)).queue_id).toBe(FRONT);
    await h.advanceSeconds(1);
    const moved = await h.session(s);
    expect(moved).toMatchObject({ queue_id: BACK, queued_at: createdAt + 60_000, waiting_since: createdAt, overflow_moves: 1, first_queue_id: FRONT });
    const overflowed = await h.events({ type: 'session.overflowed', sessionId: s });
    expect(overflowed.map((e) => e.data)).toMatchObject([{ fromQueueId: FRONT, toQueueId: BACK, afterSeconds: 60 }]);
    // back routes automatically: cara is offered it as it arrives.
    expect(await h.offerFor(s)).toMatchObject({ rep_id: 'cara', made_at: createdAt + 60_000 });
    await h.engine.rejectOffer('cara', (await h.offerOf('cara'))!.id);
    // back's mark rule counts from the move (120 s), not from when the customer arrived.
    await h.advanceSeconds(60);
    expect((await h.session(s)).overdue).toBe(0);
    await h.advanceSeconds(60);
    expect(await h.session(s)).toMatchObject({ overdue: 1, queue_id: BACK });
  });

  it('W2, E6: an overflow move clears exclusions, so reps who rejected in the first queue may be offered it again', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await h.createIn(FRONT);
    await h.engine.rejectOffer('ann', (await h.offerOf('ann'))!.id);
    await h.engine.rejectOffer('bob', (await h.offerOf('bob'))!.id);
    expect(await h.offerFor(s)).toBeUndefined();
    await h.advanceSeconds(60);
    expect((await h.session(s)).queue_id).toBe(BACK);
    expect(await h.offeredTo(s)).toBe('ann');
    expect(await h.offerHistory(s)).toEqual(['ann:rejected', 'bob:rejected', 'ann:pending']);
  });

  it('E9: a move by a waiting rule rescinds the pending offer without excluding its rep', async () => {
    const h = await start(SITE);
    await h.connect('bob');
    const s = await h.createIn(FRONT);
    const offer = (await h.offerOf('bob'))!;
    await h.advanceSeconds(60);
    expect((await h.offer(offer.id)).state).toBe('rescinded');
    const rescinded = await h.events({ type: 'offer.rescinded', sessionId: s });
    expect(rescinded.map((e) => e.data.reason)).toEqual(['session.overflowed']);
    // In back, bob (not excluded) is offered it again.
    expect(await h.offerHistory(s)).toEqual(['bob:rescinded', 'bob:pending']);
  });

  it('W3: two queues that overflow into each other stop moving a session after maxOverflowMoves and mark it overdue', async () => {
    const h = await start(SITE);
    const s = await h.createIn(PING);
    const queues: (string | null)[] = [];
    for (let i = 0; i < 6; i += 1) {
      await h.advanceSeconds(10);
      queues.push((await h.session(s)).queue_id);
    }
    expect(queues).toEqual([PONG, PING, PONG, PONG, PONG, PONG]);
    expect(await h.events({ type: 'session.overflowed', sessionId: s })).toHaveLength(3);
    const overdue = await h.events({ type: 'session.overdue', sessionId: s });
    expect(overdue.map((e) => e.data.cause)).toEqual(['max_overflow_moves']);
    expect(await h.session(s)).toMatchObject({ state: 'waiting', overdue: 1, overflow_moves: 3 });
    // Still there for a manual accept.
    await h.connect('cara');
    expect(await h.engine.acceptSession('cara', s)).toMatchObject({ owner_id: 'cara' });
  });

  it('W3: the admin is warned of an overflow cycle when saving the configuration', async () => {
    const h = await start(SITE);
    const warnings = h.imported.warnings.filter((w) => /cycle/i.test(w.message));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.map((w) => w.message).join(' ')).toMatch(/ping|pong/);
  });

  it('W4: a mark rule whose time passed while the server was down fires at start, exactly once across two nodes', async () => {
    const h = await start(SITE);
    const s = await h.createIn(MARKED);
    await h.advanceSeconds(10);
    await h.restart(10 * 60_000, { nodes: 2 });
    expect((await h.session(s)).overdue).toBe(1);
    const overdue = await h.events({ type: 'session.overdue', sessionId: s });
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.at).toBe(h.clock.now());
  });

  it('W4: a transfer rule that fell due while the server was down moves the session once at start, and the next rule starts then', async () => {
    const h = await start(SITE);
    const s = await h.createIn(FRONT);
    await h.restart(5 * 60_000, { nodes: 2 });
    const restartedAt = h.clock.now();
    expect(await h.events({ type: 'session.overflowed', sessionId: s })).toHaveLength(1);
    expect(await h.session(s)).toMatchObject({ queue_id: BACK, queued_at: restartedAt, overflow_moves: 1 });
    await h.advanceSeconds(119);
    expect((await h.session(s)).overdue).toBe(0);
    await h.advanceSeconds(1);
    expect((await h.session(s)).overdue).toBe(1);
  });

  it('W4: an offer that expired while the server was down expires once at start and excludes its rep', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(BACK);
    const offer = (await h.offerOf('ann'))!;
    await h.restart(60_000, { nodes: 2 });
    expect((await h.offer(offer.id)).state).toBe('expired');
    expect(await h.events({ type: 'offer.expired', sessionId: s })).toHaveLength(1);
    await h.connect('ann', 'bob');
    expect(await h.offeredTo(s)).toBe('bob');
    await h.checkOfferInvariants();
  });
});
