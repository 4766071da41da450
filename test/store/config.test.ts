/**
 * The site configuration against real stores (SPEC I3, X3): import, export and the
 * import semantics of docs/configuration.md, on every store kind this machine has.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, openTestStore, type TestStore } from '../support/test-stores.js';
import type { Store } from '../../src/store/store.js';
import { verifyPassword } from '../../src/engine/passwords.js';
import { DEMO_SITE_PATH, isStoreEmpty, loadDemoSite } from '../../src/config/demo-site.js';
import { exportSiteConfig } from '../../src/config/export-config.js';
import { ConfigError, importSiteConfig, parseSiteConfigYaml } from '../../src/config/import-config.js';
import { SITE_SETTINGS_KEY } from '../../src/config/site-config.js';

const NOW = 1_700_000_000_000;
const demoText = readFileSync(DEMO_SITE_PATH, 'utf8');
/**
 * The demo's password hashes, made once: scrypt is slow on purpose (X1), and most tests
 * only need the demo loaded, not its passwords hashed again.
 */
let demoHashes = new Map<string, string>();
/** A fresh, mutable copy of the demo site as parsed YAML, with hashes for passwords. */
function demo(): Record<string, any> {
  const config = parseSiteConfigYaml(demoText) as Record<string, any>;
  for (const user of config.users) {
    delete user.password;
    user.passwordHash = demoHashes.get(user.login);
  }
  return config;
}
const loadDemo = (store: Store) => importSiteConfig(store, demo(), NOW);

async function refusal(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

async function insertSession(store: Store, id: string, state: string, queueId: string | null, firstQueueId: string) {
  await store.db
    .insertInto('sessions')
    .values({
      id,
      state,
      origin: 'api',
      client_type: 'chat',
      customer_name: 'Customer',
      customer_company: '',
      customer_details: '',
      issue_id: null,
      priority: 0,
      required_skills: '[]',
      attributes: '{}',
      first_queue_id: firstQueueId,
      queue_id: queueId,
      last_queue_id: firstQueueId,
      queued_at: state === 'waiting' ? NOW : null,
      waiting_since: NOW,
      owner_id: null,
      overdue: 0,
      overflow_moves: 0,
      customer_token_hash: `token-${id}`,
      created_at: NOW,
      accepted_at: null,
      ended_at: state === 'ended' ? NOW : null,
      end_reason: state === 'ended' ? 'completed' : null,
    })
    .execute();
}

beforeAll(async () => {
  const scratch = await openTestStore('sqlite');
  try {
    await loadDemoSite(scratch.store, NOW);
    const users = await scratch.store.db.selectFrom('users').select(['login', 'password_hash']).execute();
    demoHashes = new Map(users.map((u) => [u.login, u.password_hash]));
  } finally {
    await scratch.close();
  }
});

describe.each(STORE_KINDS)('site configuration on %s', (kind) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  describe('the demo site', () => {
    it('I3: imports into an empty store: users, teams, queues, skills, issues and settings', async () => {
      const store = t.store;
      expect(await isStoreEmpty(store)).toBe(true);
      const summary = await loadDemoSite(store, NOW);
      expect(await isStoreEmpty(store)).toBe(false);
      expect(summary).toMatchObject({ policies: 3, users: 9, teams: 3, skills: 11, issues: 6, usersDisabled: [], teamsRemoved: [], warnings: [] });
      expect(summary.usersCreated).toHaveLength(9);

      const ann = await store.db.selectFrom('users').selectAll().where('login', '=', 'ann').executeTakeFirstOrThrow();
      expect(ann).toMatchObject({ id: 'ann', display_number: 1, policy_id: 'standard', is_admin: 0, disabled: 0, created_at: NOW });
      expect(await verifyPassword('demo', ann.password_hash)).toBe(true);

      const queues = await store.db.selectFrom('queues').selectAll().orderBy('id').execute();
      expect(queues.map((q) => q.id)).toEqual([
        'general', 'rep:admin', 'rep:ann', 'rep:ben', 'rep:cara', 'rep:dev', 'rep:eva', 'rep:finn', 'rep:gus', 'rep:hana',
        'team:acme', 'team:network', 'team:service-desk',
      ]);
      const byId = new Map(queues.map((q) => [q.id, q]));
      expect(byId.get('rep:ann')).toMatchObject({ kind: 'personal', user_id: 'ann', algorithm: 'none', waiting_action: 'none' });
      expect(byId.get('team:acme')).toMatchObject({ kind: 'embassy', team_id: 'acme', algorithm: 'least_busy', offer_timeout_seconds: 60 });
      expect(byId.get('team:network')).toMatchObject({ persistent: 1, waiting_action: 'mark', waiting_after_seconds: 900 });
      expect(byId.get('team:service-desk')).toMatchObject({ waiting_action: 'transfer', waiting_after_seconds: 300, overflow_queue_id: 'general' });

      const roots = await store.db.selectFrom('skills').select(['id', 'root_rank']).where('parent_id', 'is', null).orderBy('root_rank').execute();
      expect(roots).toEqual([
        { id: 'workstations', root_rank: 1 },
        { id: 'networking', root_rank: 2 },
        { id: 'business-apps', root_rank: 3 },
      ]);
      const dev = await store.db.selectFrom('rep_skills').select(['skill_id', 'level']).where('user_id', '=', 'dev').orderBy('skill_id').execute();
      expect(dev).toEqual([{ skill_id: 'networking', level: 'preferred' }, { skill_id: 'wifi', level: 'ignored' }]);

      const printer = await store.db.selectFrom('issues').selectAll().where('code', '=', 'printer').executeTakeFirstOrThrow();
      expect(printer).toMatchObject({ queue_id: 'team:service-desk', shown_on_portal: 1 });
      expect(JSON.parse(printer.skills)).toEqual(['printing', 'windows']);

      const settings = await store.db.selectFrom('site_settings').select('value').where('key', '=', SITE_SETTINGS_KEY).executeTakeFirstOrThrow();
      expect(JSON.parse(settings.value)).toMatchObject({ siteName: 'Example Corp IT Help', fallbackQueueId: null, allowedOrigins: ['https://intranet.example.com'] });
    });

    it('I3: export → import → export gives identical text, with password hashes only', async () => {
      await loadDemo(t.store);
      const first = await exportSiteConfig(t.store);
      expect(first).not.toMatch(/^\s*password:/m);
      expect(first.match(/passwordHash: scrypt\$/g)).toHaveLength(9);
      const summary = await importSiteConfig(t.store, first, NOW + 1);
      expect(summary.usersCreated).toEqual([]);
      expect(await exportSiteConfig(t.store)).toBe(first);
    });

    it('I3: an export rebuilds the same site in an empty store, passwords included', async () => {
      await loadDemo(t.store);
      const exported = await exportSiteConfig(t.store);
      const other = await openTestStore(kind);
      try {
        await importSiteConfig(other.store, exported, NOW);
        expect(await exportSiteConfig(other.store)).toBe(exported);
        const gus = await other.store.db.selectFrom('users').select('password_hash').where('id', '=', 'gus').executeTakeFirstOrThrow();
        expect(await verifyPassword('demo', gus.password_hash)).toBe(true);
      } finally {
        await other.close();
      }
    });
  });

  describe('refused imports change nothing (X3)', () => {
    const cases: [string, (c: any) => void, string, RegExp][] = [
      ['an unknown team member', (c) => c.teams[0].members.push({ user: 'bob' }), 'teams[0].members[5].user', /unknown user "bob"/],
      ['an unknown policy', (c) => (c.users[1].policy = 'gold'), 'users[1].policy', /unknown policy "gold"/],
      ['an unknown overflow target', (c) => (c.teams[0].waiting.overflowQueue = 'rep:zoe'), 'teams[0].waiting.overflowQueue', /unknown queue "rep:zoe"/],
      ['a transfer rule without a target', (c) => delete c.teams[0].waiting.overflowQueue, 'teams[0].waiting.overflowQueue', /is required/],
      ['an unknown issue skill', (c) => c.issues[0].skills.push('cobol'), 'issues[0].skills[1]', /unknown skill "cobol"/],
      ['a duplicate login', (c) => c.users.push({ ...c.users[1], displayNumber: 50 }), 'users[9].login', /duplicate login "ann"/],
      ['a duplicate display number', (c) => (c.users[2].displayNumber = 1), 'users[2].displayNumber', /already used by "ann"/],
      ['a duplicate issue code', (c) => (c.issues[1].code = 'password-reset'), 'issues[1].code', /duplicate issue code/],
      ['an offer timeout out of range', (c) => (c.teams[1].offerTimeoutSeconds = 3), 'teams[1].offerTimeoutSeconds', /between 5 and 600/],
      ['a waiting time out of range', (c) => (c.generalQueue.waiting.afterSeconds = 100_000), 'generalQueue.waiting.afterSeconds', /between 10 and 86400/],
      ['a skill cycle', (c) => (c.skills[0].parent = 'windows'), 'skills[0].parent', /cycle: workstations → windows → workstations/],
      ['an invalid password hash', (c) => (c.users[1].passwordHash = 'plain'), 'users[1].passwordHash', /not a Lobby password hash/],
      ['a new user without a password', (c) => c.users.push({ login: 'ivy', displayName: 'Ivy', displayNumber: 30, policy: 'standard' }), 'users[9]', /needs a password/],
    ];

    it.each(cases)('refuses %s, naming the field', async (_name, breakIt, path, message) => {
      await loadDemo(t.store);
      const before = await exportSiteConfig(t.store);
      const config = demo();
      config.teams[2].members = []; // a harmless change that must not be applied either
      breakIt(config);
      const err = await refusal(importSiteConfig(t.store, config, NOW + 1));
      const issue = err.errors.find((e) => e.path === path);
      expect(issue?.message).toMatch(message);
      expect(err.message).toContain(path);
      expect(await exportSiteConfig(t.store)).toBe(before);
    });

    it('refuses malformed YAML, naming the line, and changes nothing', async () => {
      await loadDemo(t.store);
      const before = await exportSiteConfig(t.store);
      const text = 'version: 1\nteams:\n  - id: desk\n    name: Desk\n   members: []\n';
      const err = await refusal(importSiteConfig(t.store, text, NOW + 1));
      expect(err.errors[0]?.line).toBe(5);
      expect(err.message).toMatch(/line 5/);
      expect(() => parseSiteConfigYaml('a: 1\na: 2\n')).toThrow(/line 2.*unique/i);
      expect(await exportSiteConfig(t.store)).toBe(before);
    });

    it('points validation errors in YAML text at their line', async () => {
      const text = demoText.replace('- { user: ben }', '- { user: bob }');
      const err = await refusal(importSiteConfig(t.store, text, NOW));
      const line = demoText.split('\n').findIndex((l) => l.includes('- { user: ben }')) + 1;
      expect(err.errors).toEqual([{ path: 'teams[0].members[1].user', message: 'unknown user "bob"', line }]);
      expect(await isStoreEmpty(t.store)).toBe(true);
    });
  });

  describe('a second import replaces the configuration', () => {
    /** The demo without cara and the acme embassy (and its issue), plus a new user and team. */
    function smallerSite(): Record<string, any> {
      const c = demo();
      c.users = c.users.filter((u: any) => u.login !== 'cara');
      c.teams = c.teams.filter((team: any) => team.id !== 'acme');
      c.teams[0].members = c.teams[0].members.filter((m: any) => m.user !== 'cara');
      c.issues = c.issues.filter((i: any) => i.team !== 'acme');
      c.users.push({ login: 'ivy', displayName: 'Ivy Chen', displayNumber: 3, policy: 'standard', password: 'ivy-secret' });
      c.teams.push({ id: 'field', name: 'Field services', members: [{ user: 'ivy', role: 'lead' }] });
      const ann = c.users.find((u: any) => u.login === 'ann');
      ann.displayName = 'Ann Berg-Olsen';
      delete ann.passwordHash;
      ann.password = 'not-applied';
      return c;
    }

    it('disables users left out (kept for history), removes teams left out, creates and updates the rest', async () => {
      const store = t.store;
      await loadDemo(store);
      const annBefore = await store.db.selectFrom('users').select('password_hash').where('id', '=', 'ann').executeTakeFirstOrThrow();
      await store.db.insertInto('logins').values({ token_hash: 'h', user_id: 'cara', csrf_token: 'c', created_at: NOW, expires_at: NOW + 1 }).execute();

      const summary = await importSiteConfig(store, smallerSite(), NOW + 1);
      expect(summary).toMatchObject({ usersCreated: ['ivy'], usersDisabled: ['cara'], teamsRemoved: ['acme'] });

      const cara = await store.db.selectFrom('users').selectAll().where('id', '=', 'cara').executeTakeFirstOrThrow();
      expect(cara.disabled).toBe(1);
      expect(await store.db.selectFrom('team_members').select('team_id').where('user_id', '=', 'cara').execute()).toEqual([]);
      expect(await store.db.selectFrom('rep_skills').select('skill_id').where('user_id', '=', 'cara').execute()).toEqual([]);
      expect(await store.db.selectFrom('logins').select('user_id').where('user_id', '=', 'cara').execute()).toEqual([]);
      expect(await store.db.selectFrom('queues').select('id').where('id', '=', 'rep:cara').execute()).toHaveLength(1);

      expect(await store.db.selectFrom('teams').select('id').orderBy('id').execute()).toEqual([{ id: 'field' }, { id: 'network' }, { id: 'service-desk' }]);
      expect(await store.db.selectFrom('queues').select('id').where('id', '=', 'team:acme').execute()).toEqual([]);
      expect(await store.db.selectFrom('queues').select('kind').where('id', '=', 'team:field').executeTakeFirst()).toEqual({ kind: 'team' });

      const ann = await store.db.selectFrom('users').selectAll().where('id', '=', 'ann').executeTakeFirstOrThrow();
      expect(ann.display_name).toBe('Ann Berg-Olsen');
      expect(ann.password_hash).toBe(annBefore.password_hash); // a plain password is an initial password only
      const ivy = await store.db.selectFrom('users').select('password_hash').where('id', '=', 'ivy').executeTakeFirstOrThrow();
      expect(await verifyPassword('ivy-secret', ivy.password_hash)).toBe(true);

      // The disabled user stays in the export (so that it round-trips), marked disabled;
      // she shares display number 3 with ivy, which is allowed for disabled users.
      const exported = await exportSiteConfig(store);
      expect(exported).toMatch(/login: cara\n(\s+\w+: .*\n)*?\s+disabled: true/);
      await importSiteConfig(store, exported, NOW + 2);
      expect(await exportSiteConfig(store)).toBe(exported);

      // Importing the demo again enables her again.
      const again = await loadDemo(store);
      expect(again).toMatchObject({ usersCreated: [], usersDisabled: ['ivy'], teamsRemoved: ['field'] });
      expect((await store.db.selectFrom('users').select('disabled').where('id', '=', 'cara').executeTakeFirstOrThrow()).disabled).toBe(0);
    });

    it("keeps a removed team's queue row while sessions still name it, with routing off", async () => {
      await loadDemo(t.store);
      await insertSession(t.store, 's1', 'ended', null, 'team:acme');
      await importSiteConfig(t.store, smallerSite(), NOW + 1);
      const queue = await t.store.db.selectFrom('queues').selectAll().where('id', '=', 'team:acme').executeTakeFirstOrThrow();
      expect(queue).toMatchObject({ algorithm: 'none', waiting_action: 'none', overflow_queue_id: null, persistent: 0 });
    });

    it('refuses to remove a team while sessions wait in its queue', async () => {
      await loadDemo(t.store);
      await insertSession(t.store, 's1', 'waiting', 'team:acme', 'team:acme');
      const before = await exportSiteConfig(t.store);
      const err = await refusal(importSiteConfig(t.store, smallerSite(), NOW + 1));
      expect(err.errors).toEqual([{ path: 'teams', message: expect.stringMatching(/team "acme" is left out of the file, but 1 session\(s\) wait/) }]);
      expect(await exportSiteConfig(t.store)).toBe(before);
    });

    it('refuses to disable a user who is logged in or has live sessions', async () => {
      await loadDemo(t.store);
      await t.store.db
        .insertInto('presence')
        .values({ user_id: 'cara', connections: 1, logged_in: 1, locked: 0, idle: 0, opted_out: 0, last_activity_at: NOW, load_since: NOW, missed_offers: 0 })
        .execute();
      await insertSession(t.store, 's1', 'waiting', 'rep:cara', 'rep:cara');
      const before = await exportSiteConfig(t.store);
      const err = await refusal(importSiteConfig(t.store, smallerSite(), NOW + 1));
      expect(err.errors).toHaveLength(1);
      expect(err.errors[0]?.path).toBe('users');
      expect(err.errors[0]?.message).toMatch(/cannot disable "cara": the user is logged in, has 1 session\(s\) waiting/);
      expect(await exportSiteConfig(t.store)).toBe(before);
    });

    it('removes policies left out of the file unless a disabled user still uses them', async () => {
      const first = demo();
      first.policies.push({ id: 'trainee', name: 'Trainee', maxSessions: 1 });
      await importSiteConfig(t.store, first, NOW);
      const second = demo();
      second.policies = second.policies.filter((p: any) => p.id !== 'vendor');
      second.users = second.users.filter((u: any) => u.policy !== 'vendor');
      second.teams = second.teams.filter((team: any) => team.id !== 'acme');
      second.issues = second.issues.filter((i: any) => i.team !== 'acme');
      const summary = await importSiteConfig(t.store, second, NOW + 1);
      expect(summary.usersDisabled).toEqual(['gus', 'hana']);
      const policies = await t.store.db.selectFrom('policies').select('id').orderBy('id').execute();
      expect(policies.map((p) => p.id)).toEqual(['senior', 'standard', 'vendor']);
    });
  });
});
