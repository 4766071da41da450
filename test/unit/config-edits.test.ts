/**
 * The admin API's edits of the normalized configuration (src/config/config-edits.ts): pure,
 * checked against validateSiteConfig the way the admin command uses them.
 */
import { describe, expect, it } from 'vitest';
import {
  createSkill,
  createTeam,
  createUser,
  deleteSkill,
  deleteTeam,
  updateSkill,
  updateTeam,
  updateUser,
} from '../../src/config/config-edits.js';
import { siteConfigFile } from '../../src/config/export-config.js';
import type { NormalizedSiteConfig } from '../../src/config/site-config.js';
import { validateSiteConfig } from '../../src/config/validate-config.js';
import { LobbyError } from '../../src/core/errors.js';

const HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function site(): NormalizedSiteConfig {
  const result = validateSiteConfig({
    policies: [{ id: 'std' }],
    users: [
      { login: 'ann', displayName: 'Ann', displayNumber: 1, policy: 'std', passwordHash: HASH },
      { login: 'bob', displayName: 'Bob', displayNumber: 2, policy: 'std', passwordHash: HASH },
    ],
    teams: [
      { id: 'desk', name: 'Desk', members: [{ user: 'ann', role: 'lead' }] },
      { id: 'net', name: 'Net', waiting: { action: 'transfer', overflowQueue: 'desk' } },
    ],
    skills: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'a1', name: 'A1', parent: 'a' }],
    issues: [{ code: 'i1', title: 'I1', team: 'desk', skills: ['a1'] }],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const valid = (c: NormalizedSiteConfig) => validateSiteConfig(siteConfigFile(c));
const roots = (c: NormalizedSiteConfig) => c.skills.filter((s) => s.parent === null).map((s) => s.id);

function refusal(work: () => unknown): LobbyError {
  try {
    work();
  } catch (err) {
    if (err instanceof LobbyError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('configuration edits', () => {
  it('never change the configuration they are given', () => {
    const before = site();
    const copy = structuredClone(before);
    updateTeam(before, 'desk', { name: 'Changed', members: [] });
    deleteSkill(before, 'b');
    expect(before).toEqual(copy);
  });

  it('a user’s teams replace their memberships, keeping a role unless a new one is given', () => {
    const c = updateUser(site(), 'ann', { teams: [{ team: 'desk' }, { team: 'net', role: 'manager' }] }).config;
    expect(c.teams.find((t) => t.id === 'desk')?.members).toEqual([{ user: 'ann', role: 'lead' }]);
    expect(c.teams.find((t) => t.id === 'net')?.members).toEqual([{ user: 'ann', role: 'manager' }]);
    expect(updateUser(c, 'ann', { teams: [] }).config.teams.every((t) => t.members.length === 0)).toBe(true);
    expect(refusal(() => updateUser(site(), 'ann', { teams: [{ team: 'desk' }, { team: 'desk' }] })).field).toBe('teams[1].team');
  });

  it('the edited entity goes last, so that a duplicate display number is reported on it', () => {
    const edited = updateUser(site(), 'ann', { displayNumber: 2 });
    expect(edited.path).toBe('users[1]');
    const result = valid(edited.config);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.path).toBe('users[1].displayNumber');
  });

  it('a new user and team get the defaults of docs/configuration.md', () => {
    const c = createUser(site(), { login: 'cy', displayName: 'Cy', displayNumber: 3, policy: 'std', passwordHash: HASH }).config;
    expect(c.users.at(-1)).toMatchObject({ admin: false, showOnRepList: true, disabled: false, skills: { preferred: [], ignored: [] } });
    const t = createTeam(c, { id: 'new', name: 'New', waiting: { afterSeconds: 60 } }).config.teams.at(-1);
    expect(t).toMatchObject({ kind: 'team', algorithm: 'skills_least_busy', offerTimeoutSeconds: 30, persistent: false, waiting: { action: 'none', afterSeconds: 60, overflowQueue: null } });
  });

  it('E8: root skills are ranked by position; a moved-up child becomes the last root', () => {
    expect(roots(createSkill(site(), { id: 'c', name: 'C', rank: 1 }).config)).toEqual(['c', 'a', 'b']);
    expect(roots(createSkill(site(), { id: 'c', name: 'C' }).config)).toEqual(['a', 'b', 'c']);
    expect(roots(updateSkill(site(), 'b', { rank: 1 }).config)).toEqual(['b', 'a']);
    expect(roots(updateSkill(site(), 'a', { rank: 99 }).config)).toEqual(['b', 'a']);
    expect(roots(updateSkill(site(), 'a1', { parent: null }).config)).toEqual(['a', 'b', 'a1']);
    expect(refusal(() => updateSkill(site(), 'a1', { rank: 1 })).field).toBe('rank');
    const cycle = valid(updateSkill(site(), 'a', { parent: 'a1' }).config);
    expect(cycle.ok).toBe(false);
  });

  it('what is still used is not deleted: a team with issues or overflow into it, a skill with children or issues', () => {
    expect(refusal(() => deleteTeam(site(), 'desk')).message).toMatch(/issue "i1".*waiting rule of "net"/);
    expect(deleteTeam(site(), 'net').config.teams.map((t) => t.id)).toEqual(['desk']);
    expect(refusal(() => deleteSkill(site(), 'a')).message).toContain('a1');
    expect(refusal(() => deleteSkill(site(), 'a1')).message).toContain('i1');
    const withSkill = updateUser(site(), 'bob', { skills: { preferred: ['b'] } }).config;
    expect(deleteSkill(withSkill, 'b').config.users.find((u) => u.login === 'bob')?.skills.preferred).toEqual([]);
  });

  it('a waiting-rule patch merges into the rule; null clears the overflow queue', () => {
    const c = updateTeam(site(), 'net', { waiting: { action: 'mark', overflowQueue: null } }).config;
    expect(c.teams.find((t) => t.id === 'net')?.waiting).toEqual({ action: 'mark', afterSeconds: 300, overflowQueue: null });
  });
});
