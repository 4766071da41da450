/**
 * The admin pages and the team dashboard in a real browser against a real Lobby (the demo
 * site), on each store: create a team with an overflow rule and see the W3 cycle warning;
 * add a rep with skills; create an issue and see it on the portal (C3); a refused YAML
 * import lists its errors with paths; a lead takes over a member's session (T1).
 *
 * Nothing sleeps: every step waits on what the page shows. Screenshots in docs/screenshots/
 * (admin-*.png) are taken from the SQLite run.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_PATH } from '../../src/config/demo-site.js';
import { parseSiteConfigYaml } from '../../src/config/import-config.js';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startIssueSession, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { AdminClient } from '../support/admin-client.js';
import { PHONE, haveChromium, launchBrowser, ADMIN_DESKTOP, newAdminPage, pageShot } from './browser-harness.js';

function newPage(browser: Browser, viewport = ADMIN_DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  return newAdminPage(browser, viewport);
}

const screenshot = pageShot;

async function logIn(page: Page, url: string, login: string, heading: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

describe.skipIf(!haveChromium)('admin pages in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(STORE_KINDS)('on %s', (kind) => {
    let t: TestLobby;
    let api: AdminClient;
    let admin: { context: BrowserContext; page: Page };
    const shots = kind === 'sqlite';

    beforeAll(async () => {
      t = await startTestLobby(kind, parseSiteConfigYaml(readFileSync(DEMO_SITE_PATH, 'utf8')));
      api = await AdminClient.as(t.url, 'admin', 'demo');
      admin = await newPage(browser);
      await logIn(admin.page, `${t.url}/admin/#/users`, 'admin', 'Users');
    });
    afterAll(async () => {
      await admin?.context.close();
      await t?.close();
    });

    it('I3, W3: an admin creates a team with an overflow rule, then closes a cycle and is warned of it', { timeout: 60_000 }, async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'Teams & embassies' }).click();
      await page.getByRole('button', { name: 'New team' }).click();
      const form = page.getByRole('form', { name: 'New team or embassy' });
      await form.getByLabel('Id').fill('tier2');
      await form.getByLabel('Name', { exact: true }).fill('Tier 2');
      await form.getByLabel('Add member').selectOption({ label: 'Dev Patel' });
      await form.getByRole('button', { name: 'Add', exact: true }).click();
      await form.getByLabel('Role of dev').selectOption('lead');
      await form.getByLabel('Routing algorithm').selectOption('least_busy');
      await form.getByLabel('When a session waits too long').selectOption('transfer');
      await form.getByLabel('After (seconds)').fill('120');
      await form.getByLabel('Overflow queue').selectOption({ label: 'Service Desk' });
      await form.getByRole('button', { name: 'Create team' }).click();
      await page.getByText('Team created.').waitFor();
      await page.getByRole('list', { name: 'Teams' }).getByText('Tier 2').waitFor();

      await page.getByRole('button', { name: 'Edit Service Desk' }).click();
      const desk = page.getByRole('form', { name: 'Edit Service Desk' });
      await desk.getByLabel('Overflow queue').selectOption({ label: 'Tier 2' });
      await desk.getByRole('button', { name: 'Save team' }).click();
      const warning = desk.getByRole('status').filter({ hasText: 'overflow cycle' });
      await warning.waitFor();
      expect(await warning.textContent()).toMatch(/service-desk → tier2 → service-desk|tier2 → service-desk → tier2/);
      await screenshot(page, 'admin-teams.png', shots);

      const queues = await t.lobby.store.db.selectFrom('queues').select(['id', 'algorithm', 'waiting_action', 'overflow_queue_id']).where('id', 'in', ['team:tier2', 'team:service-desk']).orderBy('id').execute();
      expect(queues).toEqual([
        { id: 'team:service-desk', algorithm: 'skills_least_busy', waiting_action: 'transfer', overflow_queue_id: 'team:tier2' },
        { id: 'team:tier2', algorithm: 'least_busy', waiting_action: 'transfer', overflow_queue_id: 'team:service-desk' },
      ]);
      const members = (await api.get('/api/admin/teams')).body.teams.find((x: any) => x.id === 'tier2').members;
      expect(members).toEqual([{ user: 'dev', role: 'lead' }]);
    });

    it('I3, E8: an admin adds a rep with a team and skills; a refused field is shown next to it', { timeout: 60_000 }, async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('button', { name: 'New user' }).click();
      const form = page.getByRole('form', { name: 'New user' });
      await form.getByLabel('Login').fill('zoe');
      await form.getByLabel('Initial password').fill('zoe-password-1');
      await form.getByLabel('Display name').fill('Zoe Zhang');
      await form.getByLabel('Display number').fill('1');
      await form.getByLabel('Policy').selectOption({ label: 'Senior technician' });
      await form.getByLabel('Network & Infrastructure').selectOption('member');
      await form.getByLabel('VPN', { exact: true }).selectOption('preferred');
      await form.getByLabel('Wi-Fi', { exact: true }).selectOption('ignored');
      await form.getByRole('button', { name: 'Create user' }).click();
      // Display number 1 is Ann's: the server names the field, the page shows it there.
      const number = form.getByLabel('Display number');
      await form.locator('[id$="-number-error"]').waitFor();
      expect(await number.getAttribute('aria-invalid')).toBe('true');
      expect(await form.locator('[id$="-number-error"]').textContent()).toContain('already used');
      await number.fill('31');
      await form.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('form', { name: 'Edit Zoe Zhang' }).getByText('Created zoe.').waitFor();
      await page.getByRole('list', { name: 'Users' }).getByText('Zoe Zhang').waitFor();
      await screenshot(page, 'admin-users.png', shots);

      const zoe = await RepClient.login(t.url, 'zoe', 'zoe-password-1');
      expect((await zoe.get('/api/rep/queues')).body.queues.map((q: any) => q.id)).toContain('team:network');
      const skills = await t.lobby.store.db.selectFrom('rep_skills').select(['skill_id', 'level']).where('user_id', '=', 'zoe').orderBy('skill_id').execute();
      expect(skills).toEqual([{ skill_id: 'vpn', level: 'preferred' }, { skill_id: 'wifi', level: 'ignored' }]);
    });

    it('C3: an issue the admin creates is offered on the portal at once', { timeout: 60_000 }, async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'Issues' }).click();
      await page.getByRole('button', { name: 'New issue' }).click();
      const form = page.getByRole('form', { name: 'New issue' });
      await form.getByLabel('Code name').fill('tablet');
      await form.getByLabel('Title').fill('Tablet will not charge');
      await form.getByLabel('Description').fill('The tablet stays at 0% when plugged in.');
      await form.getByLabel('Owning team').selectOption({ label: 'Service Desk' });
      await form.getByLabel('Add a required skill').selectOption({ label: '· Windows' });
      await form.getByRole('button', { name: 'Add', exact: true }).click();
      await form.getByLabel('Priority').fill('2');
      await form.getByRole('button', { name: 'Create issue' }).click();
      await page.getByText('Issue created.').waitFor();
      await screenshot(page, 'admin-issues.png', shots);

      expect((await request(`${t.url}/api/portal/issues`)).body.issues.map((i: any) => i.title)).toContain('Tablet will not charge');
      const customer = await newPage(browser, PHONE);
      try {
        await customer.page.goto(`${t.url}/portal/`);
        // The portal's issue list (its wording is the portal's own: look for the option only).
        await customer.page.locator('select option', { hasText: 'Tablet will not charge' }).waitFor({ state: 'attached' });
        await screenshot(customer.page, 'admin-issue-on-portal.png', shots);
      } finally {
        await customer.context.close();
      }
    });

    it('I3: a YAML import with errors is refused whole and lists each error with its path and line', { timeout: 60_000 }, async () => {
      const { page } = admin;
      const before = await (await fetch(`${t.url}/api/admin/config/export`, { headers: { cookie: api.cookie } })).text();
      await page.getByRole('link', { name: 'YAML file' }).click();
      const broken = before.replace('policy: standard', 'policy: gold').replace('overflowQueue: general', 'overflowQueue: nowhere');
      await page.getByLabel('Or paste it here').fill(broken);
      await page.getByRole('button', { name: 'Import' }).click();
      const problems = page.getByRole('list', { name: 'Problems in the file' });
      await problems.waitFor();
      const text = (await problems.textContent()) ?? '';
      expect(text).toMatch(/users\[\d+\]\.policy \(line \d+\): unknown policy "gold"/);
      expect(await (await fetch(`${t.url}/api/admin/config/export`, { headers: { cookie: api.cookie } })).text()).toBe(before);
      await screenshot(page, 'admin-yaml-import.png', shots);

      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('list', { name: 'Changes' }).getByText('issue.create').waitFor();
      await screenshot(page, 'admin-audit.png', shots);
      await page.getByRole('link', { name: 'Site settings' }).click();
      await page.getByRole('heading', { name: 'General queue' }).waitFor();
      await screenshot(page, 'admin-site.png', shots);
      await page.getByRole('link', { name: 'Skills' }).click();
      await page.getByRole('list', { name: 'Skills tree' }).getByText('Networking').waitFor();
      await screenshot(page, 'admin-skills.png', shots);
    });

    it('A6, T1: a lead sees a member’s session on the team dashboard and takes it over', { timeout: 60_000 }, async () => {
      const ben = await RepClient.login(t.url, 'ben', 'demo');
      const { sessionId } = await startIssueSession(t.url, 'printer', 'Petra Printer');
      expect((await ben.post(`/api/rep/sessions/${sessionId}/accept`)).status).toBe(200);
      const lead = await newPage(browser, PHONE);
      try {
        await logIn(lead.page, `${t.url}/team/`, 'ann', 'Team dashboard');
        await lead.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
        const bens = lead.page.getByRole('list', { name: 'Sessions of Ben Okafor' });
        await bens.getByText('Petra Printer').waitFor();
        await screenshot(lead.page, 'admin-team-dashboard.png', shots);
        await bens.getByRole('button', { name: 'Take over' }).click();
        await lead.page.getByRole('list', { name: 'Sessions of Ann Berg' }).getByText('Petra Printer').waitFor();
        const session = await t.lobby.store.db.selectFrom('sessions').select(['owner_id', 'state']).where('id', '=', sessionId).executeTakeFirstOrThrow();
        expect(session).toEqual({ owner_id: 'ann', state: 'active' });
      } finally {
        await lead.context.close();
      }
    });
  });
});
