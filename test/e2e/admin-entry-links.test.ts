/**
 * The admin pages for support buttons and click-to-chat links (SPEC I3, C4, C5), browser
 * sharing's site settings, and switching the general queue off (Q3, C7), in a real browser
 * against a real Lobby (the demo site) on each store:
 *
 * - make a click-to-chat link, copy its snippet (from the clipboard), open its chat page
 *   and start a chat that lands in the link's queue; aim it elsewhere;
 * - make a support button, copy its address, revoke it;
 * - set browser-sharing settings (a selector the browser cannot read is refused on the page);
 * - switch the general queue off while a customer waits there: the page warns, names the
 *   fallback queue, and the session moves.
 *
 * Nothing sleeps: every step waits on what the page shows. Screenshots (SQLite run):
 * docs/screenshots/admin-entry-links.png, admin-support-button.png, admin-site-cobrowse.png,
 * admin-general-queue-off.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_PATH } from '../../src/config/demo-site.js';
import { parseSiteConfigYaml } from '../../src/config/import-config.js';
import { STORE_KINDS } from '../support/test-stores.js';
import { request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { AdminClient } from '../support/admin-client.js';
import { PHONE, SCREENSHOTS, haveChromium, launchBrowser, ADMIN_DESKTOP, newAdminPage, pageShot } from './browser-harness.js';

function newPage(browser: Browser, viewport = ADMIN_DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  return newAdminPage(browser, viewport, 'en-GB');
}

const screenshot = pageShot;

describe.skipIf(!haveChromium)('admin pages for buttons, chat links and site settings in the browser', () => {
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
    let chatLinkId: string;
    const shots = kind === 'sqlite';

    beforeAll(async () => {
      t = await startTestLobby(kind, parseSiteConfigYaml(readFileSync(DEMO_SITE_PATH, 'utf8')));
      api = await AdminClient.as(t.url, 'admin', 'demo');
      admin = await newPage(browser);
      await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
      const { page } = admin;
      await page.goto(`${t.url}/admin/#/chat-links`);
      await page.getByLabel('Login').fill('admin');
      await page.getByLabel('Password').fill('demo');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Click-to-chat links', level: 1 }).waitFor();
    });
    afterAll(async () => {
      await admin?.context.close();
      await t?.close();
    });

    it('C5, I3: an admin makes a click-to-chat link, copies its snippet, and its chat page starts a chat in the link’s queue', { timeout: 60_000 }, async () => {
      const { page } = admin;
      await page.getByRole('button', { name: 'New chat link' }).click();
      const form = page.getByRole('form', { name: 'New chat link' });
      await form.getByLabel('Name').fill('Intranet chat');
      await form.getByLabel('Sessions start in').selectOption('team');
      await form.getByLabel('Team').selectOption({ label: 'Service Desk' });
      await form.getByRole('button', { name: 'Make chat link' }).click();
      await page.getByText('Chat link made. Copy its snippet or address below.').waitFor();

      const [made] = (await api.get('/api/chat-links')).body.links;
      chatLinkId = made.id;
      expect(made).toMatchObject({ name: 'Intranet chat', status: 'active', target: { kind: 'team', id: 'service-desk' }, expiresAt: null });
      const token = new URL(made.url).searchParams.get('link');
      const snippet = page.getByRole('textbox', { name: 'Snippet for your web site' });
      expect(await snippet.inputValue()).toBe(`<script src="${t.url}/widget/lobby-chat.js" data-lobby-link="${token}" async></script>`);
      await page.getByRole('button', { name: 'Copy snippet for your web site' }).click();
      await page.getByText('Copied.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(made.snippet);
      await page.getByRole('list', { name: 'Click-to-chat links' }).getByText('Service Desk (team)').waitFor();
      await screenshot(page, 'admin-entry-links.png', shots);

      // The chat page's address, as shown, opens the chat with the link's team.
      const address = await page.getByRole('textbox', { name: 'Chat page address' }).inputValue();
      expect(address).toBe(made.url);
      const customer = await newPage(browser, PHONE);
      try {
        await customer.page.goto(address);
        await customer.page.getByRole('heading', { name: 'Chat with support', level: 1 }).waitFor();
        await customer.page.getByText('Chat with Service Desk.').waitFor();
        await customer.page.getByLabel('Your name').fill('Ingrid Intranet');
        await customer.page.getByRole('button', { name: 'Start chat' }).click();
        await customer.page.getByRole('heading', { name: "You're in line" }).waitFor();
      } finally {
        await customer.context.close();
      }
      const session = await t.lobby.store.db.selectFrom('sessions').selectAll().where('customer_name', '=', 'Ingrid Intranet').executeTakeFirstOrThrow();
      expect(session).toMatchObject({ queue_id: 'team:service-desk', origin: 'chat', client_type: 'chat' });

      // Aimed at the general queue: the same address leads there from now on.
      const edit = page.getByRole('form', { name: 'Change Intranet chat' });
      await edit.getByLabel('Sessions start in').selectOption('general');
      await edit.getByRole('button', { name: 'Save chat link' }).click();
      await edit.getByText('Saved. The address stays the same and leads where it says now.').waitFor();
      expect((await api.get('/api/chat-links')).body.links[0]).toMatchObject({ id: chatLinkId, url: made.url, target: { kind: 'general' } });
      const [entry] = (await api.get(`/api/admin/audit?entity=chat-link&entityId=${chatLinkId}`)).body.entries;
      expect(entry).toMatchObject({ action: 'chat-link.update', actor: { login: 'admin' }, before: { target: 'team:service-desk' }, after: { target: 'general' } });
    });

    it('C4, I3: an admin makes a support button for a rep, copies its address, and revokes it', { timeout: 60_000 }, async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'Support buttons' }).click();
      await page.getByRole('heading', { name: 'Support buttons', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'New button' }).click();
      const form = page.getByRole('form', { name: 'New button' });
      await form.getByLabel('Name').fill('Ann’s printer line');
      await form.getByLabel('Sessions start in').selectOption('rep');
      await form.getByLabel('Rep', { exact: true }).selectOption({ label: 'Ann Berg (ann)' });
      await form.getByLabel('With an issue').selectOption({ label: 'Printer problems' });
      // A lifetime of 0 minutes is refused on the page, next to the field.
      await form.getByLabel('Works for').selectOption('custom');
      await form.getByLabel('Minutes from now').fill('0');
      await form.getByRole('button', { name: 'Make button' }).click();
      await form.getByText('Give a whole number of minutes from 1 to 525600.').waitFor();
      await form.getByLabel('Minutes from now').fill('120');
      await form.getByRole('button', { name: 'Make button' }).click();
      await page.getByText('Button made. Copy its address below.').waitFor();

      const [button] = (await api.get('/api/support-buttons')).body.buttons;
      expect(button).toMatchObject({ name: 'Ann’s printer line', target: { kind: 'rep', id: 'ann' }, issue: { code: 'printer' }, expiresAt: t.clock.now() + 120 * 60_000 });
      expect(await page.getByRole('textbox', { name: 'Button address' }).inputValue()).toBe(button.url);
      await page.getByRole('button', { name: 'Copy button address' }).click();
      await page.getByText('Copied.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(button.url);
      expect(await page.getByRole('textbox', { name: 'HTML link' }).inputValue()).toBe(`<a href="${button.url}" target="_blank" rel="noopener">Ann’s printer line</a>`);
      await screenshot(page, 'admin-support-button.png', shots);

      await page.getByRole('button', { name: 'Revoke…' }).click();
      await page.getByText('Revoking is final').waitFor();
      await page.getByRole('button', { name: 'Revoke for good' }).click();
      await page.getByText('Revoked: following it now shows “This link has expired”.').waitFor();
      const token = button.url.split('/b/')[1];
      expect((await request(`${t.url}/api/portal/buttons/${token}`)).status).toBe(410);
    });

    it('docs/cobrowse.md: an admin sets browser sharing on the site page; a selector the browser cannot read is refused there', { timeout: 60_000 }, async () => {
      const { page } = admin;
      await page.getByRole('link', { name: 'Site settings' }).click();
      const form = page.getByRole('form', { name: 'Site settings' });
      await form.getByRole('group', { name: 'Browser sharing in click-to-chat' }).waitFor();
      await form.getByLabel('Reps may ask to see the customer’s web page (the customer must agree each time)').uncheck();
      await form.getByLabel('Limit per session (MB)').fill('20');
      await form.getByLabel('Keep recordings of shared pages with the session (off: the page is relayed to the reps and forgotten)').check();
      await form.getByLabel('Delete recordings after (days)').fill('7');
      const mask = form.getByLabel('Hide these parts of the page (CSS selector)');
      await mask.fill('.card-number, ..private');
      await form.getByText('The browser cannot read this selector').waitFor();
      await form.getByRole('button', { name: 'Save site settings' }).click();
      expect((await api.get('/api/admin/site')).body.site.cobrowseBudgetMegabytes).toBe(50);
      await mask.fill('.card-number, [data-private]');
      await form.getByRole('button', { name: 'Save site settings' }).click();
      await form.getByText('Site settings saved; they apply at once.').waitFor();
      expect((await api.get('/api/admin/site')).body.site).toMatchObject({
        cobrowseEnabled: false,
        cobrowseMaskSelector: '.card-number, [data-private]',
        cobrowseBudgetMegabytes: 20,
        cobrowseStoreRecordings: true,
        cobrowseRetentionDays: 7,
      });
      // Out of range: refused on the page, in words, before anything is sent.
      await form.getByLabel('Delete recordings after (days)').fill('4000');
      await form.getByText('Give a whole number of days from 1 to 3650.').waitFor();
      await form.getByRole('button', { name: 'Save site settings' }).click();
      expect((await api.get('/api/admin/site')).body.site.cobrowseRetentionDays).toBe(7);
      const sharing = form.getByRole('group', { name: 'Browser sharing in click-to-chat' });
      await sharing.scrollIntoViewIfNeeded();
      if (shots) await sharing.screenshot({ path: join(SCREENSHOTS, 'admin-site-cobrowse.png') });
      await form.getByLabel('Delete recordings after (days)').fill('7');
    });

    it('Q3, C7: switching the general queue off while a customer waits there warns first, then moves the session to the fallback queue', { timeout: 60_000 }, async () => {
      const token = new URL((await api.get('/api/chat-links')).body.links[0].url).searchParams.get('link');
      const started = await request(`${t.url}/api/chat/links/${token}/sessions`, { method: 'POST', json: { customerName: 'Gerd General' } });
      expect(started.status).toBe(201);
      const { page } = admin;
      await page.reload();
      const form = page.getByRole('form', { name: 'Site settings' });
      await form.getByLabel('General queue on (Q3)').uncheck();
      const warning = form.locator('#site-general-warning');
      await warning.getByText('1 session is waiting in the general queue. Choose a fallback queue for them above').waitFor();
      await form.getByLabel('Fallback queue (F4, C7)').selectOption({ label: 'Service Desk' });
      await warning.getByText('1 session waiting in the general queue will move to Service Desk when you save').waitFor();
      await screenshot(page, 'admin-general-queue-off.png', shots);
      await form.getByRole('button', { name: 'Save and move 1 session' }).click();
      await form.getByText('1 session moved from the general queue to Service Desk.').waitFor();
      const session = await t.lobby.store.db.selectFrom('sessions').selectAll().where('id', '=', started.body.sessionId).executeTakeFirstOrThrow();
      expect(session).toMatchObject({ state: 'waiting', queue_id: 'team:service-desk' });
      expect((await api.get('/api/admin/site')).body).toMatchObject({ site: { generalQueueEnabled: false, fallbackQueue: 'service-desk' }, generalQueueWaiting: 0 });
    });
  });
});
