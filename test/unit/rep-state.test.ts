import { describe, expect, it } from 'vitest';
import { isEligible, isMemberOf, repState, type Eligibility } from '../../src/core/routing.js';
import { queue, rep, session, TEAM } from './routing-fixtures.js';

describe('rep state (A6)', () => {
  it('A6: a logged-in rep with nothing in the way is available', () => {
    expect(repState(rep('ann'))).toBe('available');
  });

  it('A1/A6: a rep who is not logged in is offline, whatever else is set', () => {
    expect(repState(rep('ann', { loggedIn: false, locked: true, idle: true }))).toBe('offline');
  });

  it('A2/A6: a locked rep is locked when the policy makes locked reps unavailable', () => {
    expect(repState(rep('ann', { locked: true }))).toBe('locked');
  });

  it('A2: a locked rep stays available when the policy does not make locked reps unavailable', () => {
    expect(repState(rep('ann', { locked: true, policy: { unavailableWhenLocked: false } }))).toBe('available');
  });

  it('A3/A6: an idle rep is idle', () => {
    expect(repState(rep('ann', { idle: true }))).toBe('idle');
  });

  it('A5/A6: an opted-out rep is opted_out', () => {
    expect(repState(rep('ann', { optedOut: true }))).toBe('opted_out');
  });

  it('A4/A6: a rep with maxSessions sessions is busy', () => {
    expect(repState(rep('ann', { sessionCount: 2, policy: { maxSessions: 2 } }))).toBe('busy');
    expect(repState(rep('ann', { sessionCount: 1, policy: { maxSessions: 2 } }))).toBe('available');
  });

  it('A4: maxSessions 0 means no limit', () => {
    expect(repState(rep('ann', { sessionCount: 50, policy: { maxSessions: 0 } }))).toBe('available');
  });
});

describe('eligibility (E2)', () => {
  const q = queue(TEAM);
  const s = session('s1');
  const ineligible = (reason: string): Eligibility => ({ eligible: false, reason }) as Eligibility;

  it('E2: an available member with no offer is eligible', () => {
    expect(isEligible(rep('ann'), s, q)).toEqual({ eligible: true });
  });

  it.each([
    ['not a member of the queue’s team', rep('ann', { queueIds: ['team:b'] }), 'not_member'],
    ['offline', rep('ann', { loggedIn: false }), 'offline'],
    ['locked (policy says locked is unavailable)', rep('ann', { locked: true }), 'locked'],
    ['idle', rep('ann', { idle: true }), 'idle'],
    ['opted out', rep('ann', { optedOut: true }), 'opted_out'],
    ['at the session limit', rep('ann', { sessionCount: 3, policy: { maxSessions: 3 } }), 'at_session_limit'],
    ['holding a pending offer of another session', rep('ann', { pendingOfferSessionId: 's2' }), 'has_pending_offer'],
  ])('E2: a rep who is %s is not eligible', (_what, r, reason) => {
    expect(isEligible(r, s, q)).toEqual(ineligible(reason));
  });

  it('E2/E6: a rep excluded for the session (rejected or let it expire) is not eligible', () => {
    expect(isEligible(rep('ann'), session('s1', { excludedRepIds: ['ann'] }), q)).toEqual(ineligible('excluded'));
  });

  it('E2: a rep already in the session is not eligible', () => {
    expect(isEligible(rep('ann'), session('s1', { participantRepIds: ['ann'] }), q)).toEqual(
      ineligible('already_in_session'),
    );
  });

  it('E2/E9: holding the pending offer of this very session does not make the rep ineligible', () => {
    expect(isEligible(rep('ann', { pendingOfferSessionId: 's1' }), s, q)).toEqual({ eligible: true });
  });

  it('S1, E2: an offer held of one invitation counts as another pending offer for a second invitation to the same session', () => {
    const holding = rep('ann', { pendingOfferSessionId: 's1', pendingOfferInvitationId: 'i1' });
    expect(isEligible(holding, session('s1', { invitationId: 'i1' }), q)).toEqual({ eligible: true });
    expect(isEligible(holding, session('s1', { invitationId: 'i2' }), q)).toEqual(ineligible('has_pending_offer'));
    expect(isEligible(holding, s, q)).toEqual(ineligible('has_pending_offer'));
  });

  it('A2/E2: a locked rep is eligible when the policy ignores locking', () => {
    expect(isEligible(rep('ann', { locked: true, policy: { unavailableWhenLocked: false } }), s, q)).toEqual({
      eligible: true,
    });
  });

  it('Q3/E2: membership of the general queue follows the policy, not the team list', () => {
    const general = queue('general');
    const inGeneral = session('s1', { queueId: 'general' });
    expect(isMemberOf(rep('ann', { queueIds: [] }), general)).toBe(true);
    expect(isEligible(rep('ann', { queueIds: ['general'], policy: { canSeeGeneralQueue: false } }), inGeneral, general)).toEqual(
      ineligible('not_member'),
    );
  });
});
