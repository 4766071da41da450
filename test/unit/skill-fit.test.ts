import { describe, expect, it } from 'vitest';
import { computeSkillFit, effectiveSkillLevel, type AdminSkillLevel, type SkillData } from '../../src/core/routing.js';
import { skillData } from './routing-fixtures.js';

// os (rank 1) > windows > win11, os > mac; net (rank 2) > vpn; billing (rank 3).
const TREE = [
  ['os', null, 1],
  ['windows', 'os', null],
  ['win11', 'windows', null],
  ['mac', 'os', null],
  ['net', null, 2],
  ['vpn', 'net', null],
  ['billing', null, 3],
] as const;

function withHeld(held: Record<string, Record<string, AdminSkillLevel>>): SkillData {
  return skillData(TREE, held);
}

function fit(required: string[], held: Record<string, Record<string, AdminSkillLevel>>, reps = Object.keys(held)) {
  return computeSkillFit(required, reps, withHeld(held));
}

describe('skill levels (E8)', () => {
  const levels = (l: Record<string, AdminSkillLevel>) => new Map(Object.entries(l));
  const tree = withHeld({}).tree;

  it('E8: a skill the admin set preferred is held as preferred', () => {
    expect(effectiveSkillLevel(levels({ windows: 'preferred' }), 'windows', tree)).toBe('preferred');
  });

  it('E8: every descendant of a preferred skill is held as less_preferred', () => {
    expect(effectiveSkillLevel(levels({ os: 'preferred' }), 'windows', tree)).toBe('less_preferred');
    expect(effectiveSkillLevel(levels({ os: 'preferred' }), 'win11', tree)).toBe('less_preferred');
  });

  it('E8: holding a child skill does not mean holding its parent', () => {
    expect(effectiveSkillLevel(levels({ win11: 'preferred' }), 'windows', tree)).toBeNull();
  });

  it('E8: an ignored skill counts as not held, even under a preferred parent', () => {
    expect(effectiveSkillLevel(levels({ os: 'preferred', windows: 'ignored' }), 'windows', tree)).toBeNull();
  });

  it('E8: below an ignored skill, a preferred ancestor still implies less_preferred', () => {
    expect(effectiveSkillLevel(levels({ os: 'preferred', windows: 'ignored' }), 'win11', tree)).toBe('less_preferred');
  });

  it('E8: a rep with no skills holds nothing', () => {
    expect(effectiveSkillLevel(undefined, 'os', tree)).toBeNull();
  });
});

describe('skill fit (E8)', () => {
  it('E8: reps matching every requirement fit; the others score 0', () => {
    const f = fit(['windows', 'vpn'], { ann: { windows: 'preferred', vpn: 'preferred' }, bob: { windows: 'preferred' } });
    expect(f.requirements).toEqual(['windows', 'vpn']);
    expect(f.byRep.get('ann')).toMatchObject({ matchesAll: true, preferredCount: 2, score: 3 });
    expect(f.byRep.get('bob')).toMatchObject({ matchesAll: false, score: 0, matched: [{ skillId: 'windows', level: 'preferred' }] });
  });

  it('E8: among matching reps, more preferred matches rank first', () => {
    const f = fit(['windows'], { ann: { os: 'preferred' }, bob: { windows: 'preferred' } });
    expect(f.byRep.get('bob')?.score).toBeGreaterThan(f.byRep.get('ann')?.score ?? Infinity);
    expect(f.byRep.get('ann')?.matched).toEqual([{ skillId: 'windows', level: 'less_preferred' }]);
  });

  it('E8: a requirement nobody holds is replaced by its parent skill', () => {
    // Whoever holds a parent holds its descendants (less_preferred), so the child can only
    // be unheld by a parent holder who has it set to ignored.
    const f = fit(['win11'], { ann: { windows: 'preferred', win11: 'ignored' }, bob: { mac: 'preferred' } });
    expect(f.requirements).toEqual(['windows']);
    expect(f.steps).toEqual([{ kind: 'replaced', from: 'win11', to: 'windows' }]);
    expect(f.byRep.get('ann')?.matchesAll).toBe(true);
    expect(f.byRep.get('bob')?.matchesAll).toBe(false);
  });

  it('E8: replacement climbs as far as needed, merging with a requirement already present', () => {
    const f = fit(['os', 'win11'], { ann: { os: 'preferred' } });
    // win11 is less_preferred for ann through os, so nothing needs relaxing.
    expect(f.requirements).toEqual(['os', 'win11']);
    const g = fit(['os', 'win11'], { ann: { os: 'preferred', windows: 'ignored', win11: 'ignored' } });
    expect(g.requirements).toEqual(['os']);
  });

  it('E8: a root requirement nobody holds is dropped', () => {
    const f = fit(['billing', 'vpn'], { ann: { vpn: 'preferred' } });
    expect(f.requirements).toEqual(['vpn']);
    expect(f.steps).toEqual([{ kind: 'dropped', skillId: 'billing' }]);
  });

  it('E8: when no rep holds all roots, the lowest-ranked root skill is peeled first', () => {
    // ann holds os (rank 1), bob holds net (rank 2): dropping net leaves ann.
    const f = fit(['net', 'os'], { ann: { os: 'preferred' }, bob: { net: 'preferred' } });
    expect(f.requirements).toEqual(['os']);
    expect(f.steps).toEqual([{ kind: 'dropped', skillId: 'net' }]);
    expect(f.byRep.get('ann')?.matchesAll).toBe(true);
    expect(f.byRep.get('bob')?.matchesAll).toBe(false);
  });

  it('E8: a child requirement in the lowest-ranked tree is lifted before its root is dropped', () => {
    // ann: windows + net (but vpn ignored); bob: mac + vpn. Nobody holds {windows, vpn};
    // vpn (under net, rank 2) is relaxed first: to net, which ann holds.
    const f = fit(['windows', 'vpn'], {
      ann: { windows: 'preferred', net: 'preferred', vpn: 'ignored' },
      bob: { mac: 'preferred', vpn: 'preferred' },
    });
    expect(f.steps).toEqual([{ kind: 'replaced', from: 'vpn', to: 'net' }]);
    expect(f.requirements).toEqual(['windows', 'net']);
    expect(f.byRep.get('ann')?.matchesAll).toBe(true);
  });

  it('E8: within one root tree, the later requirement in the session’s list is relaxed first', () => {
    const f = fit(['mac', 'windows'], { ann: { mac: 'preferred', os: 'preferred' }, bob: { windows: 'preferred' } });
    // ann holds mac (preferred) and windows (less_preferred via os): no relaxation needed.
    expect(f.requirements).toEqual(['mac', 'windows']);
    const g = fit(['mac', 'windows'], { ann: { mac: 'preferred' }, bob: { windows: 'preferred' } });
    expect(g.steps[0]).toEqual({ kind: 'replaced', from: 'windows', to: 'os' });
  });

  it('E8: with no requirement left every rep fits equally', () => {
    const f = fit(['billing'], { ann: {}, bob: { os: 'preferred' } });
    expect(f.requirements).toEqual([]);
    expect(f.byRep.get('ann')?.score).toBe(f.byRep.get('bob')?.score);
    expect(f.byRep.get('ann')?.matchesAll).toBe(true);
  });

  it('E8: a session with no required skills fits every rep equally', () => {
    const f = fit([], { ann: {}, bob: { os: 'preferred' } });
    expect(f.steps).toEqual([]);
    expect(f.byRep.get('ann')?.score).toBe(1);
    expect(f.byRep.get('bob')?.score).toBe(1);
  });

  it('E8: ignored counts as not held, so a rep holding only ignored skills matches only once the skill is dropped', () => {
    const withOther = fit(['vpn'], { ann: { vpn: 'ignored' }, bob: { vpn: 'preferred' } });
    expect(withOther.byRep.get('ann')?.matchesAll).toBe(false);
    expect(withOther.byRep.get('bob')?.matchesAll).toBe(true);
    const alone = fit(['vpn'], { ann: { vpn: 'ignored', net: 'ignored' } });
    expect(alone.requirements).toEqual([]);
    expect(alone.byRep.get('ann')?.matchesAll).toBe(true);
  });

  it('E8: relaxation looks only at the reps given (the eligible ones)', () => {
    const held: Record<string, Record<string, AdminSkillLevel>> = {
      ann: { win11: 'preferred' },
      bob: { windows: 'preferred', win11: 'ignored' },
    };
    expect(fit(['win11'], held, ['ann', 'bob']).requirements).toEqual(['win11']);
    expect(fit(['win11'], held, ['bob']).requirements).toEqual(['windows']);
  });

  it('E8: an unknown skill (deleted since the issue was saved) is dropped like an unheld root', () => {
    const f = fit(['gone', 'os'], { ann: { os: 'preferred' } });
    expect(f.requirements).toEqual(['os']);
  });

  it('E8: a parent cycle in bad data does not loop forever', () => {
    const data = skillData(
      [
        ['a', 'b', null],
        ['b', 'a', null],
        ['c', 'a', null],
      ],
      { ann: {} },
    );
    const f = computeSkillFit(['c'], ['ann'], data);
    expect(f.requirements).toEqual([]);
  });

  it('E8: duplicate requirements count once', () => {
    const f = fit(['vpn', 'vpn'], { ann: { vpn: 'preferred' } });
    expect(f.requirements).toEqual(['vpn']);
    expect(f.byRep.get('ann')?.preferredCount).toBe(1);
  });
});
