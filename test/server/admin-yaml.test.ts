/**
 * SPEC I3 through the admin API, on the demo site (examples/demo-site.yaml): export →
 * import → export gives the same file; an import is all or nothing and names the path (and
 * line) of each error; secrets never leave in clear; an import is audited and live.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_PATH } from '../../src/config/demo-site.js';
import { parseSiteConfigYaml } from '../../src/config/import-config.js';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { AdminClient } from '../support/admin-client.js';

const demoText = readFileSync(DEMO_SITE_PATH, 'utf8');

describe.each(STORE_KINDS)('YAML export and import through the admin API on %s', (kind) => {
  let t: TestLobby;
  let admin: AdminClient;

  beforeAll(async () => {
    t = await startTestLobby(kind, parseSiteConfigYaml(demoText));
    admin = await AdminClient.as(t.url, 'admin', 'demo');
  });
  afterAll(async () => t?.close());

  const exported = async () => {
    const res = await fetch(`${t.url}/api/admin/config/export`, { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    return res.text();
  };
  const importYaml = (yaml: string) => admin.post('/api/admin/config/import', { yaml });

  it('I3: export → import → export gives the same file, and the import changes (and records) nothing', async () => {
    const first = await exported();
    const res = await importYaml(first);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.changes).toEqual([]);
    expect(res.body.summary).toMatchObject({ users: 9, teams: 3, skills: 11, issues: 6, usersCreated: [], usersDisabled: [] });
    expect(await exported()).toBe(first);
    // The annotated demo file itself imports to the same configuration (passwords are initial only).
    expect((await importYaml(demoText)).status).toBe(200);
    expect(await exported()).toBe(first);
    expect((await admin.get('/api/admin/audit')).body.entries).toEqual([]);
  });

  it('X1: secrets never leave in clear: passwords are exported as hashes only', async () => {
    const text = await exported();
    expect(text).not.toMatch(/^\s*password:/m);
    expect(text.match(/passwordHash: scrypt\$/g)?.length).toBe(9);
    expect(JSON.stringify((await admin.get('/api/admin/config')).body)).not.toContain('scrypt$');
  });

  it('an imported change is applied and audited per entity', async () => {
    const first = await exported();
    const edited = first
      .replace(/(- id: acme\n(?:.*\n)*?\s+algorithm: )least_busy/, '$1none')
      .replace('siteName: Example Corp IT Help', 'siteName: Example Corp Support');
    expect(edited).not.toBe(first);
    const res = await importYaml(edited);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.changes.map((c: any) => `${c.entity}:${c.id}`).sort()).toEqual(['site:site', 'team:acme']);
    expect(await exported()).toBe(edited);
    const entries = (await admin.get('/api/admin/audit')).body.entries;
    expect(entries.map((e: any) => e.action)).toEqual(['config.import', 'config.import']);
    expect(new Set(entries.map((e: any) => e.changeId)).size).toBe(1);
    const acme = entries.find((e: any) => e.entityId === 'acme');
    expect([acme.before.algorithm, acme.after.algorithm]).toEqual(['least_busy', 'none']);
    await importYaml(first);
  });

  it('X3: an import with errors is refused whole, each error named by path and line; nothing changes', async () => {
    const before = await exported();
    const broken = before
      .replace('policy: standard', 'policy: gold')
      .replace('overflowQueue: general', 'overflowQueue: nowhere')
      .replace('offerTimeoutSeconds: 45', 'offerTimeoutSeconds: 1')
      .replace('siteName: Example Corp IT Help', 'siteName: Example Corp Support');
    const res = await importYaml(broken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_config');
    const paths = res.body.errors.map((e: any) => e.path);
    expect(paths).toContain('teams[1].offerTimeoutSeconds');
    // Cross references are checked on a well-typed file; fix the type error and the rest show.
    const second = await importYaml(broken.replace('offerTimeoutSeconds: 1', 'offerTimeoutSeconds: 45'));
    expect(second.status).toBe(400);
    const problems = second.body.errors.map((e: any) => `${e.path}: ${e.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^users\[\d\]\.policy: unknown policy "gold"/), expect.stringMatching(/^teams\[2\]\.waiting\.overflowQueue: unknown queue "nowhere"/)]),
    );
    for (const e of second.body.errors) expect(e.line).toBeGreaterThan(0);
    expect(await exported()).toBe(before);
    const syntax = await importYaml('version: 1\nsite: [unclosed\n');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0]).toMatchObject({ path: '' });
    expect(syntax.body.errors[0].line).toBeGreaterThan(0);
    expect(await exported()).toBe(before);
  });

  it('an import that would disable a logged-in rep is refused, and names who', async () => {
    const ann = await RepClient.login(t.url, 'ann', 'demo');
    const socket = await ann.socket();
    try {
      await socket.next((m) => m.type === 'hello');
      const before = await exported();
      const annDisabled = before.replace('  - login: ann\n', '  - login: ann\n    disabled: true\n');
      expect(annDisabled).not.toBe(before);
      const res = await importYaml(annDisabled);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ path: 'users[1].disabled', message: expect.stringMatching(/cannot disable "ann".*logged in/) });
      expect(await exported()).toBe(before);
    } finally {
      await socket.close();
    }
  });

  it('a user added by import with a plain password can log in with it', async () => {
    const config = parseSiteConfigYaml(await exported()) as any;
    config.users.push({ login: 'ivy', displayName: 'Ivy Imported', displayNumber: 30, policy: 'standard', password: 'ivy-password' });
    const { stringify } = await import('yaml');
    const res = await importYaml(stringify(config));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.summary.usersCreated).toEqual(['ivy']);
    await RepClient.login(t.url, 'ivy', 'ivy-password');
  });
});
