import { describe, expect, it } from 'vitest';
import { chooseRep, type RepChoice, type RepSnapshot } from '../../src/core/routing.js';
import { NO_SKILLS, queue, rep, session, skillData, T0, TEAM } from './routing-fixtures.js';

const leastBusy = queue(TEAM, { algorithm: 'least_busy' });
const skilled = queue(TEAM, { algorithm: 'skills_least_busy' });

// os (rank 1) > windows > win11; net (rank 2) > vpn; billing (rank 3).
const TREE = [
  ['os', null, 1],
  ['windows', 'os', null],
  ['win11', 'windows', null],
  ['net', null, 2],
  ['vpn', 'net', null],
  ['billing', null, 3],
] as const;

function chosen(choice: RepChoice): string | null {
  return choice.rep?.id ?? null;
}

describe('chooseRep (E3 ranking)', () => {
  it('E3: a rep with 0 sessions is ranked before a rep with 1', () => {
    const reps = [rep('ann', { sessionCount: 1 }), rep('bob', { sessionCount: 0 })];
    expect(chosen(chooseRep(session('s1'), leastBusy, reps, NO_SKILLS, T0))).toBe('bob');
  });

  it('E3: at equal load the rep longest at that load (earliest loadSince) comes first', () => {
    const reps = [rep('ann', { sessionCount: 1, loadSince: T0 - 1_000 }), rep('bob', { sessionCount: 1, loadSince: T0 - 9_000 })];
    const choice = chooseRep(session('s1'), leastBusy, reps, NO_SKILLS, T0);
    expect(chosen(choice)).toBe('bob');
    expect(choice.explanation).toMatchObject({ decidedBy: 'load_since', chosen: { atLoadForMs: 9_000 } });
  });

  it('E3: with load and loadSince equal, the rep id decides, so the order is repeatable', () => {
    const reps = [rep('bob'), rep('ann')];
    const choice = chooseRep(session('s1'), leastBusy, reps, NO_SKILLS, T0);
    expect(chosen(choice)).toBe('ann');
    expect(choice.explanation).toMatchObject({ decidedBy: 'rep_id' });
  });

  it('E3: a single eligible rep is chosen as the only candidate', () => {
    const choice = chooseRep(session('s1'), leastBusy, [rep('ann')], NO_SKILLS, T0);
    expect(choice.explanation).toMatchObject({ decidedBy: 'only_candidate', runnerUp: null, eligibleCount: 1 });
  });

  it('E1: a queue with algorithm none never offers', () => {
    const choice = chooseRep(session('s1'), queue(TEAM, { algorithm: 'none' }), [rep('ann')], NO_SKILLS, T0);
    expect(choice).toEqual({ rep: null, explanation: { kind: 'no_offer', queueId: TEAM, reason: 'manual_queue', ineligible: [] } });
  });

  it('E1: a personal queue is never routed automatically', () => {
    const personal = queue('rep:ann', { algorithm: 'least_busy' });
    const choice = chooseRep(session('s1', { queueId: 'rep:ann' }), personal, [rep('ann', { queueIds: ['rep:ann'] })], NO_SKILLS, T0);
    expect(choice.explanation).toMatchObject({ reason: 'manual_queue' });
  });

  it('E6: a rep who rejected the session (excluded) is not chosen, even when least busy', () => {
    const reps = [rep('ann', { sessionCount: 0 }), rep('bob', { sessionCount: 2 })];
    const choice = chooseRep(session('s1', { excludedRepIds: ['ann'] }), leastBusy, reps, NO_SKILLS, T0);
    expect(chosen(choice)).toBe('bob');
    expect(choice.explanation).toMatchObject({ passedOver: [{ repId: 'ann', reason: 'excluded' }] });
  });

  it('E7: when everyone is excluded there is no offer, and the reasons are given', () => {
    const choice = chooseRep(session('s1', { excludedRepIds: ['ann', 'bob'] }), leastBusy, [rep('ann'), rep('bob')], NO_SKILLS, T0);
    expect(choice).toEqual({
      rep: null,
      explanation: {
        kind: 'no_offer',
        queueId: TEAM,
        reason: 'no_eligible_rep',
        ineligible: [
          { repId: 'ann', reason: 'excluded' },
          { repId: 'bob', reason: 'excluded' },
        ],
      },
    });
  });

  it('X5: a session that already has a pending offer gets no second one', () => {
    const reps = [rep('ann', { pendingOfferSessionId: 's1' }), rep('bob')];
    expect(chooseRep(session('s1'), leastBusy, reps, NO_SKILLS, T0).explanation).toMatchObject({ reason: 'already_offered' });
    expect(chooseRep(session('s1', { pendingOfferRepId: 'ann' }), leastBusy, [rep('bob')], NO_SKILLS, T0).explanation).toMatchObject({
      reason: 'already_offered',
    });
  });

  it.each<[string, RepSnapshot]>([
    ['locked (when the policy says so)', rep('ann', { locked: true })],
    ['idle', rep('ann', { idle: true })],
    ['opted out', rep('ann', { optedOut: true })],
    ['at the session limit', rep('ann', { policy: { maxSessions: 1 }, sessionCount: 1, loadSince: 0 })],
    ['offline', rep('ann', { loggedIn: false })],
    ['holding another pending offer', rep('ann', { pendingOfferSessionId: 'other' })],
    ['already a participant', rep('ann')],
  ])('E2: a rep who is %s is not chosen, even when ranked first', (_what, ann) => {
    const s = session('s1', { participantRepIds: _what === 'already a participant' ? ['ann'] : [] });
    const bob = rep('bob', { sessionCount: 2 });
    expect(chosen(chooseRep(s, leastBusy, [ann, bob], NO_SKILLS, T0))).toBe('bob');
  });

  it('E2: reps outside the queue’s team are neither chosen nor listed', () => {
    const reps = [rep('ann', { queueIds: ['team:b'] }), rep('bob', { sessionCount: 3 })];
    const choice = chooseRep(session('s1'), leastBusy, reps, NO_SKILLS, T0);
    expect(chosen(choice)).toBe('bob');
    expect(choice.explanation).toMatchObject({ passedOver: [] });
  });

  it('A2/E3: a locked rep whose policy ignores locking is still chosen', () => {
    const reps = [rep('ann', { locked: true, policy: { unavailableWhenLocked: false } }), rep('bob', { sessionCount: 1 })];
    expect(chosen(chooseRep(session('s1'), leastBusy, reps, NO_SKILLS, T0))).toBe('ann');
  });
});

describe('chooseRep with skills (E3 (1), E8)', () => {
  const s = (required: string[]) => session('s1', { requiredSkills: required });

  it('E3: skill fit beats load in skills_least_busy', () => {
    const skills = skillData(TREE, { bob: { vpn: 'preferred' } });
    const reps = [rep('ann', { sessionCount: 0 }), rep('bob', { sessionCount: 3 })];
    const choice = chooseRep(s(['vpn']), skilled, reps, skills, T0);
    expect(chosen(choice)).toBe('bob');
    expect(choice.explanation).toMatchObject({
      decidedBy: 'skill_fit',
      skillRequirements: ['vpn'],
      chosen: { repId: 'bob', matchedSkills: [{ skillId: 'vpn', level: 'preferred' }] },
      runnerUp: { repId: 'ann', skillScore: 0 },
    });
  });

  it('E3: least_busy ignores skills', () => {
    const skills = skillData(TREE, { bob: { vpn: 'preferred' } });
    const reps = [rep('ann', { sessionCount: 0 }), rep('bob', { sessionCount: 3 })];
    const choice = chooseRep(s(['vpn']), leastBusy, reps, skills, T0);
    expect(chosen(choice)).toBe('ann');
    expect(choice.explanation).toMatchObject({ skillRequirements: [], chosen: { skillScore: null } });
  });

  it('E8: a rep holding the skill as preferred is chosen before one holding it as less_preferred', () => {
    const skills = skillData(TREE, { ann: { os: 'preferred' }, bob: { windows: 'preferred' } });
    const reps = [rep('ann', { sessionCount: 0 }), rep('bob', { sessionCount: 2 })];
    expect(chosen(chooseRep(s(['windows']), skilled, reps, skills, T0))).toBe('bob');
  });

  it('E8: a rep with the parent skill is chosen when nobody eligible holds the child', () => {
    // bob holds windows but has win11 set to ignored; ann (who holds win11) is idle.
    const skills = skillData(TREE, { ann: { win11: 'preferred' }, bob: { windows: 'preferred', win11: 'ignored' } });
    const reps = [rep('ann', { idle: true }), rep('bob', { sessionCount: 2 }), rep('cat', { sessionCount: 0 })];
    const choice = chooseRep(s(['win11']), skilled, reps, skills, T0);
    expect(chosen(choice)).toBe('bob');
    expect(choice.explanation).toMatchObject({
      skillRequirements: ['windows'],
      relaxation: [{ kind: 'replaced', from: 'win11', to: 'windows' }],
      passedOver: [{ repId: 'ann', reason: 'idle' }],
    });
  });

  it('E8: when nobody is skilled, the least busy of all is chosen', () => {
    const skills = skillData(TREE, {});
    const reps = [rep('ann', { sessionCount: 2 }), rep('bob', { sessionCount: 1 }), rep('cat', { sessionCount: 3 })];
    const choice = chooseRep(s(['win11', 'billing']), skilled, reps, skills, T0);
    expect(chosen(choice)).toBe('bob');
    expect(choice.explanation).toMatchObject({ skillRequirements: [], decidedBy: 'session_count' });
  });

  it('E8: a rep who has the skill set to ignored is chosen only as a last resort', () => {
    const skills = skillData(TREE, { ann: { vpn: 'ignored' }, bob: { vpn: 'preferred' } });
    const reps = [rep('ann', { sessionCount: 0 }), rep('bob', { sessionCount: 3 })];
    expect(chosen(chooseRep(s(['vpn']), skilled, reps, skills, T0))).toBe('bob');
    const onlyAnn = chooseRep(s(['vpn']), skilled, [reps[0] as RepSnapshot, rep('bob', { idle: true })], skills, T0);
    expect(chosen(onlyAnn)).toBe('ann');
  });

  it('E8: when no rep holds all root skills, the lowest-ranked root is peeled first', () => {
    // ann holds os (rank 1), bob holds net (rank 2) and is less busy: net is dropped, ann wins.
    const skills = skillData(TREE, { ann: { os: 'preferred' }, bob: { net: 'preferred' } });
    const reps = [rep('ann', { sessionCount: 2 }), rep('bob', { sessionCount: 0 })];
    const choice = chooseRep(s(['net', 'os']), skilled, reps, skills, T0);
    expect(chosen(choice)).toBe('ann');
    expect(choice.explanation).toMatchObject({ relaxation: [{ kind: 'dropped', skillId: 'net' }] });
  });

  it('E11: the explanation lists ineligible reps ranked above the chosen one, best first, with why', () => {
    const skills = skillData(TREE, { dan: { vpn: 'preferred' }, eve: { vpn: 'preferred' } });
    const reps = [
      rep('ann', { sessionCount: 1 }),
      rep('bob', { sessionCount: 0, idle: true }), // less busy, but idle
      rep('cat', { sessionCount: 5, optedOut: true }), // busier: not "above"
      rep('dan', { sessionCount: 4, loggedIn: false }), // holds the skill, offline
      rep('eve', { sessionCount: 3, pendingOfferSessionId: 'other' }), // holds the skill, busy with an offer
    ];
    const choice = chooseRep(s(['vpn']), skilled, reps, skills, T0);
    expect(chosen(choice)).toBe('ann');
    expect(choice.explanation).toMatchObject({
      eligibleCount: 1,
      passedOver: [
        { repId: 'eve', reason: 'has_pending_offer' },
        { repId: 'dan', reason: 'offline' },
        { repId: 'bob', reason: 'idle' },
      ],
    });
  });
});
