import { describe, expect, it } from 'vitest';
import { planOffers, type SessionSnapshot } from '../../src/core/routing.js';
import { NO_SKILLS, queue, rep, session, skillData, T0, TEAM } from './routing-fixtures.js';

const teamA = queue(TEAM, { algorithm: 'least_busy', offerTimeoutSeconds: 45 });
const teamB = queue('team:b', { algorithm: 'least_busy' });
const general = queue('general', { algorithm: 'least_busy' });

const pairs = (offers: { sessionId: string; repId: string }[]) => offers.map((o) => `${o.sessionId}->${o.repId}`);

describe('planOffers (Equilibrium run)', () => {
  it('E1/Q4: with one free rep, the higher-priority session is offered first', () => {
    const sessions = [session('old', { waitingSince: T0 - 60_000 }), session('vip', { priority: 5, waitingSince: T0 })];
    expect(pairs(planOffers([teamA], sessions, [rep('ann')], NO_SKILLS, T0))).toEqual(['vip->ann']);
  });

  it('E1/Q4: at equal priority the longest-waiting session is offered first', () => {
    const sessions = [session('new', { waitingSince: T0 - 1_000 }), session('old', { waitingSince: T0 - 9_000 })];
    expect(pairs(planOffers([teamA], sessions, [rep('ann')], NO_SKILLS, T0))).toEqual(['old->ann']);
  });

  it('E4/X5: each rep gets at most one offer and each session at most one; the first session gets the best rep', () => {
    const sessions = [session('s1', { waitingSince: T0 - 3_000 }), session('s2', { waitingSince: T0 - 2_000 }), session('s3', { waitingSince: T0 })];
    const reps = [rep('ann', { sessionCount: 1 }), rep('bob', { sessionCount: 0 })];
    expect(pairs(planOffers([teamA], sessions, reps, NO_SKILLS, T0))).toEqual(['s1->bob', 's2->ann']);
  });

  it('E4: an offer expires offerTimeoutSeconds after now and carries its explanation', () => {
    const [offer] = planOffers([teamA], [session('s1')], [rep('ann')], NO_SKILLS, T0);
    expect(offer).toMatchObject({ sessionId: 's1', repId: 'ann', queueId: TEAM, expiresAt: T0 + 45_000 });
    expect(offer?.explanation).toMatchObject({ kind: 'offer', chosen: { repId: 'ann' }, decidedBy: 'only_candidate' });
  });

  it('E1: a rep in several teams is offered the most urgent session across their queues', () => {
    const sessions = [session('a1', { waitingSince: T0 - 1_000 }), session('b1', { queueId: 'team:b', waitingSince: T0 - 5_000 })];
    const reps = [rep('ann', { queueIds: [TEAM, 'team:b'] })];
    expect(pairs(planOffers([teamA, teamB], sessions, reps, NO_SKILLS, T0))).toEqual(['b1->ann']);
  });

  it('E1: sessions in queues with algorithm none or in personal queues are never offered', () => {
    const manual = queue('team:m', { algorithm: 'none' });
    const personal = queue('rep:ann', { algorithm: 'least_busy' });
    const sessions = [session('m1', { queueId: 'team:m' }), session('p1', { queueId: 'rep:ann' })];
    const reps = [rep('ann', { queueIds: ['team:m', 'rep:ann'] })];
    expect(planOffers([manual, personal], sessions, reps, NO_SKILLS, T0)).toEqual([]);
  });

  it('X5: sessions already offered, and reps already holding an offer, are left alone', () => {
    const sessions = [session('s1', { pendingOfferRepId: 'zed' }), session('s2'), session('s3')];
    const reps = [rep('ann', { pendingOfferSessionId: 's2' }), rep('bob', { sessionCount: 1 })];
    expect(pairs(planOffers([teamA], sessions, reps, NO_SKILLS, T0))).toEqual(['s3->bob']);
  });

  it('E7: a session whose only free rep is excluded stays unoffered, and the rep goes to the next session', () => {
    const sessions = [session('s1', { excludedRepIds: ['ann'], waitingSince: T0 - 5_000 }), session('s2', { waitingSince: T0 })];
    expect(pairs(planOffers([teamA], sessions, [rep('ann')], NO_SKILLS, T0))).toEqual(['s2->ann']);
  });

  it('E2: ineligible reps (offline, locked, idle, opted out, at limit) get no offers', () => {
    const reps = [
      rep('a', { loggedIn: false }),
      rep('b', { locked: true }),
      rep('c', { idle: true }),
      rep('d', { optedOut: true }),
      rep('e', { sessionCount: 1, policy: { maxSessions: 1 } }),
    ];
    expect(planOffers([teamA], [session('s1')], reps, NO_SKILLS, T0)).toEqual([]);
  });

  it('Q3/E2: the general queue is offered to reps whose policy allows it', () => {
    const reps = [rep('ann', { queueIds: [], policy: { canSeeGeneralQueue: false } }), rep('bob', { queueIds: [], sessionCount: 2 })];
    expect(pairs(planOffers([general], [session('g1', { queueId: 'general' })], reps, NO_SKILLS, T0))).toEqual(['g1->bob']);
  });

  it('E3/E8: skills_least_busy queues rank by skill fit first', () => {
    const skills = skillData([['vpn', null, 1]], { bob: { vpn: 'preferred' } });
    const q = queue(TEAM, { algorithm: 'skills_least_busy' });
    const reps = [rep('ann'), rep('bob', { sessionCount: 3 })];
    const sessions = [session('s1', { requiredSkills: ['vpn'], waitingSince: T0 - 5_000 }), session('s2', { waitingSince: T0 })];
    expect(pairs(planOffers([q], sessions, reps, skills, T0))).toEqual(['s1->bob', 's2->ann']);
  });

  it('E11: a rep taken by an earlier planned offer is shown as having a pending offer', () => {
    const reps = [rep('ann'), rep('bob', { sessionCount: 1 })];
    const sessions = [session('s1', { waitingSince: T0 - 5_000 }), session('s2', { waitingSince: T0 })];
    const offers = planOffers([teamA], sessions, reps, NO_SKILLS, T0);
    expect(offers[1]?.explanation.passedOver).toEqual([{ repId: 'ann', reason: 'has_pending_offer' }]);
  });

  it('E1: with no free rep nothing is planned and the waiting sessions are not even read', () => {
    let reads = 0;
    const sessions = new Proxy([] as SessionSnapshot[], {
      get(target, key, receiver) {
        reads += 1;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const reps = Array.from({ length: 1_000 }, (_, i) => rep(`r${i}`, { idle: i % 2 === 0, pendingOfferSessionId: i % 2 ? 'x' : null }));
    expect(planOffers([teamA], sessions, reps, NO_SKILLS, T0)).toEqual([]);
    expect(reads).toBe(0);
  });

  it('E1: the walk stops once the last free rep is taken', () => {
    let examined = 0;
    const sessions = Array.from({ length: 10_000 }, (_, i) => {
      const s = session(`s${String(i).padStart(5, '0')}`, { waitingSince: T0 - 10_000_000 + i });
      return new Proxy(s, {
        get(target, key, receiver) {
          if (key === 'excludedRepIds') examined += 1;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    });
    const offers = planOffers([teamA], sessions, [rep('ann')], NO_SKILLS, T0);
    expect(pairs(offers)).toEqual(['s00000->ann']);
    expect(examined).toBe(1);
  });

  describe('S1: open invitations are candidates like waiting sessions', () => {
    /** An invitation `id` to join active session `sessionId`, sent by `inviter`, who is in it. */
    const invitation = (id: string, sessionId: string, overrides: Partial<SessionSnapshot> = {}) =>
      session(sessionId, { invitationId: id, excludedRepIds: ['ann'], participantRepIds: ['ann'], ...overrides });
    const key = (o: { sessionId: string; invitationId: string | null; repId: string }) => `${o.invitationId ?? o.sessionId}->${o.repId}`;

    it('S1, E2: an invitation goes to the best free member who is neither its inviter nor in the session', () => {
      const reps = [rep('ann'), rep('bob', { sessionCount: 2 }), rep('cara', { sessionCount: 1 })];
      const [offer, ...rest] = planOffers([teamA], [invitation('i1', 'shared', { participantRepIds: ['ann', 'cara'] })], reps, NO_SKILLS, T0);
      expect(rest).toEqual([]);
      expect(offer).toMatchObject({ sessionId: 'shared', invitationId: 'i1', repId: 'bob', queueId: TEAM, expiresAt: T0 + 45_000 });
      // E11: the reps ranked above who could not have it, and why (the inviter counts as excluded).
      expect(offer?.explanation.passedOver).toEqual([
        { repId: 'ann', reason: 'excluded' },
        { repId: 'cara', reason: 'already_in_session' },
      ]);
    });

    it('S1, X5: two invitations of one session are two candidates, each offered to its own rep; a session offer has no invitation', () => {
      const reps = [rep('bob'), rep('cara', { sessionCount: 1 }), rep('dan', { sessionCount: 2 })];
      const candidates = [
        invitation('i1', 'shared', { waitingSince: T0 - 3_000 }),
        invitation('i2', 'shared', { waitingSince: T0 - 2_000 }),
        session('s1', { waitingSince: T0 - 1_000 }),
      ];
      const offers = planOffers([teamA], candidates, reps, NO_SKILLS, T0);
      expect(offers.map(key)).toEqual(['i1->bob', 'i2->cara', 's1->dan']);
      expect(offers[2]?.invitationId).toBeNull();
    });

    it('X5, Q4: a rep holding an invitation offer gets nothing else, and that invitation is not offered again', () => {
      const reps = [rep('bob', { pendingOfferSessionId: 'shared', pendingOfferInvitationId: 'i1' }), rep('cara', { sessionCount: 1 })];
      const candidates = [invitation('i1', 'shared', { waitingSince: T0 - 9_000 }), session('s1', { waitingSince: T0 - 5_000 }), session('s2', { waitingSince: T0 })];
      expect(planOffers([teamA], candidates, reps, NO_SKILLS, T0).map(key)).toEqual(['s1->cara']);
    });

    it('Q4: a higher-priority invitation goes before an older session; at equal priority the older goes first', () => {
      const candidates = [session('old', { waitingSince: T0 - 60_000 }), invitation('urgent', 'shared', { priority: 5, waitingSince: T0 })];
      expect(planOffers([teamA], candidates, [rep('bob')], NO_SKILLS, T0).map(key)).toEqual(['urgent->bob']);
      const level = [session('old', { waitingSince: T0 - 60_000 }), invitation('young', 'shared', { waitingSince: T0 })];
      expect(planOffers([teamA], level, [rep('bob')], NO_SKILLS, T0).map(key)).toEqual(['old->bob']);
    });

    it('E1: an invitation to a personal queue or a manual team is never offered', () => {
      const manual = queue('team:m', { algorithm: 'none' });
      const personal = queue('rep:bob', { kind: 'personal', algorithm: 'least_busy' });
      const candidates = [invitation('i1', 'shared', { queueId: 'team:m' }), invitation('i2', 'shared', { queueId: 'rep:bob' })];
      expect(planOffers([manual, personal], candidates, [rep('bob', { queueIds: ['team:m', 'rep:bob'] })], NO_SKILLS, T0)).toEqual([]);
    });
  });
});
