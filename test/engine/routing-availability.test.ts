/**
 * Availability and eligibility on a real store (SPEC A1–A6, E2, and E1/E9 as availability
 * changes): who may be offered a session, what a change of state does to a pending offer,
 * and that a rep who becomes available again is offered what waits at once.
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { expectLobbyError, routingSite, team, useRoutingHarness } from '../support/routing-harness.js';

const DESK = 'team:desk';

const SITE = routingSite({
  site: { repGraceSeconds: 60 },
  generalQueue: { algorithm: 'least_busy' },
  policies: [
    { id: 'lock-ok', name: 'Locked still works', unavailableWhenLocked: false },
    { id: 'single', name: 'One at a time', maxSessions: 1 },
    { id: 'no-opt-out', name: 'Cannot opt out', canOptOut: false },
    { id: 'manual-login', name: 'Opted out at login', autoAssignOnLogin: false },
    { id: 'no-general', name: 'No general queue', canSeeGeneralQueue: false },
    { id: 'quick-idle', name: 'Idle after a minute', idleMinutes: 1 },
  ],
  reps: [
    'ann',
    'bob',
    { login: 'cara', policy: 'lock-ok' },
    { login: 'dan', policy: 'single' },
    { login: 'eve', policy: 'no-opt-out' },
    { login: 'fay', policy: 'manual-login' },
    { login: 'gus', policy: 'no-general' },
    'hal',
    { login: 'ida', policy: 'quick-idle' },
  ],
  teams: [
    team('desk', ['ann', 'bob', 'cara', 'dan', 'eve', 'fay', 'gus', 'ida'], { algorithm: 'least_busy', offerTimeoutSeconds: 30 }),
    team('vendor', ['hal'], { kind: 'embassy', algorithm: 'least_busy' }),
  ],
});

describe.each(STORE_KINDS)('availability (A1–A6, E2) on %s', (kind) => {
  const start = useRoutingHarness(kind);

  it('A1: a rep stays eligible while any console connection is live, and loses the offer when the last one drops', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'ann');
    await h.engine.repDisconnected('ann');
    const s = await h.createIn(DESK);
    const offer = (await h.offerFor(s))!;
    expect(offer.rep_id).toBe('ann');

    await h.engine.repDisconnected('ann');
    expect((await h.offer(offer.id)).state).toBe('rescinded');
    expect((await h.events({ type: 'offer.rescinded', sessionId: s }))[0]!.data.reason).toBe('disconnected');
    // Nobody would see an offer during the grace period: none is made.
    await h.advanceSeconds(30);
    expect(await h.offerFor(s)).toBeUndefined();
    // Back within the grace period: the rescind did not exclude her.
    await h.connect('ann');
    expect(await h.offeredTo(s)).toBe('ann');
    expect(await h.events({ type: 'session.requeued' })).toEqual([]);
  });

  it('A1: after the grace period the rep counts as logged out and shows as offline', async () => {
    const h = await start(SITE);
    await h.connect('bob');
    await h.giveSessions('bob', 1);
    await h.engine.repDisconnected('bob');
    await h.advanceSeconds(59);
    expect((await h.db.selectFrom('presence').select('logged_in').where('user_id', '=', 'bob').executeTakeFirstOrThrow()).logged_in).toBe(1);
    await h.advanceSeconds(1);
    expect((await h.db.selectFrom('presence').select('logged_in').where('user_id', '=', 'bob').executeTakeFirstOrThrow()).logged_in).toBe(0);
    expect(await h.repState('bob')).toMatchObject({ state: 'offline' });
  });

  it('A2: a locked rep gets no offer; locking rescinds the pending offer without excluding; unlocking offers it again at once', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(DESK);
    const offer = (await h.offerOf('ann'))!;
    await h.engine.setLocked('ann', true);
    expect((await h.offer(offer.id)).state).toBe('rescinded');
    expect((await h.events({ type: 'offer.rescinded', sessionId: s }))[0]!.data.reason).toBe('locked');
    expect(await h.repState('ann')).toEqual({ state: 'locked', sessions: 0 });
    await h.advanceSeconds(1);
    const other = await h.createIn(DESK);
    expect(await h.pendingOffers()).toEqual([]);

    await h.engine.setLocked('ann', false);
    expect(await h.offeredTo(s)).toBe('ann');
    expect(await h.offeredTo(other)).toBeNull();
  });

  it('A2: where the policy says a lock does not matter, a locked rep is still offered sessions', async () => {
    const h = await start(SITE);
    await h.connect('cara');
    await h.engine.setLocked('cara', true);
    expect(await h.repState('cara')).toMatchObject({ state: 'available' });
    const s = await h.createIn(DESK);
    expect(await h.offeredTo(s)).toBe('cara');
  });

  it('E3: a lock that does not make the rep unavailable does not restart their time at load', async () => {
    const h = await start(SITE);
    await h.connect('cara');
    await h.advanceSeconds(10);
    await h.connect('bob');
    await h.advanceSeconds(10);
    await h.engine.setLocked('cara', true);
    await h.engine.setLocked('cara', false);
    // cara has been available, at 0 sessions, longer than bob: she is first.
    const s = await h.createIn(DESK);
    expect(await h.offeredTo(s)).toBe('cara');
  });

  it('A3: a rep with no activity for idleMinutes is idle: no offer, the pending one rescinded; activity makes them available at once', async () => {
    const h = await start(SITE);
    await h.connect('ida');
    await h.advanceSeconds(50);
    await h.engine.reportActivity('ida');
    await h.advanceSeconds(50);
    // 100 s since login but only 50 s since the last activity: not idle yet.
    expect(await h.repState('ida')).toMatchObject({ state: 'available' });
    const s = await h.createIn(DESK);
    const offer = (await h.offerOf('ida'))!;
    await h.advanceSeconds(10);
    expect(await h.repState('ida')).toMatchObject({ state: 'idle' });
    expect((await h.offer(offer.id)).state).toBe('rescinded');
    expect((await h.events({ type: 'offer.rescinded', sessionId: s }))[0]!.data.reason).toBe('idle');
    const later = await h.createIn(DESK);
    expect(await h.pendingOffers()).toEqual([]);

    await h.engine.reportActivity('ida');
    expect(await h.repState('ida')).toMatchObject({ state: 'available' });
    expect(await h.offeredTo(s)).toBe('ida');
    expect(await h.offeredTo(later)).toBeNull();
  });

  it('A3: opening another console counts as activity: an idle rep is available again at once, and can go idle again', async () => {
    const h = await start(SITE);
    await h.connect('ida');
    await h.advanceSeconds(60);
    expect(await h.repState('ida')).toMatchObject({ state: 'idle' });
    const s = await h.createIn(DESK);
    await h.connect('ida');
    expect(await h.repState('ida')).toMatchObject({ state: 'available' });
    expect((await h.events({ type: 'rep.state', repId: 'ida' })).at(-1)!.data).toMatchObject({ state: 'available', idle: false });
    expect(await h.offeredTo(s)).toBe('ida');
    await h.advanceSeconds(60);
    expect(await h.repState('ida')).toMatchObject({ state: 'idle' });
  });

  it('A4: a rep at the session limit is busy and gets no offer; dropping below it brings the next offer at once', async () => {
    const h = await start(SITE);
    await h.connect('dan');
    const [own] = await h.giveSessions('dan', 1);
    expect(await h.repState('dan')).toEqual({ state: 'busy', sessions: 1 });
    const s = await h.createIn(DESK);
    await h.advanceSeconds(60);
    expect(await h.offerFor(s)).toBeUndefined();
    await h.engine.endSession(own!, { kind: 'rep', repId: 'dan' }, 'completed');
    expect(await h.repState('dan')).toEqual({ state: 'available', sessions: 0 });
    expect(await h.offeredTo(s)).toBe('dan');
  });

  it('A5: an opted-out rep gets no offer (the pending one is rescinded) but may accept by hand; opting in brings offers again', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(DESK);
    const offer = (await h.offerOf('ann'))!;
    await h.engine.setOptedOut('ann', true);
    expect((await h.offer(offer.id)).state).toBe('rescinded');
    expect((await h.events({ type: 'offer.rescinded', sessionId: s }))[0]!.data.reason).toBe('opted_out');
    expect(await h.repState('ann')).toMatchObject({ state: 'opted_out' });
    const other = await h.createIn(DESK);
    expect(await h.pendingOffers()).toEqual([]);
    expect(await h.engine.acceptSession('ann', s)).toMatchObject({ state: 'active', owner_id: 'ann' });

    await h.engine.setOptedOut('ann', false);
    expect(await h.offeredTo(other)).toBe('ann');
  });

  it('A5: the opt-out choice lasts across reconnects, even after a full logout', async () => {
    const h = await start(SITE);
    await h.connect('bob');
    await h.engine.setOptedOut('bob', true);
    await h.engine.repDisconnected('bob');
    await h.advanceSeconds(120);
    expect(await h.repState('bob')).toMatchObject({ state: 'offline' });
    await h.connect('bob');
    expect(await h.repState('bob')).toMatchObject({ state: 'opted_out' });
    const s = await h.createIn(DESK);
    expect(await h.offerFor(s)).toBeUndefined();
  });

  it('A5: where the policy forbids opting out the request is refused and nothing changes', async () => {
    const h = await start(SITE);
    await h.connect('eve');
    const before = [await h.eventCount(), await h.routingState()];
    await expectLobbyError(h.engine.setOptedOut('eve', true), 'forbidden');
    expect([await h.eventCount(), await h.routingState()]).toEqual(before);
    const s = await h.createIn(DESK);
    expect(await h.offeredTo(s)).toBe('eve');
  });

  it('A5: a rep whose policy does not assign on login starts opted out and is offered sessions once opted in', async () => {
    const h = await start(SITE);
    const s = await h.createIn(DESK);
    await h.connect('fay');
    expect(await h.repState('fay')).toMatchObject({ state: 'opted_out' });
    expect(await h.offerFor(s)).toBeUndefined();
    await h.engine.setOptedOut('fay', false);
    expect(await h.offeredTo(s)).toBe('fay');
  });

  it('A6: each rep shows offline, available, busy, idle, locked or opted_out with the session count', async () => {
    const h = await start(SITE);
    expect(await h.repState('ann')).toEqual({ state: 'offline', sessions: 0 });
    await h.connect('ann', 'dan', 'ida', 'bob');
    await h.giveSessions('dan', 1);
    await h.giveSessions('ann', 2);
    await h.engine.setLocked('bob', true);
    await h.advanceSeconds(60);
    await h.connect('gus');
    await h.engine.setOptedOut('gus', true);
    expect(await h.repState('ann')).toEqual({ state: 'available', sessions: 2 });
    expect(await h.repState('dan')).toEqual({ state: 'busy', sessions: 1 });
    expect(await h.repState('ida')).toEqual({ state: 'idle', sessions: 0 });
    expect(await h.repState('bob')).toEqual({ state: 'locked', sessions: 0 });
    expect(await h.repState('gus')).toEqual({ state: 'opted_out', sessions: 0 });
    // Each change was announced as it happened.
    const last = async (rep: string) => (await h.events({ type: 'rep.state', repId: rep })).at(-1)!.data;
    expect(await last('bob')).toMatchObject({ state: 'locked', locked: true });
    expect(await last('ida')).toMatchObject({ state: 'idle', idle: true });
    expect(await last('gus')).toMatchObject({ state: 'opted_out', optedOut: true });
  });

  it('E2: only members of the queue’s team are offered its sessions', async () => {
    const h = await start(SITE);
    await h.connect('hal');
    const s = await h.createIn(DESK);
    expect(await h.offerFor(s)).toBeUndefined();
    await h.connect('bob');
    expect(await h.offeredTo(s)).toBe('bob');
    const embassy = await h.createIn('team:vendor');
    expect(await h.offeredTo(embassy)).toBe('hal');
  });

  it('E2: general-queue sessions are offered only to reps whose policy lets them see the general queue (never embassy members)', async () => {
    const h = await start(SITE);
    await h.connect('gus', 'hal');
    const s = await h.createIn(null);
    expect((await h.session(s)).queue_id).toBe('general');
    await h.advanceSeconds(60);
    expect(await h.offerFor(s)).toBeUndefined();
    await h.connect('ann');
    expect(await h.offeredTo(s)).toBe('ann');
  });
});
