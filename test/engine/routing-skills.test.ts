/**
 * Skill fit on a real store (SPEC E8, and E3 (1)): the reference scenarios of skills-based
 * Equilibrium, each through the engine from a session's required skills to its offer.
 *
 * Skill tree: os (rank 1) > windows > win11, os > mac; net (rank 2) > vpn; billing (rank 3).
 */
import { describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { routingSite, team, useRoutingHarness, type RepSpec } from '../support/routing-harness.js';

const DESK = 'team:desk';

const SKILLS = [
  { id: 'os' },
  { id: 'windows', parent: 'os' },
  { id: 'win11', parent: 'windows' },
  { id: 'mac', parent: 'os' },
  { id: 'net' },
  { id: 'vpn', parent: 'net' },
  { id: 'billing' },
];

/** ann, bob and cara in one skills_least_busy team, holding the given skills. */
function site(held: Record<string, Omit<RepSpec, 'login'>>, algorithm = 'skills_least_busy') {
  const logins = ['ann', 'bob', 'cara'];
  return routingSite({
    reps: logins.map((login) => ({ login, ...held[login] })),
    skills: SKILLS,
    teams: [team('desk', logins, { algorithm })],
    issues: [
      { code: 'vpn', title: 'VPN trouble', team: 'desk', skills: ['vpn'], priority: 2 },
      { code: 'win11', title: 'Windows 11', team: 'desk', skills: ['win11'] },
    ],
  });
}

describe.each(STORE_KINDS)('skill fit (E8) on %s', (kind) => {
  const start = useRoutingHarness(kind);

  it('E8: skill fit beats load: the skilled rep is offered the session although busier', async () => {
    const h = await start(site({ ann: { preferred: ['vpn'] } }));
    await h.connect('ann', 'bob');
    await h.giveSessions('ann', 2);
    const { session } = await h.engine.submitIssue('vpn', { customerName: 'Vic' });
    expect(session).toMatchObject({ priority: 2, required_skills: JSON.stringify(['vpn']) });
    const offer = (await h.offerFor(session.id))!;
    expect(offer.rep_id).toBe('ann');
    expect(await h.explanation(offer.id)).toMatchObject({
      algorithm: 'skills_least_busy',
      requiredSkills: ['vpn'],
      skillRequirements: ['vpn'],
      decidedBy: 'skill_fit',
      chosen: { repId: 'ann', sessionCount: 2, matchedSkills: [{ skillId: 'vpn', level: 'preferred' }] },
      runnerUp: { repId: 'bob', sessionCount: 0, matchedSkills: [] },
    });
  });

  it('E3: under least_busy skills play no part: the least busy rep is offered the session', async () => {
    const h = await start(site({ ann: { preferred: ['vpn'] } }, 'least_busy'));
    await h.connect('ann', 'bob');
    await h.giveSessions('ann', 2);
    const s = await h.createIn(DESK, { skills: ['vpn'] });
    expect(await h.offeredTo(s)).toBe('bob');
    expect(await h.explanation((await h.offerFor(s))!.id)).toMatchObject({ algorithm: 'least_busy', decidedBy: 'session_count' });
  });

  it('E8: a rep holding the skill as preferred is offered the session before one holding it as less preferred', async () => {
    // ann holds windows only through os (less_preferred); bob set windows itself.
    const h = await start(site({ ann: { preferred: ['os'] }, bob: { preferred: ['windows'] } }));
    await h.connect('ann', 'bob');
    await h.giveSessions('bob', 1);
    const s = await h.createIn(DESK, { skills: ['windows'] });
    const offer = (await h.offerFor(s))!;
    expect(offer.rep_id).toBe('bob');
    expect(await h.explanation(offer.id)).toMatchObject({
      decidedBy: 'skill_fit',
      chosen: { repId: 'bob', matchedSkills: [{ skillId: 'windows', level: 'preferred' }] },
      runnerUp: { repId: 'ann', matchedSkills: [{ skillId: 'windows', level: 'less_preferred' }] },
    });
  });

  it('E8: among reps matching every requirement, more preferred matches rank first', async () => {
    const h = await start(site({ ann: { preferred: ['windows', 'vpn'] }, bob: { preferred: ['os', 'net'] } }));
    await h.connect('ann', 'bob');
    await h.giveSessions('ann', 1);
    const s = await h.createIn(DESK, { skills: ['windows', 'vpn'] });
    expect(await h.offeredTo(s)).toBe('ann');
  });

  it('E8: a parent skill matches when nobody holds the child: the holder of the parent is offered it', async () => {
    // Nobody set win11; ann set its parent, windows, and so holds win11 as less preferred.
    const h = await start(site({ ann: { preferred: ['windows'] }, cara: { preferred: ['mac'] } }));
    await h.connect('ann', 'bob', 'cara');
    await h.giveSessions('ann', 2);
    const { session } = await h.engine.submitIssue('win11', { customerName: 'Wendy' });
    const offer = (await h.offerFor(session.id))!;
    expect(offer.rep_id).toBe('ann');
    expect(await h.explanation(offer.id)).toMatchObject({
      skillRequirements: ['win11'],
      chosen: { matchedSkills: [{ skillId: 'win11', level: 'less_preferred' }] },
    });
  });

  it('E8: a requirement no eligible rep holds is replaced by its parent skill', async () => {
    // ann set windows but ignores win11 itself; nobody holds win11, so windows is asked.
    const h = await start(site({ ann: { preferred: ['windows'], ignored: ['win11'] }, cara: { preferred: ['mac'] } }));
    await h.connect('ann', 'bob', 'cara');
    await h.giveSessions('ann', 2);
    const s = await h.createIn(DESK, { skills: ['win11'] });
    const offer = (await h.offerFor(s))!;
    expect(offer.rep_id).toBe('ann');
    expect(await h.explanation(offer.id)).toMatchObject({
      relaxation: [{ kind: 'replaced', from: 'win11', to: 'windows' }],
      skillRequirements: ['windows'],
      decidedBy: 'skill_fit',
    });
  });

  it('E8: when nobody holds the skill, the least busy of all reps is offered the session', async () => {
    const h = await start(site({ ann: { preferred: ['vpn'] }, cara: { preferred: ['os'] } }));
    await h.connect('ann', 'bob', 'cara');
    await h.giveSessions('ann', 1);
    await h.giveSessions('cara', 2);
    const s = await h.createIn(DESK, { skills: ['billing'] });
    const offer = (await h.offerFor(s))!;
    expect(offer.rep_id).toBe('bob');
    expect(await h.explanation(offer.id)).toMatchObject({
      relaxation: [{ kind: 'dropped', skillId: 'billing' }],
      skillRequirements: [],
      decidedBy: 'session_count',
    });
  });

  it('E8: a rep who ignores the skill is offered the session only as a last resort', async () => {
    const h = await start(site({ ann: { ignored: ['vpn'] }, bob: { preferred: ['vpn'] } }));
    await h.connect('ann', 'bob');
    await h.giveSessions('bob', 2);
    const first = await h.createIn(DESK, { skills: ['vpn'] });
    expect(await h.offeredTo(first)).toBe('bob');
    await h.engine.acceptOffer('bob', (await h.offerOf('bob'))!.id);

    // With bob away, nobody eligible holds vpn: now ann is offered such a session.
    await h.engine.setLocked('bob', true);
    const second = await h.createIn(DESK, { skills: ['vpn'] });
    const offer = (await h.offerFor(second))!;
    expect(offer.rep_id).toBe('ann');
    expect(await h.explanation(offer.id)).toMatchObject({
      relaxation: [{ kind: 'replaced', from: 'vpn', to: 'net' }, { kind: 'dropped', skillId: 'net' }],
      passedOver: [{ repId: 'bob', reason: 'locked' }],
    });
  });

  it('E8: when nobody holds every requirement, the lowest-ranked root skill is peeled first', async () => {
    // ann holds os (rank 1), bob holds net (rank 2): net goes, whatever the list order.
    const h = await start(site({ ann: { preferred: ['os'] }, bob: { preferred: ['net'] } }));
    await h.connect('ann', 'bob');
    await h.giveSessions('ann', 2);
    const netFirst = await h.createIn(DESK, { skills: ['net', 'os'] });
    expect(await h.offeredTo(netFirst)).toBe('ann');
    expect(await h.explanation((await h.offerFor(netFirst))!.id)).toMatchObject({
      relaxation: [{ kind: 'dropped', skillId: 'net' }],
      skillRequirements: ['os'],
    });
    await h.engine.acceptOffer('ann', (await h.offerOf('ann'))!.id);
    await h.connect('cara');
    const osFirst = await h.createIn(DESK, { skills: ['os', 'net'] });
    expect(await h.offeredTo(osFirst)).toBe('ann');
  });

  it('E8: with no requirement, every eligible rep fits equally and load decides', async () => {
    const h = await start(site({ ann: { preferred: ['os', 'net', 'billing'] } }));
    await h.connect('ann', 'bob');
    await h.giveSessions('ann', 1);
    const s = await h.createIn(DESK);
    expect(await h.offeredTo(s)).toBe('bob');
    expect((await h.explanation((await h.offerFor(s))!.id)).decidedBy).toBe('session_count');
  });
});
