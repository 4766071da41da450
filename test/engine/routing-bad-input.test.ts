/**
 * Bad input to the routing commands (issue 3, "Bad input"; SPEC L2, Q7, E4, E5, X3):
 * each refusal is a LobbyError with a stable code, and nothing changes — no event, no
 * row of sessions, offers, exclusions, participants, presence or timers.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/core/errors.js';
import { STORE_KINDS } from '../support/test-stores.js';
import { expectLobbyError, routingSite, team, useRoutingHarness, type RoutingHarness } from '../support/routing-harness.js';

const DESK = 'team:desk';

const SITE = routingSite({
  reps: ['ann', 'bob', 'cara', { login: 'dora', policy: 'personal-only' }],
  policies: [{ id: 'personal-only', name: 'Personal queue only', canAcceptFromTeamQueues: false }],
  teams: [
    team('desk', ['ann', 'bob'], { algorithm: 'least_busy', offerTimeoutSeconds: 30 }),
    team('backlog', ['ann', 'bob', 'dora'], { algorithm: 'none' }),
    team('elsewhere', ['cara'], { algorithm: 'none' }),
  ],
});

/** Runs a command that must be refused with `code`, and checks that nothing changed. */
async function refused(h: RoutingHarness, code: ErrorCode, command: () => Promise<unknown>): Promise<void> {
  const events = await h.eventCount();
  const state = await h.routingState();
  await expectLobbyError(command(), code);
  expect(await h.eventCount()).toBe(events);
  expect(await h.routingState()).toEqual(state);
}

describe.each(STORE_KINDS)('bad input to routing commands on %s', (kind) => {
  const start = useRoutingHarness(kind);

  it('E5: accepting an offer that has expired is refused (offer_not_pending)', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    await h.createIn(DESK);
    const offer = (await h.offerOf('ann'))!;
    await h.advanceSeconds(30);
    await refused(h, 'offer_not_pending', () => h.engine.acceptOffer('ann', offer.id));
    await refused(h, 'offer_not_pending', () => h.engine.rejectOffer('ann', offer.id));
  });

  it('E5: accepting an offer past its expiry, before its timer has run, is refused, and the offer expires then: the next rep is offered at once', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await h.createIn(DESK);
    const offer = (await h.offerOf('ann'))!;
    // The dispatcher is held back, as a busy node's would be, while the clock passes the expiry.
    await h.engine.stop();
    h.clock.advance(30_000);
    await expect(h.engine.acceptOffer('ann', offer.id)).rejects.toMatchObject({ code: 'offer_not_pending' });
    expect((await h.session(s)).state).toBe('waiting');
    expect(await h.offerHistory(s)).toEqual(['ann:expired', 'bob:pending']);
    // When timers run again nothing fires twice.
    await h.engine.start();
    await h.engine.timersIdle();
    expect(await h.offerHistory(s)).toEqual(['ann:expired', 'bob:pending']);
  });

  it('E9: accepting or rejecting an offer that was rescinded is refused', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(DESK);
    const offer = (await h.offerOf('ann'))!;
    await h.engine.acceptSession('bob', s);
    await refused(h, 'offer_not_pending', () => h.engine.acceptOffer('ann', offer.id));
    await refused(h, 'offer_not_pending', () => h.engine.rejectOffer('ann', offer.id));
  });

  it('E5: answering an offer twice is refused the second time', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    await h.createIn(DESK);
    const accepted = (await h.offerOf('ann'))!;
    await h.engine.acceptOffer('ann', accepted.id);
    await refused(h, 'offer_not_pending', () => h.engine.acceptOffer('ann', accepted.id));
    await refused(h, 'offer_not_pending', () => h.engine.rejectOffer('ann', accepted.id));
    await h.createIn(DESK);
    const rejected = (await h.offerOf('bob'))!;
    await h.engine.rejectOffer('bob', rejected.id);
    await refused(h, 'offer_not_pending', () => h.engine.rejectOffer('bob', rejected.id));
    await refused(h, 'offer_not_pending', () => h.engine.acceptOffer('bob', rejected.id));
  });

  it('E4: a rep who holds no such offer cannot reject or accept it (not_found), and the holder keeps it', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'cara');
    await h.createIn(DESK);
    const offer = (await h.offerOf('ann'))!;
    await refused(h, 'not_found', () => h.engine.rejectOffer('bob', offer.id));
    await refused(h, 'not_found', () => h.engine.acceptOffer('cara', offer.id));
    await refused(h, 'not_found', () => h.engine.rejectOffer('ann', 'no-such-offer'));
    await refused(h, 'not_found', () => h.engine.acceptOffer('ann', 'no-such-offer'));
    expect((await h.offer(offer.id)).state).toBe('pending');
  });

  it('L2: commands on an unknown session are refused (not_found)', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    await refused(h, 'not_found', () => h.engine.acceptSession('ann', 'no-such-session'));
    await refused(h, 'not_found', () => h.engine.transferSession({ kind: 'api' }, 'no-such-session', DESK));
    await refused(h, 'not_found', () => h.engine.endSession('no-such-session', { kind: 'api' }, 'canceled'));
  });

  it('L2: commands on an ended session are refused (session_ended); its rescinded offer cannot be accepted', async () => {
    const h = await start(SITE);
    await h.connect('ann');
    const s = await h.createIn(DESK);
    const offer = (await h.offerOf('ann'))!;
    await h.engine.endSession(s, { kind: 'customer' }, 'abandoned');
    await refused(h, 'session_ended', () => h.engine.acceptSession('ann', s));
    await refused(h, 'session_ended', () => h.engine.transferSession({ kind: 'api' }, s, 'team:backlog'));
    await refused(h, 'session_ended', () => h.engine.endSession(s, { kind: 'api' }, 'canceled'));
    await refused(h, 'offer_not_pending', () => h.engine.acceptOffer('ann', offer.id));
  });

  it('Q7: accepting a session another rep has already taken is refused (already_taken)', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await h.createIn('team:backlog');
    await h.engine.acceptSession('ann', s);
    await refused(h, 'already_taken', () => h.engine.acceptSession('bob', s));
    await refused(h, 'already_taken', () => h.engine.acceptSession('ann', s));
    expect(await h.engine.getNext('bob')).toBeNull();
  });

  it('Q6, T1: a rep cannot take or move a session from a queue they do not see, nor transfer a session they do not own', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara');
    const waiting = await h.createIn('team:backlog');
    await refused(h, 'forbidden', () => h.engine.acceptSession('cara', waiting));
    await refused(h, 'forbidden', () => h.engine.transferSession({ kind: 'rep', repId: 'cara' }, waiting, 'team:elsewhere'));
    await h.engine.acceptSession('ann', waiting);
    await refused(h, 'forbidden', () => h.engine.transferSession({ kind: 'rep', repId: 'bob' }, waiting, DESK));
  });

  it('Q7: where the policy does not allow it, a rep cannot accept by hand from a team queue (but may from their own)', async () => {
    const h = await start(SITE);
    await h.connect('dora');
    const queued = await h.createIn('team:backlog');
    await refused(h, 'forbidden', () => h.engine.acceptSession('dora', queued));
    const own = await h.createIn('rep:dora');
    expect(await h.engine.acceptSession('dora', own)).toMatchObject({ state: 'active', owner_id: 'dora' });
  });

  it('T1: a transfer to an unknown queue, or to the queue the session is in, is refused', async () => {
    const h = await start(SITE);
    const s = await h.createIn('team:backlog');
    await refused(h, 'not_found', () => h.engine.transferSession({ kind: 'api' }, s, 'team:nowhere'));
    await refused(h, 'invalid_input', () => h.engine.transferSession({ kind: 'api' }, s, 'team:backlog'));
  });

  it('A2–A5: a rep who is not connected cannot change lock, activity or opt-out (unavailable)', async () => {
    const h = await start(SITE);
    await refused(h, 'unavailable', () => h.engine.setLocked('ann', true));
    await refused(h, 'unavailable', () => h.engine.reportActivity('ann'));
    await refused(h, 'unavailable', () => h.engine.setOptedOut('ann', true));
    await h.connect('bob');
    await h.engine.repDisconnected('bob');
    await refused(h, 'unavailable', () => h.engine.setLocked('bob', true));
  });

  it('C6: a session for an unknown queue is refused and nothing is stored', async () => {
    const h = await start(SITE);
    await refused(h, 'not_found', () => h.createIn('team:nowhere'));
  });
});
