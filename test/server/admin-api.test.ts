/**
 * The admin API (SPEC I3, sections 5–7 and 9; docs/admin.md) over real HTTP on each store:
 * every entity can be created, changed and removed; bad input is refused with a 4xx that
 * names the field, and then nothing changed; every change is audited (who, what, before,
 * after, when) and no password hash ever reaches the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { ADMIN_SITE, AdminClient } from '../support/admin-client.js';

describe.each(STORE_KINDS)('admin API on %s', (kind) => {
  let t: TestLobby;
  let admin: AdminClient;

  beforeAll(async () => {
    t = await startTestLobby(kind, ADMIN_SITE);
    admin = await AdminClient.as(t.url, 'root');
  });
  afterAll(async () => t?.close());

  const exported = async () => (await fetch(`${t.url}/api/admin/config/export`, { headers: { cookie: admin.cookie } })).text();
  const auditCount = async () => (await admin.get('/api/admin/audit?limit=500')).body.entries.length;

  /** X3: a refused change leaves the configuration and the audit log as they were. */
  async function refusedWithoutChange(attempt: () => Promise<{ status: number; body: any }>, status: number, field?: string) {
    const [before, audits] = await Promise.all([exported(), auditCount()]);
    const res = await attempt();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (field !== undefined) expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).not.toBe('');
    expect(await exported()).toBe(before);
    expect(await auditCount()).toBe(audits);
    return res.body;
  }

  describe('users', () => {
    it('I3: an admin creates a rep with teams, role and skills; the rep can log in with the new password', async () => {
      await admin.post('/api/admin/skills', { id: 'printing', name: 'Printing' });
      const res = await admin.post('/api/admin/users', {
        login: 'erin',
        password: 'erin-secret-1',
        displayName: 'Erin Ek',
        displayNumber: 11,
        policy: 'standard',
        teams: [{ team: 'helpdesk', role: 'lead' }],
        skills: { preferred: ['printing'] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.user).toMatchObject({ login: 'erin', teams: [{ team: 'helpdesk', role: 'lead' }], skills: { preferred: ['printing'], ignored: [] }, state: 'offline' });
      expect(res.body.changes.map((c: any) => `${c.entity}:${c.id}`).sort()).toEqual(['team:helpdesk', 'user:erin']);
      const erin = await RepClient.login(t.url, 'erin', 'erin-secret-1');
      expect((await erin.get('/api/rep/queues')).body.queues.map((q: any) => q.id)).toContain('team:helpdesk');
      const [entry] = (await admin.get('/api/admin/audit?entity=user&entityId=erin')).body.entries;
      expect(entry).toMatchObject({ action: 'user.create', actor: { login: 'root' }, before: null, after: { login: 'erin', displayNumber: 11 } });
      expect(entry.at).toBe(t.clock.now());
    });

    it('X3: bad users are refused naming the field, and nothing changes', async () => {
      const base = { login: 'fay', password: 'long-enough', displayName: 'Fay', displayNumber: 12, policy: 'standard' };
      await refusedWithoutChange(() => admin.post('/api/admin/users', { ...base, displayNumber: 1 }), 400, 'displayNumber');
      await refusedWithoutChange(() => admin.post('/api/admin/users', { ...base, policy: 'nope' }), 400, 'policy');
      await refusedWithoutChange(() => admin.post('/api/admin/users', { ...base, password: 'short' }), 400, 'password');
      await refusedWithoutChange(() => admin.post('/api/admin/users', { ...base, login: 'Fay!' }), 400, 'login');
      await refusedWithoutChange(() => admin.post('/api/admin/users', { ...base, teams: [{ team: 'nope' }] }), 400, 'teams[0].team');
      await refusedWithoutChange(() => admin.post('/api/admin/users', { ...base, skills: { preferred: ['ghost'] } }), 400, 'skills.preferred[0]');
      await refusedWithoutChange(() => admin.post('/api/admin/users', { ...base, login: 'ann' }), 409, 'login');
      await refusedWithoutChange(() => admin.patch('/api/admin/users/ann', { displayNumber: 2 }), 400, 'displayNumber');
      await refusedWithoutChange(() => admin.patch('/api/admin/users/nobody', { displayName: 'X' }), 404);
    });

    it('an admin changes a rep’s display number, policy, listing, role and skill levels (E8)', async () => {
      await admin.post('/api/admin/skills', { id: 'network', name: 'Network' });
      await admin.post('/api/admin/skills', { id: 'wifi', name: 'Wi-Fi', parent: 'network' });
      const res = await admin.patch('/api/admin/users/dan', {
        displayNumber: 40,
        policy: 'standard',
        showOnRepList: false,
        teams: [{ team: 'helpdesk', role: 'manager' }],
        skills: { preferred: ['network'], ignored: ['wifi'] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user).toMatchObject({ displayNumber: 40, policy: 'standard', showOnRepList: false, teams: [{ team: 'helpdesk', role: 'manager' }] });
      const stored = await t.lobby.store.db.selectFrom('rep_skills').select(['skill_id', 'level']).where('user_id', '=', 'dan').orderBy('skill_id').execute();
      expect(stored).toEqual([{ skill_id: 'network', level: 'preferred' }, { skill_id: 'wifi', level: 'ignored' }]);
      await refusedWithoutChange(() => admin.patch('/api/admin/users/dan', { skills: { preferred: ['wifi'], ignored: ['wifi'] } }), 400, 'skills.ignored[0]');
      // Leaving every team.
      expect((await admin.patch('/api/admin/users/dan', { teams: [] })).body.user.teams).toEqual([]);
    });

    it('X1: a password reset signs the user out; the audit log says it changed but holds no hash', async () => {
      const erin = await RepClient.login(t.url, 'erin', 'erin-secret-1');
      const res = await admin.post('/api/admin/users/erin/password', { password: 'erin-secret-2' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await erin.get('/api/rep/queues')).status).toBe(401);
      await expect(RepClient.login(t.url, 'erin', 'erin-secret-1')).rejects.toThrow(/401/);
      await RepClient.login(t.url, 'erin', 'erin-secret-2');
      const [entry] = (await admin.get('/api/admin/audit?entity=user&entityId=erin')).body.entries;
      expect(entry).toMatchObject({ action: 'user.password', after: { passwordChanged: true } });
      const everything = JSON.stringify((await admin.get('/api/admin/audit?limit=500')).body);
      expect(everything).not.toMatch(/scrypt\$/);
      expect(everything).not.toContain('passwordHash');
      expect(JSON.stringify((await admin.get('/api/admin/config')).body)).not.toMatch(/scrypt\$/);
    });

    it('an admin cannot disable themselves or drop their own admin flag', async () => {
      await refusedWithoutChange(() => admin.patch('/api/admin/users/root', { disabled: true }), 409, 'disabled');
      await refusedWithoutChange(() => admin.patch('/api/admin/users/root', { admin: false }), 409, 'admin');
    });

    it('a disabled user cannot log in, keeps their login, and can be enabled again', async () => {
      expect((await admin.patch('/api/admin/users/erin', { disabled: true })).body.user.disabled).toBe(true);
      await expect(RepClient.login(t.url, 'erin', 'erin-secret-2')).rejects.toThrow(/401/);
      await refusedWithoutChange(() => admin.post('/api/admin/users', { login: 'erin', password: 'whatever-1', displayName: 'E', displayNumber: 77, policy: 'standard' }), 409, 'login');
      expect((await admin.patch('/api/admin/users/erin', { disabled: false })).body.user.disabled).toBe(false);
      await RepClient.login(t.url, 'erin', 'erin-secret-2');
      const actions = (await admin.get('/api/admin/audit?entity=user&entityId=erin')).body.entries.map((e: any) => e.action);
      expect(actions.slice(0, 2)).toEqual(['user.enable', 'user.disable']);
    });
  });

  describe('policies', () => {
    it('section 7: every availability setting and permission can be set; unset ones take defaults', async () => {
      const res = await admin.post('/api/admin/policies', { id: 'night', name: 'Night shift', maxSessions: 2, idleMinutes: 0, canOptOut: false });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.policy).toMatchObject({ id: 'night', maxSessions: 2, idleMinutes: 0, canOptOut: false, autoAssignOnLogin: true, unavailableWhenLocked: true });
      const patched = await admin.patch('/api/admin/policies/night', { unavailableWhenLocked: false, canTransferToGeneral: false, missedOffersBeforeOptOut: 0 });
      expect(patched.body.policy).toMatchObject({ maxSessions: 2, unavailableWhenLocked: false, canTransferToGeneral: false, missedOffersBeforeOptOut: 0 });
      const [entry] = (await admin.get('/api/admin/audit?entity=policy&entityId=night')).body.entries;
      expect(entry.before.unavailableWhenLocked).toBe(true);
      expect(entry.after.unavailableWhenLocked).toBe(false);
    });

    it('X3: out-of-range settings and deleting a policy in use are refused', async () => {
      await refusedWithoutChange(() => admin.patch('/api/admin/policies/night', { maxSessions: 101 }), 400, 'maxSessions');
      await refusedWithoutChange(() => admin.patch('/api/admin/policies/night', { idleMinutes: -1 }), 400, 'idleMinutes');
      await refusedWithoutChange(() => admin.post('/api/admin/policies', { id: 'night' }), 409, 'id');
      const body = await refusedWithoutChange(() => admin.delete('/api/admin/policies/standard'), 409);
      expect(body.error.message).toContain('ann');
      expect((await admin.delete('/api/admin/policies/night')).status).toBe(200);
      expect((await admin.get('/api/admin/policies')).body.policies.map((p: any) => p.id)).not.toContain('night');
    });
  });

  describe('teams and embassies', () => {
    it('sections 5–6: a team is created with routing, offer timeout, persistence and an overflow rule', async () => {
      const res = await admin.post('/api/admin/teams', {
        id: 'tier2',
        name: 'Tier 2',
        members: [{ user: 'bob', role: 'manager' }, { user: 'dan' }],
        algorithm: 'least_busy',
        offerTimeoutSeconds: 45,
        persistent: true,
        waiting: { action: 'transfer', afterSeconds: 120, overflowQueue: 'general' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.team).toMatchObject({ kind: 'team', persistent: true, offerTimeoutSeconds: 45, waiting: { overflowQueue: 'general' } });
      expect(res.body.overflowCycle).toEqual([]);
      const queue = await t.lobby.store.db.selectFrom('queues').selectAll().where('id', '=', 'team:tier2').executeTakeFirstOrThrow();
      expect(queue).toMatchObject({ kind: 'team', algorithm: 'least_busy', offer_timeout_seconds: 45, persistent: 1, waiting_action: 'transfer', overflow_queue_id: 'general' });
    });

    it('W3: saving rules that overflow into each other is accepted with a warning naming the cycle', async () => {
      const res = await admin.patch('/api/admin/general-queue', { waiting: { action: 'transfer', afterSeconds: 60, overflowQueue: 'tier2' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.overflowCycle).toEqual(['general', 'tier2']);
      expect(res.body.warnings.map((w: any) => w.message).join()).toMatch(/overflow cycle .*general.*tier2/);
      expect((await admin.patch('/api/admin/general-queue', { waiting: { action: 'none', overflowQueue: null } })).body.queue.waiting).toEqual({
        action: 'none',
        afterSeconds: 60,
        overflowQueue: null,
      });
    });

    it('X3: bad routing and waiting settings are refused naming the field', async () => {
      await refusedWithoutChange(() => admin.patch('/api/admin/teams/tier2', { offerTimeoutSeconds: 4 }), 400, 'offerTimeoutSeconds');
      await refusedWithoutChange(() => admin.patch('/api/admin/teams/tier2', { algorithm: 'random' }), 400, 'algorithm');
      await refusedWithoutChange(() => admin.patch('/api/admin/teams/tier2', { waiting: { afterSeconds: 5 } }), 400, 'waiting.afterSeconds');
      await refusedWithoutChange(() => admin.patch('/api/admin/teams/tier2', { waiting: { overflowQueue: 'tier2' } }), 400, 'waiting.overflowQueue');
      await refusedWithoutChange(() => admin.patch('/api/admin/teams/tier2', { waiting: { overflowQueue: 'nowhere' } }), 400, 'waiting.overflowQueue');
      await refusedWithoutChange(() => admin.patch('/api/admin/teams/helpdesk', { waiting: { action: 'transfer' } }), 400, 'waiting.overflowQueue');
      await refusedWithoutChange(() => admin.patch('/api/admin/teams/tier2', { members: [{ user: 'ghost' }] }), 400, 'members[0].user');
      await refusedWithoutChange(() => admin.post('/api/admin/teams', { id: 'general', name: 'General' }), 400, 'id');
      await refusedWithoutChange(() => admin.post('/api/admin/teams', { id: 'helpdesk', name: 'Again' }), 409, 'id');
    });

    it('an embassy is a team of kind embassy; a team that issues use cannot be deleted, an unused one can', async () => {
      const res = await admin.post('/api/admin/teams', { id: 'acme', name: 'Acme', kind: 'embassy', members: [{ user: 'cara', role: 'lead' }] });
      expect(res.body.team.kind).toBe('embassy');
      const queue = await t.lobby.store.db.selectFrom('queues').select('kind').where('id', '=', 'team:acme').executeTakeFirstOrThrow();
      expect(queue.kind).toBe('embassy');
      const body = await refusedWithoutChange(() => admin.delete('/api/admin/teams/helpdesk'), 409);
      expect(body.error.message).toContain('issue "printer"');
      expect((await admin.delete('/api/admin/teams/acme')).status).toBe(200);
      expect((await admin.get('/api/admin/teams')).body.teams.map((x: any) => x.id)).not.toContain('acme');
      const [entry] = (await admin.get('/api/admin/audit?entity=team&entityId=acme')).body.entries;
      expect(entry).toMatchObject({ action: 'team.delete', after: null, before: { kind: 'embassy' } });
    });
  });

  describe('skills tree', () => {
    it('E8: skills are added, renamed, moved and root skills ranked', async () => {
      await admin.post('/api/admin/skills', { id: 'apps', name: 'Apps', rank: 1 });
      let skills = (await admin.get('/api/admin/skills')).body.skills;
      expect(skills.filter((s: any) => s.parent === null).map((s: any) => `${s.id}:${s.rank}`)).toEqual(['apps:1', 'printing:2', 'network:3']);
      expect((await admin.patch('/api/admin/skills/printing', { rank: 1, name: 'Printers' })).body.skill).toMatchObject({ name: 'Printers', rank: 1 });
      expect((await admin.patch('/api/admin/skills/wifi', { parent: 'apps' })).body.skill).toMatchObject({ parent: 'apps', rank: null });
      expect((await admin.patch('/api/admin/skills/wifi', { parent: null })).body.skill).toMatchObject({ parent: null, rank: 4 });
      skills = (await admin.get('/api/admin/skills')).body.skills;
      expect(skills.filter((s: any) => s.parent === null).map((s: any) => s.id)).toEqual(['printing', 'apps', 'network', 'wifi']);
      const ranks = await t.lobby.store.db.selectFrom('skills').select(['id', 'root_rank']).where('parent_id', 'is', null).orderBy('root_rank').execute();
      expect(ranks.map((r) => r.id)).toEqual(['printing', 'apps', 'network', 'wifi']);
    });

    it('X3: a cycle, an unknown parent, ranking a child or deleting a used skill is refused', async () => {
      await admin.post('/api/admin/skills', { id: 'mail', name: 'Mail', parent: 'apps' });
      await refusedWithoutChange(() => admin.patch('/api/admin/skills/apps', { parent: 'mail' }), 400, 'parent');
      await refusedWithoutChange(() => admin.patch('/api/admin/skills/mail', { parent: 'ghost' }), 400, 'parent');
      await refusedWithoutChange(() => admin.patch('/api/admin/skills/mail', { rank: 1 }), 400, 'rank');
      await refusedWithoutChange(() => admin.delete('/api/admin/skills/apps'), 409);
      await admin.post('/api/admin/issues', { code: 'mailbox', title: 'Mailbox full', team: 'helpdesk', skills: ['mail'] });
      await refusedWithoutChange(() => admin.delete('/api/admin/skills/mail'), 409);
    });

    it('deleting a skill takes it from every rep who held it', async () => {
      await admin.patch('/api/admin/users/ann', { skills: { preferred: ['wifi'] } });
      expect((await admin.delete('/api/admin/skills/wifi')).status).toBe(200);
      expect((await admin.get('/api/admin/users/ann')).body.user.skills.preferred).toEqual([]);
    });
  });

  describe('issues', () => {
    it('C3: an issue created by an admin is on the portal at once; hidden ones are not', async () => {
      const res = await admin.post('/api/admin/issues', { code: 'vpn', title: 'VPN trouble', description: 'Cannot connect', team: 'tier2', skills: ['network'], priority: 3 });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.issue).toEqual({ code: 'vpn', title: 'VPN trouble', description: 'Cannot connect', team: 'tier2', skills: ['network'], priority: 3, showOnPortal: true });
      const portal = await request(`${t.url}/api/portal/issues`);
      expect(portal.body.issues.map((i: any) => i.code)).toContain('vpn');
      await admin.patch('/api/admin/issues/vpn', { showOnPortal: false });
      expect((await request(`${t.url}/api/portal/issues`)).body.issues.map((i: any) => i.code)).not.toContain('vpn');
      expect((await admin.delete('/api/admin/issues/vpn')).status).toBe(200);
    });

    it('X3: bad issues are refused naming the field', async () => {
      const base = { code: 'x1', title: 'X' };
      await refusedWithoutChange(() => admin.post('/api/admin/issues', { ...base, team: 'ghost' }), 400, 'team');
      await refusedWithoutChange(() => admin.post('/api/admin/issues', { ...base, team: 'helpdesk', skills: ['ghost'] }), 400, 'skills[0]');
      await refusedWithoutChange(() => admin.post('/api/admin/issues', { ...base, team: 'helpdesk', priority: 101 }), 400, 'priority');
      await refusedWithoutChange(() => admin.post('/api/admin/issues', { ...base, team: 'helpdesk', title: '' }), 400, 'title');
      await refusedWithoutChange(() => admin.post('/api/admin/issues', { ...base, code: 'printer', team: 'helpdesk' }), 409, 'code');
    });
  });

  describe('site settings', () => {
    it('sections 4, 6, 9, A1: general queue, fallback queue and rules, grace periods and maximum overflow moves', async () => {
      const res = await admin.patch('/api/admin/site', {
        generalQueueEnabled: false,
        fallbackQueue: 'tier2',
        fallbackRulesEnabled: false,
        repGraceSeconds: 30,
        customerGraceSeconds: 90,
        maxOverflowMoves: 3,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.site).toMatchObject({ generalQueueEnabled: false, fallbackQueue: 'tier2', fallbackRulesEnabled: false, repGraceSeconds: 30, maxOverflowMoves: 3 });
      const row = await t.lobby.store.db.selectFrom('site_settings').select('value').where('key', '=', 'site').executeTakeFirstOrThrow();
      expect(JSON.parse(row.value)).toMatchObject({ generalQueueEnabled: false, fallbackQueueId: 'team:tier2', repGraceSeconds: 30 });
      // Q3: no rep sees the switched-off general queue any more.
      const ann = await RepClient.login(t.url, 'ann');
      expect((await ann.get('/api/rep/queues')).body.queues.map((q: any) => q.id)).not.toContain('general');
      await admin.patch('/api/admin/site', { generalQueueEnabled: true, fallbackQueue: null, fallbackRulesEnabled: true });
    });

    it('X3: bad site settings are refused naming the field', async () => {
      await refusedWithoutChange(() => admin.patch('/api/admin/site', { maxOverflowMoves: 0 }), 400, 'maxOverflowMoves');
      await refusedWithoutChange(() => admin.patch('/api/admin/site', { repGraceSeconds: 3601 }), 400, 'repGraceSeconds');
      await refusedWithoutChange(() => admin.patch('/api/admin/site', { fallbackQueue: 'ghost' }), 400, 'fallbackQueue');
      await refusedWithoutChange(() => admin.patch('/api/admin/site', { allowedOrigins: ['not an origin'] }), 400, 'allowedOrigins.0');
    });

    it('a change that changes nothing is not recorded', async () => {
      const audits = await auditCount();
      const res = await admin.patch('/api/admin/site', { repGraceSeconds: 30 });
      expect(res.body.changeId).toBeNull();
      expect(await auditCount()).toBe(audits);
    });
  });

  it('the audit log lists changes newest first, pages and filters', async () => {
    const all = (await admin.get('/api/admin/audit?limit=500')).body.entries;
    expect(all.length).toBeGreaterThan(20);
    expect(all.map((e: any) => e.seq)).toEqual([...all.map((e: any) => e.seq)].sort((a, b) => b - a));
    const page1 = (await admin.get('/api/admin/audit?limit=3')).body.entries;
    const page2 = (await admin.get(`/api/admin/audit?limit=3&beforeSeq=${page1[2].seq}`)).body.entries;
    expect([...page1, ...page2]).toEqual(all.slice(0, 6));
    const sites = (await admin.get('/api/admin/audit?entity=site')).body.entries;
    expect(sites.every((e: any) => e.entity === 'site' && e.action === 'site.update')).toBe(true);
    expect((await admin.get('/api/admin/audit?limit=0')).status).toBe(400);
  });
});
