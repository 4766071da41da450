/**
 * Equilibrium offers on a real store (SPEC E1, E3–E7, E10, E11): who is offered what, in
 * which order, and what follows an accept, a reject or an expiry.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { routingSite, team, useRoutingHarness } from '../support/routing-harness.js';

const DESK = 'team:desk';
const FIELD = 'team:field';
const MANUAL = 'team:manual';

const SITE = routingSite({
  reps: ['ann', 'bob', 'cara', 'dan'],
  policies: [{ id: 'patient', name: 'Never opted out', missedOffersBeforeOptOut: 0 }],
  teams: [
    team('desk', ['ann', 'bob', 'cara'], { algorithm: 'least_busy', offerTimeoutSeconds: 30 }),
    team('field', ['ann', 'dan'], { algorithm: 'least_busy', offerTimeoutSeconds: 30 }),
    team('manual', ['ann', 'bob'], { algorithm: 'none' }),
  ],
});

describe.each(STORE_KINDS)('Equilibrium offers on %s', (kind) => {
  const start = useRoutingHarness(kind);

  it('E1: a session entering an automatic queue is offered at once to an eligible rep', async () => {
    const h = await start(SITE);
    await h.connect('bob');
    const s = await h.createIn(DESK);
    const offer = await h.offerFor(s);
    expect(offer?.rep_id).toBe('bob');
    expect(await h.eventTypes(s)).toEqual(['session.created', 'session.queued', 'offer.made']);
  });

  it('E1: a rep who logs in is offered what waits, in Q4 order (priority, then oldest first)', async () => {
    const h = await start(SITE);
    const old = await h.createIn(DESK);
    await h.advanceSeconds(5);
    const urgent = await h.createIn(DESK, { priority: 5 });
    await h.advanceSeconds(5);
    const young = await h.createIn(DESK);
    expect(await h.pendingOffers()).toEqual([]);

    await h.connect('bob');
    expect(await h.offeredTo(urgent)).toBe('bob');
    await h.engine.rejectOffer('bob', (await h.offerOf('bob'))!.id);
    expect(await h.offeredTo(old)).toBe('bob');
    await h.engine.rejectOffer('bob', (await h.offerOf('bob'))!.id);
    expect(await h.offeredTo(young)).toBe('bob');
  });

  it('E1: a rep who accepts an offer and stays below the session limit is offered the next waiting session at once', async () => {
    const h = await start(SITE);
    await h.connect('bob');
    const first = await h.createIn(DESK);
    await h.advanceSeconds(1);
    const second = await h.createIn(DESK);
    expect(await h.offeredTo(first)).toBe('bob');
    expect(await h.offeredTo(second)).toBeNull();
    await h.engine.acceptOffer('bob', (await h.offerOf('bob'))!.id);
    expect(await h.offeredTo(second)).toBe('bob');
  });

  it('E1: with algorithm none nobody is offered the session; it waits for a manual accept', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await h.createIn(MANUAL);
    await h.advanceSeconds(600);
    expect(await h.pendingOffers()).toEqual([]);
    expect(await h.events({ type: 'offer.made' })).toEqual([]);
    const taken = await h.engine.acceptSession('bob', s);
    expect(taken).toMatchObject({ state: 'active', owner_id: 'bob', queue_id: null });
  });

  it('E3: the least busy rep is offered first: 0 sessions before 1, even against a longer time at load and a lower id', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    await h.giveSessions('ann', 1);
    await h.advanceSeconds(10);
    await h.connect('bob');
    const s = await h.createIn(DESK);
    expect(await h.offeredTo(s)).toBe('bob');
    const why = await h.explanation((await h.offerFor(s))!.id);
    expect(why).toMatchObject({ decidedBy: 'session_count', chosen: { repId: 'bob', sessionCount: 0 }, runnerUp: { repId: 'ann', sessionCount: 1 } });
  });

  it('E3: at equal load the rep who has been at that load longest is offered first', async () => {
    const h = await start(SITE);
    await h.connect('cara');
    await h.advanceSeconds(10);
    await h.connect('bob');
    await h.advanceSeconds(10);
    await h.connect('ann');
    const s1 = await h.createIn(DESK);
    expect(await h.offeredTo(s1)).toBe('cara');
    expect((await h.explanation((await h.offerFor(s1))!.id)).decidedBy).toBe('load_since');

    // Both at one session now: bob reached it first, so bob has been at that load longest.
    await h.giveSessions('bob', 1);
    await h.advanceSeconds(10);
    await h.giveSessions('ann', 1);
    const s2 = await h.createIn(DESK);
    expect(await h.offeredTo(s2)).toBe('bob');
  });

  it('E3: with equal load and equal time at that load the rep id decides, so the order is total', async () => {
    const h = await start(SITE);
    await h.connect('cara', 'bob');
    const s = await h.createIn(DESK);
    expect(await h.offeredTo(s)).toBe('bob');
    expect((await h.explanation((await h.offerFor(s))!.id)).decidedBy).toBe('rep_id');
  });

  it('E4: an offer goes to one rep at a time and expires after the queue’s offerTimeoutSeconds', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara');
    const s = await h.createIn(DESK);
    const offers = await h.pendingOffers();
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ session_id: s, made_at: h.clock.now(), expires_at: h.clock.now() + 30_000 });
  });

  it('E5: on accept the rep owns the session and it leaves its queue', async () => {
    const h = await start(SITE);
    await h.connect('bob');
    const s = await h.createIn(DESK);
    const offer = (await h.offerOf('bob'))!;
    await h.advanceSeconds(3);
    const row = await h.engine.acceptOffer('bob', offer.id);
    expect(row).toMatchObject({ state: 'active', owner_id: 'bob', queue_id: null, accepted_at: h.clock.now() });
    expect((await h.offer(offer.id)).state).toBe('accepted');
    expect(await h.eventTypes(s)).toEqual(['session.created', 'session.queued', 'offer.made', 'offer.accepted', 'session.accepted']);
    expect(await h.repState('bob')).toEqual({ state: 'available', sessions: 1 });
    // The expiry timer went with the offer.
    await h.advanceSeconds(60);
    expect((await h.offer(offer.id)).state).toBe('accepted');
  });

  it('E5: on reject the session is offered at once to the next eligible rep', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await h.createIn(DESK);
    const first = (await h.offerOf('ann'))!;
    await h.engine.rejectOffer('ann', first.id);
    expect((await h.offer(first.id)).state).toBe('rejected');
    const second = (await h.offerFor(s))!;
    expect(second).toMatchObject({ rep_id: 'bob', made_at: h.clock.now() });
  });

  it('E5: when an offer expires the session is offered at once to the next eligible rep, and not before', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await h.createIn(DESK);
    await h.advance(29_999);
    expect(await h.offeredTo(s)).toBe('ann');
    await h.advance(1);
    expect(await h.offerHistory(s)).toEqual(['ann:expired', 'bob:pending']);
    expect((await h.offerFor(s))!.made_at).toBe(h.clock.now());
  });

  it('E6: a rep who rejected is not offered the same session again in the same queue', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await h.createIn(DESK);
    await h.engine.rejectOffer('ann', (await h.offerOf('ann'))!.id);
    // bob lets it expire; ann is free and eligible for other sessions, but not for this one.
    await h.advanceSeconds(30);
    expect(await h.offerHistory(s)).toEqual(['ann:rejected', 'bob:expired']);
    expect(await h.offerFor(s)).toBeUndefined();
    const other = await h.createIn(DESK);
    expect(await h.offeredTo(other)).toBe('ann');
  });

  it('E6: a rep who let an offer expire is excluded for that session too', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(DESK);
    await h.advanceSeconds(30);
    expect(await h.offerHistory(s)).toEqual(['ann:expired']);
    await h.advanceSeconds(300);
    expect(await h.offerFor(s)).toBeUndefined();
    const exclusions = await h.db.selectFrom('exclusions').selectAll().execute();
    expect(exclusions).toEqual([{ session_id: s, rep_id: 'ann' }]);
  });

  it('E6: after a manual transfer into another queue the rep who rejected may be offered it again', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(DESK);
    await h.engine.rejectOffer('ann', (await h.offerOf('ann'))!.id);
    expect(await h.offerFor(s)).toBeUndefined();
    await h.engine.transferSession({ kind: 'api' }, s, FIELD);
    expect(await h.offerHistory(s)).toEqual(['ann:rejected', 'ann:pending']);
    expect(await h.db.selectFrom('exclusions').selectAll().execute()).toEqual([]);
  });

  it('E7: when everyone rejected, the session waits unoffered for a manual accept', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara');
    const s = await h.createIn(DESK);
    for (const rep of ['ann', 'bob', 'cara']) await h.engine.rejectOffer(rep, (await h.offerOf(rep))!.id);
    expect(await h.offerHistory(s)).toEqual(['ann:rejected', 'bob:rejected', 'cara:rejected']);
    await h.advanceSeconds(600);
    expect(await h.pendingOffers()).toEqual([]);
    expect((await h.session(s)).state).toBe('waiting');
    // A rep who rejected may still take it by hand.
    expect(await h.engine.acceptSession('bob', s)).toMatchObject({ state: 'active', owner_id: 'bob' });
  });

  it('E7: a session nobody may take is offered as soon as a rep who was not excluded becomes eligible', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(DESK);
    await h.engine.rejectOffer('ann', (await h.offerOf('ann'))!.id);
    await h.advanceSeconds(120);
    await h.connect('cara');
    expect(await h.offeredTo(s)).toBe('cara');
  });

  it('E10: a rep who lets missedOffersBeforeOptOut offers expire in a row is opted out and told why', async () => {
    const h = await start(SITE);
    const sessions: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      sessions.push(await h.createIn(DESK));
      await h.advance(1);
    }
    await h.connect('bob');
    await h.advanceSeconds(30);
    await h.advanceSeconds(30);
    expect(await h.repState('bob')).toMatchObject({ state: 'available' });
    await h.advanceSeconds(30);
    // The default policy allows 3 misses in a row.
    expect(await h.repState('bob')).toMatchObject({ state: 'opted_out' });
    const told = await h.events({ type: 'rep.state', repId: 'bob' });
    expect(told.at(-1)!.data).toMatchObject({ optedOut: true, reason: 'missed_offers', missed: 3 });
    expect(await h.offerFor(sessions[3]!)).toBeUndefined();
    await h.advanceSeconds(300);
    expect(await h.pendingOffers()).toEqual([]);
    // Opting back in restores automatic assignment.
    await h.engine.setOptedOut('bob', false);
    expect(await h.offeredTo(sessions[3]!)).toBe('bob');
  });

  it('E10: an answered offer resets the count of misses, and 0 means never opt out', async () => {
    const h = await start(routingSite({
      reps: ['ann', { login: 'bob', policy: 'patient' }],
      policies: [{ id: 'patient', name: 'Never', missedOffersBeforeOptOut: 0 }, { id: 'two', name: 'Two', missedOffersBeforeOptOut: 2 }],
      teams: [team('desk', ['ann'], { algorithm: 'least_busy' }), team('late', ['bob'], { algorithm: 'least_busy' })],
    }));
    // ann has the standard allowance of 3: miss, miss, reject, miss, miss stays opted in.
    await h.connect('ann', 'bob');
    for (let i = 0; i < 5; i += 1) await h.createIn(DESK);
    await h.advanceSeconds(30);
    await h.advanceSeconds(30);
    await h.engine.rejectOffer('ann', (await h.offerOf('ann'))!.id);
    await h.advanceSeconds(30);
    await h.advanceSeconds(30);
    expect(await h.repState('ann')).toMatchObject({ state: 'available' });
    // bob (0 = never) is never opted out, however many he misses.
    for (let i = 0; i < 6; i += 1) await h.createIn('team:late');
    for (let i = 0; i < 6; i += 1) await h.advanceSeconds(30);
    expect(await h.repState('bob')).toMatchObject({ state: 'available' });
    expect((await h.events({ type: 'offer.expired', repId: 'bob' })).length).toBe(6);
  });

  it('E11: every offer stores why it went to that rep: load compared and reps ranked above who were not eligible', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara');
    await h.engine.setLocked('ann', true);
    await h.giveSessions('cara', 1);
    const s = await h.createIn(DESK);
    const offer = (await h.offerFor(s))!;
    expect(offer.rep_id).toBe('bob');
    const why = await h.explanation(offer.id);
    expect(why).toMatchObject({
      kind: 'offer',
      queueId: DESK,
      algorithm: 'least_busy',
      chosen: { repId: 'bob', sessionCount: 0 },
      runnerUp: { repId: 'cara', sessionCount: 1 },
      decidedBy: 'session_count',
      eligibleCount: 2,
      passedOver: [{ repId: 'ann', reason: 'locked' }],
    });
    expect(why.chosen.loadSince).toBeTypeOf('number');
  });
});
