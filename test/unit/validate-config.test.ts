import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { DEFAULT_SITE_SETTINGS } from '../../src/core/site-settings.js';
import { formatIssue, type ConfigIssue } from '../../src/config/site-config.js';
import { pointerToPath, validateSiteConfig } from '../../src/config/validate-config.js';

const HASH = 'scrypt$32768$8$1$dP3rCHJBwNr5MG7Pk1oecg==$n4MC9JFrDyiN0rYKJT1+GR/DslCYNrzObJDpzypzpKc=';

/** A small valid site; each test breaks one thing in a copy. */
function site(): Record<string, any> {
  return {
    policies: [{ id: 'standard' }],
    users: [
      { login: 'admin', displayName: 'Admin', displayNumber: 9, policy: 'standard', admin: true, password: 'x' },
      { login: 'ann', displayName: 'Ann', displayNumber: 1, policy: 'standard', password: 'x', skills: { preferred: ['windows'] } },
      { login: 'ben', displayName: 'Ben', displayNumber: 2, policy: 'standard', passwordHash: HASH },
    ],
    teams: [
      { id: 'desk', name: 'Desk', members: [{ user: 'ann', role: 'lead' }, { user: 'ben' }] },
      { id: 'vendor', name: 'Vendor', kind: 'embassy', members: [] },
    ],
    skills: [
      { id: 'os', name: 'Operating systems' },
      { id: 'windows', name: 'Windows', parent: 'os' },
      { id: 'net', name: 'Network' },
    ],
    issues: [{ code: 'printer', title: 'Printer', team: 'desk', skills: ['windows', 'os'] }],
  };
}

function errorsOf(input: unknown): ConfigIssue[] {
  const result = validateSiteConfig(input);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.errors;
}

function messages(input: unknown): string[] {
  return errorsOf(input).map(formatIssue);
}

describe('validateSiteConfig: defaults (I3)', () => {
  it('an empty mapping is a valid site with SPEC defaults, and a warning that no admin exists', () => {
    const result = validateSiteConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { fallbackQueueId: _unused, ...siteDefaults } = DEFAULT_SITE_SETTINGS;
    expect(result.config.site).toEqual({ ...siteDefaults, fallbackQueue: null });
    expect(result.config.generalQueue).toEqual({
      algorithm: 'skills_least_busy',
      offerTimeoutSeconds: 30,
      persistent: false,
      waiting: { action: 'none', afterSeconds: 300, overflowQueue: null },
    });
    expect(result.warnings.map((w) => w.path)).toEqual(['users']);
  });

  it('fills policy, user, team, skill and issue defaults', () => {
    const result = validateSiteConfig(site());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.config;
    expect(c.policies[0]).toEqual({ id: 'standard', name: 'standard', ...DEFAULT_POLICY });
    expect(c.users[1]).toMatchObject({ admin: false, showOnRepList: true, disabled: false, skills: { preferred: ['windows'], ignored: [] } });
    expect(c.teams[0]).toMatchObject({ kind: 'team', algorithm: 'skills_least_busy', offerTimeoutSeconds: 30, persistent: false });
    expect(c.teams[0]?.members[1]).toEqual({ user: 'ben', role: 'member' });
    expect(c.skills[0]?.parent).toBeNull();
    expect(c.issues[0]).toMatchObject({ description: '', priority: 0, showOnPortal: true, skills: ['windows', 'os'] });
    expect(result.warnings).toEqual([]);
  });

  it('accepts the limits of every range (offer timeout 5–600, waiting 10–86,400 s)', () => {
    const c = site();
    c.teams[0].offerTimeoutSeconds = 5;
    c.teams[0].waiting = { action: 'mark', afterSeconds: 10 };
    c.teams[1].offerTimeoutSeconds = 600;
    c.teams[1].waiting = { action: 'transfer', afterSeconds: 86_400, overflowQueue: 'rep:ann' };
    expect(validateSiteConfig(c).ok).toBe(true);
  });
});

describe('validateSiteConfig: schema errors name the field', () => {
  it('refuses a document that is not a mapping', () => {
    expect(messages(null)).toEqual(['(root): must be a mapping of fields (got null)']);
    expect(messages([1])).toEqual(['(root): must be a mapping of fields (got a list)']);
  });

  it('refuses unknown fields, missing fields and wrong types', () => {
    const c = site();
    c.teams[0].colour = 'red';
    delete c.users[1].login;
    c.users[2].displayNumber = 'two';
    c.users[0].admin = 'yes';
    expect(messages(c)).toEqual(
      expect.arrayContaining([
        'teams[0].colour: is not a known field',
        'users[1].login: is required',
        'users[2].displayNumber: must be a whole number (got string "two")',
        'users[0].admin: must be true or false (got string "yes")',
      ]),
    );
  });

  it.each([
    ['teams[0].offerTimeoutSeconds', (c: any) => (c.teams[0].offerTimeoutSeconds = 4), 'must be between 5 and 600 (got number 4)'],
    ['teams[0].offerTimeoutSeconds', (c: any) => (c.teams[0].offerTimeoutSeconds = 601), 'must be between 5 and 600 (got number 601)'],
    ['teams[1].waiting.afterSeconds', (c: any) => (c.teams[1].waiting = { afterSeconds: 9 }), 'must be between 10 and 86400 (got number 9)'],
    ['generalQueue.waiting.afterSeconds', (c: any) => (c.generalQueue = { waiting: { afterSeconds: 86_401 } }), 'must be between 10 and 86400 (got number 86401)'],
    ['generalQueue.algorithm', (c: any) => (c.generalQueue = { algorithm: 'random' }), 'must be one of: none, least_busy, skills_least_busy (got string "random")'],
    ['teams[0].members[0].role', (c: any) => (c.teams[0].members[0].role = 'boss'), 'must be one of: member, lead, manager (got string "boss")'],
    ['policies[0].maxSessions', (c: any) => (c.policies[0].maxSessions = -1), 'must be between 0 and 100 (got number -1)'],
    ['issues[0].priority', (c: any) => (c.issues[0].priority = 1.5), 'must be a whole number (got number 1.5)'],
    ['site.allowedOrigins[0]', (c: any) => (c.site = { allowedOrigins: ['example.com/x'] }), 'must be an origin'],
    ['teams[0].id', (c: any) => (c.teams[0].id = 'Help Desk'), 'must be 1-64 lowercase letters'],
    ['users[1].displayName', (c: any) => (c.users[1].displayName = ''), 'must not be empty'],
    ['version', (c: any) => (c.version = 2), 'must be 1 (got number 2)'],
  ])('refuses %s out of range or of the wrong kind', (path, breakIt, message) => {
    const c = site();
    breakIt(c);
    const issue = errorsOf(c).find((e) => e.path === path);
    expect(issue?.message).toContain(message);
  });
});

describe('validateSiteConfig: cross references', () => {
  it.each([
    ['unknown team member', (c: any) => c.teams[1].members.push({ user: 'bob' }), 'teams[1].members[0].user: unknown user "bob"'],
    ['member listed twice', (c: any) => c.teams[0].members.push({ user: 'ann' }), 'teams[0].members[2].user: user "ann" is listed twice'],
    ['duplicate login', (c: any) => c.users.push({ ...c.users[1], displayNumber: 7 }), 'users[3].login: duplicate login "ann"'],
    ['duplicate display number', (c: any) => (c.users[2].displayNumber = 1), 'users[2].displayNumber: display number 1 is already used by "ann"'],
    ['duplicate team id', (c: any) => (c.teams[1].id = 'desk'), 'teams[1].id: duplicate team id "desk"'],
    ['duplicate policy id', (c: any) => c.policies.push({ id: 'standard' }), 'policies[1].id: duplicate policy id "standard"'],
    ['duplicate skill id', (c: any) => (c.skills[2].id = 'os'), 'skills[2].id: duplicate skill id "os"'],
    ['duplicate issue code', (c: any) => c.issues.push({ ...c.issues[0] }), 'issues[1].code: duplicate issue code "printer"'],
    ['unknown policy', (c: any) => (c.users[1].policy = 'gold'), 'users[1].policy: unknown policy "gold"'],
    ['unknown preferred skill', (c: any) => (c.users[1].skills.preferred = ['linux']), 'users[1].skills.preferred[0]: unknown skill "linux"'],
    ['skill both preferred and ignored', (c: any) => (c.users[1].skills.ignored = ['windows']), 'users[1].skills.ignored[0]: skill "windows" is also listed as preferred'],
    ['unknown issue team', (c: any) => (c.issues[0].team = 'nobody'), 'issues[0].team: unknown team "nobody"'],
    ['unknown issue skill', (c: any) => c.issues[0].skills.push('cobol'), 'issues[0].skills[2]: unknown skill "cobol"'],
    ['issue skill twice', (c: any) => c.issues[0].skills.push('os'), 'issues[0].skills[2]: skill "os" is listed twice'],
    ['unknown parent skill', (c: any) => (c.skills[1].parent = 'nothing'), 'skills[1].parent: unknown skill "nothing"'],
    ['reserved team id', (c: any) => (c.teams[1].id = 'general'), 'teams[1].id: "general" is reserved for the general queue'],
    ['password and hash together', (c: any) => (c.users[2].password = 'x'), 'users[2].password: give either password or passwordHash, not both'],
    ['unknown fallback queue', (c: any) => (c.site = { fallbackQueue: 'rep:zoe' }), 'site.fallbackQueue: unknown queue "rep:zoe" (write general, a team id, or rep:<login>)'],
  ])('refuses a configuration with a %s', (_name, breakIt, expected) => {
    const c = site();
    breakIt(c);
    expect(messages(c)).toContain(expected);
  });

  it('refuses a password hash Lobby cannot verify', () => {
    const c = site();
    c.users[2].passwordHash = 'md5$abc';
    expect(errorsOf(c)[0]?.path).toBe('users[2].passwordHash');
  });

  it('allows disabled users to share a display number (they are never listed, C2)', () => {
    const c = site();
    c.users[2].displayNumber = 1;
    c.users[2].disabled = true;
    expect(validateSiteConfig(c).ok).toBe(true);
  });

  it('W2: refuses a transfer rule without a target, into itself, or into an unknown queue', () => {
    const c = site();
    c.teams[0].waiting = { action: 'transfer' };
    c.teams[1].waiting = { action: 'transfer', overflowQueue: 'vendor' };
    c.generalQueue = { waiting: { action: 'transfer', overflowQueue: 'team:desk' } };
    expect(messages(c)).toEqual([
      'generalQueue.waiting.overflowQueue: unknown queue "team:desk" (write general, a team id, or rep:<login>)',
      'teams[0].waiting.overflowQueue: is required when the waiting action is transfer',
      'teams[1].waiting.overflowQueue: a queue cannot overflow into itself',
    ]);
  });

  it('accepts general, a team id and rep:<login> as overflow targets', () => {
    for (const target of ['general', 'vendor', 'rep:ben']) {
      const c = site();
      c.teams[0].waiting = { action: 'transfer', overflowQueue: target };
      expect(validateSiteConfig(c).ok).toBe(true);
    }
  });

  it('E8: refuses a skill cycle, reported once with the whole loop', () => {
    const c = site();
    c.skills.push({ id: 'a', name: 'A', parent: 'c' }, { id: 'b', name: 'B', parent: 'a' }, { id: 'c', name: 'C', parent: 'b' });
    expect(messages(c)).toEqual(['skills[3].parent: skills form a cycle: a → c → b → a']);
  });

  it('E8: refuses a skill that is its own parent', () => {
    const c = site();
    c.skills[2].parent = 'net';
    expect(messages(c)).toEqual(['skills[2].parent: skills form a cycle: net → net']);
  });

  it('W3: accepts queues that overflow into each other, with a warning naming the cycle', () => {
    const c = site();
    c.teams[0].waiting = { action: 'transfer', overflowQueue: 'vendor' };
    c.teams[1].waiting = { action: 'transfer', overflowQueue: 'desk' };
    const result = validateSiteConfig(c);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.path).toBe('teams[0].waiting.overflowQueue');
    expect(result.warnings[0]?.message).toContain('overflow cycle desk → vendor → desk');
  });

  it('reports every problem at once, not only the first', () => {
    const c = site();
    c.users[1].policy = 'gold';
    c.issues[0].team = 'nobody';
    c.teams[0].members.push({ user: 'zed' });
    expect(errorsOf(c)).toHaveLength(3);
  });
});

describe('issue paths', () => {
  it('turns JSON pointers into readable paths', () => {
    expect(pointerToPath('/teams/1/members/0/user')).toBe('teams[1].members[0].user');
    expect(pointerToPath('')).toBe('(root)');
    expect(pointerToPath('/a~1b')).toBe('a/b');
  });

  it('formats an issue with its line when known', () => {
    expect(formatIssue({ path: 'users[0].login', message: 'is required' })).toBe('users[0].login: is required');
    expect(formatIssue({ path: 'users[0].login', message: 'is required', line: 4 })).toBe('users[0].login (line 4): is required');
    expect(formatIssue({ path: '', message: 'bad indentation', line: 3, column: 5 })).toBe('line 3, column 5: bad indentation');
  });
});
