/**
 * The customer side in a real browser against a real Lobby, on each store: every portal
 * entry point starts a session in the right queue (C1 session key, C2 representative list,
 * C3 issue form, C4 support button, C5 custom click-to-chat link); bad input is told next
 * to its field (C8), wrong keys are rate limited (C1), an expired button says so (C4); the
 * waiting page shows position and estimated wait, live (Q9); leaving ends the session (L3);
 * and a browser that prefers German gets German (I2).
 *
 * Nothing sleeps: every step waits on what the page shows. Screenshots in docs/screenshots/
 * (customer-*.png) are taken from the SQLite run.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { LiveSocket, RepClient, startIssueSession, type TestLobby } from '../support/lobby-harness.js';
import { NOTICE, goOnline } from '../support/customer-site.js';
import { haveChromium, screenshot } from './browser-harness.js';
import { customerPage, launchCustomerBrowser, queueOfCustomer, startCustomerLobby } from './customer-browser.js';

const KEY_RESPONSE = (r: { url(): string }) => r.url().endsWith('/api/portal/session-key');

describe.skipIf(!haveChromium)('the customer portal in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchCustomerBrowser();
  });
  afterAll(async () => browser?.close());

  describe.each(STORE_KINDS)('on %s', (kind) => {
    let t: TestLobby;
    let ada: RepClient;
    let ann: RepClient;
    let bob: RepClient;
    let cara: RepClient;
    const sockets: LiveSocket[] = [];
    const shots = kind === 'sqlite';

    beforeAll(async () => {
      t = await startCustomerLobby(kind);
      [ada, ann, bob, cara] = await Promise.all(['ada', 'ann', 'bob', 'cara'].map((l) => RepClient.login(t.url, l)) as [
        Promise<RepClient>,
        Promise<RepClient>,
        Promise<RepClient>,
        Promise<RepClient>,
      ]);
      for (const rep of [ann, bob]) sockets.push(await goOnline(rep));
    });
    afterAll(async () => {
      for (const s of sockets) await s.close();
      await t?.close();
    });

    const inLine = (page: Page) => page.getByRole('heading', { name: "You're in line" }).waitFor();

    it('C1: a wrong key is refused at the key field, guessing is rate limited, and the right key reaches the rep’s personal queue', { timeout: 60_000 }, async () => {
      const { context, page } = await customerPage(browser);
      try {
        const key = (await ann.post('/api/rep/session-keys', {})).body.key as string;
        await page.goto(`${t.url}/portal/`);
        const form = page.getByRole('form', { name: 'Have a session key?' });
        await form.getByLabel('Session key').fill(key === '0000000' ? '1111111' : '0000000');
        const submit = form.getByRole('button', { name: 'Start session' });
        await Promise.all([page.waitForResponse(KEY_RESPONSE), submit.click()]);
        await expect.poll(() => form.locator('#session-key-error').textContent()).toBe(
          'That session key is not valid. Please check it with your representative.',
        );
        expect(await form.getByLabel('Session key').getAttribute('aria-invalid')).toBe('true');
        // Ten tries a minute per address; the eleventh is refused however good the key.
        for (let i = 0; i < 10; i++) await Promise.all([page.waitForResponse(KEY_RESPONSE), submit.click()]);
        await form.getByRole('alert').filter({ hasText: 'Too many attempts. Please wait a minute and try again.' }).waitFor();
        t.clock.advance(60_001);
        await form.getByLabel('Session key').fill(key);
        await form.getByLabel('Your name').fill('Kim Keyholder');
        await submit.click();
        await inLine(page);
        expect(await queueOfCustomer(t, 'Kim Keyholder')).toMatchObject({ queue_id: 'rep:ann', origin: 'session_key' });
      } finally {
        await context.close();
      }
    });

    it('C2: a customer picks a rep from the list; a rep who left since the page loaded is a clear error', { timeout: 60_000 }, async () => {
      const { context, page } = await customerPage(browser);
      try {
        await page.goto(`${t.url}/portal/`);
        const form = page.getByRole('form', { name: 'Choose a representative' });
        await form.getByRole('radio', { name: 'Bob Baker' }).waitFor();
        expect(await form.getByRole('radio').count()).toBe(2);
        await screenshot(page, 'customer-portal.png', shots);
        // Bob goes off the list after the page loaded.
        await bob.post('/api/rep/listing', { listed: false });
        await form.getByRole('radio', { name: 'Bob Baker' }).check();
        await form.getByLabel('Your name').fill('Lee Lister');
        await form.getByRole('button', { name: 'Start session' }).click();
        await form.locator('#rep-choice-error', { hasText: 'That representative is no longer available. Please choose another one.' }).waitFor();
        await form.getByRole('radio', { name: 'Bob Baker' }).waitFor({ state: 'detached' });
        await form.getByRole('radio', { name: 'Ann Archer' }).check();
        await form.getByRole('button', { name: 'Start session' }).click();
        await inLine(page);
        expect(await queueOfCustomer(t, 'Lee Lister')).toMatchObject({ queue_id: 'rep:ann', origin: 'rep_list' });
        await bob.post('/api/rep/listing', { listed: true });
      } finally {
        await context.close();
      }
    });

    it('C3, C8, L3: the issue form tells an oversized field next to it, reaches the team queue, and leaving ends the session', { timeout: 60_000 }, async () => {
      const { context, page } = await customerPage(browser);
      try {
        await page.goto(`${t.url}/portal/`);
        const form = page.getByRole('form', { name: 'Describe your issue' });
        await form.getByLabel('Issue').locator('option', { hasText: 'Printer trouble' }).waitFor({ state: 'attached' });
        await form.getByLabel('Issue').selectOption({ label: 'Printer trouble' });
        await form.getByRole('button', { name: 'Request support' }).click();
        await form.locator('#issue-name-error', { hasText: 'Please enter your name.' }).waitFor();
        await form.getByLabel('Your name').fill('Ivy Issue');
        await form.getByLabel('Details').fill('é'.repeat(600));
        await form.getByRole('button', { name: 'Request support' }).click();
        await form.locator('#issue-details-error', { hasText: 'The details can be at most 1,024 bytes long' }).waitFor();
        await form.getByLabel('Details').fill('The printer prints blank pages.');
        await form.getByRole('button', { name: 'Request support' }).click();
        await inLine(page);
        expect(await queueOfCustomer(t, 'Ivy Issue')).toMatchObject({ queue_id: 'team:helpdesk', origin: 'issue' });
        await page.getByRole('button', { name: 'Leave' }).click();
        await page.getByRole('heading', { name: 'Session ended' }).waitFor();
        await page.getByText('You left the session.').waitFor();
        expect(await queueOfCustomer(t, 'Ivy Issue')).toMatchObject({ state: 'ended', end_reason: 'abandoned' });
      } finally {
        await context.close();
      }
    });

    it('Q9: the waiting page shows the place in line and the estimated wait, and both move live', { timeout: 60_000 }, async () => {
      // Two earlier customers of the vendor queue waited 4 and 6 minutes: 5 minutes on average.
      for (const minutes of [4, 6]) {
        const s = await startIssueSession(t.url, 'erp', `Earlier ${minutes}`);
        t.clock.advance(minutes * 60_000);
        await cara.post(`/api/rep/sessions/${s.sessionId}/accept`);
      }
      const ahead = await startIssueSession(t.url, 'erp', 'Ahead Abe');
      t.clock.advance(1);
      const { context, page } = await customerPage(browser);
      try {
        await page.goto(`${t.url}/portal/`);
        const form = page.getByRole('form', { name: 'Describe your issue' });
        await form.getByLabel('Issue').locator('option', { hasText: 'ERP system' }).waitFor({ state: 'attached' });
        await form.getByLabel('Issue').selectOption({ label: 'ERP system' });
        await form.getByLabel('Your name').fill('Wanda Waiting');
        await form.getByRole('button', { name: 'Request support' }).click();
        await inLine(page);
        await page.getByText('You are number 2 in line.').waitFor();
        await page.getByText('Estimated wait: about 5 minutes').waitFor();
        await page.getByRole('complementary', { name: 'Notice' }).filter({ hasText: NOTICE }).waitFor();
        await screenshot(page, 'customer-waiting.png', shots);
        // The customer ahead is taken after 1 ms: the average drops to 3⅓ minutes.
        await cara.post(`/api/rep/sessions/${ahead.sessionId}/accept`);
        await page.getByText('You are next in line.').waitFor();
        await page.getByText('Estimated wait: about 4 minutes').waitFor();
        await cara.post(`/api/rep/sessions/${(await queueOfCustomer(t, 'Wanda Waiting')).id}/accept`);
        await page.getByRole('heading', { name: 'Chat with Cara Cole' }).waitFor();
      } finally {
        await context.close();
      }
    });

    it('C4: a support button starts a session in its team’s queue; an expired one says “This link has expired”', { timeout: 60_000 }, async () => {
      const live = (await ada.post('/api/support-buttons', { name: 'Vendor help', teamId: 'vendor', expiresInMinutes: 600 })).body.button;
      const short = (await ada.post('/api/support-buttons', { name: 'Short', teamId: 'vendor', expiresInMinutes: 1 })).body.button;
      const { context, page } = await customerPage(browser);
      try {
        await page.goto(live.url);
        await page.getByRole('heading', { name: 'Start a support session' }).waitFor();
        await page.getByText('You will be connected with Vendor support.').waitFor();
        await page.getByLabel('Your name').fill('Bo Button');
        await page.getByRole('button', { name: 'Start session' }).click();
        await inLine(page);
        expect(await queueOfCustomer(t, 'Bo Button')).toMatchObject({ queue_id: 'team:vendor', origin: 'button' });
      } finally {
        await context.close();
      }
      t.clock.advance(60_000);
      const later = await customerPage(browser);
      try {
        await later.page.goto(short.url);
        await later.page.getByRole('heading', { name: 'This link has expired' }).waitFor();
        await screenshot(later.page, 'customer-button-expired.png', shots);
        await later.page.getByRole('button', { name: 'Go to the support portal' }).click();
        await later.page.getByRole('heading', { name: 'Get support' }).waitFor();
        expect(new URL(later.page.url()).search).toBe('');
      } finally {
        await later.context.close();
      }
    });

    it('C5: a custom click-to-chat link opens a chat page; the chat session waits in the link’s queue and reaches the rep', { timeout: 60_000 }, async () => {
      const link = (await ada.post('/api/chat-links', { name: 'Bob direct', repId: 'bob' })).body.link;
      const { context, page } = await customerPage(browser);
      try {
        await page.goto(link.url);
        await page.getByRole('heading', { name: 'Chat with support', level: 1 }).waitFor();
        await page.getByText('Chat with Bob Baker.').waitFor();
        await page.getByLabel('Your name').fill('Cleo Chat');
        await page.getByLabel('How can we help?').fill('My invoice is wrong.');
        await page.getByRole('button', { name: 'Start chat' }).click();
        await inLine(page);
        const row = await queueOfCustomer(t, 'Cleo Chat');
        expect(row).toMatchObject({ queue_id: 'rep:bob', origin: 'chat', client_type: 'chat' });
        await bob.post(`/api/rep/sessions/${row.id}/accept`);
        await bob.post(`/api/rep/sessions/${row.id}/messages`, { text: 'Hello Cleo, let me look.' });
        await page.getByRole('list', { name: 'Conversation' }).getByText('Hello Cleo, let me look.').waitFor();
        await page.getByLabel('Message').fill('Thanks!');
        await page.getByRole('button', { name: 'Send' }).click();
        await expect.poll(async () => (await bob.get(`/api/rep/sessions/${row.id}`)).body.messages.map((m: any) => m.text)).toContain('Thanks!');
      } finally {
        await context.close();
      }
    });

    it('I2, C8: a browser that prefers German gets German, bad input included; the switch changes the language', { timeout: 60_000 }, async () => {
      const { context, page } = await customerPage(browser, 'de-DE');
      try {
        await page.goto(`${t.url}/portal/`);
        await page.getByRole('heading', { name: 'Hilfe anfordern' }).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('de');
        const form = page.getByRole('form', { name: 'Beschreiben Sie Ihr Anliegen' });
        await form.getByLabel('Anliegen').locator('option', { hasText: 'Printer trouble' }).waitFor({ state: 'attached' });
        await form.getByLabel('Anliegen').selectOption({ label: 'Printer trouble' });
        await form.getByRole('button', { name: 'Hilfe anfordern' }).click();
        await form.locator('#issue-name-error', { hasText: 'Bitte geben Sie Ihren Namen ein.' }).waitFor();
        await form.getByLabel('Ihr Name').fill('Greta Grün');
        await form.getByLabel('Details').fill('ü'.repeat(600));
        await form.getByRole('button', { name: 'Hilfe anfordern' }).click();
        await form.locator('#issue-details-error', { hasText: 'Die Details dürfen höchstens 1.024 Bytes lang sein' }).waitFor();
        const keyForm = page.getByRole('form', { name: 'Haben Sie einen Sitzungsschlüssel?' });
        await keyForm.getByLabel('Sitzungsschlüssel').fill('9999999');
        await keyForm.getByRole('button', { name: 'Sitzung starten' }).click();
        await keyForm.locator('#session-key-error', { hasText: 'Dieser Sitzungsschlüssel ist ungültig.' }).waitFor();
        await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header belongs at the top
        await screenshot(page, 'customer-portal-de.png', shots);
        await form.getByLabel('Details').fill('Der Drucker druckt leere Seiten.');
        await form.getByRole('button', { name: 'Hilfe anfordern' }).click();
        await page.getByRole('heading', { name: 'Sie sind in der Warteschlange' }).waitFor();
        await page.getByRole('button', { name: 'English' }).click();
        await inLine(page);
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        await page.getByRole('button', { name: 'Deutsch' }).click();
        await page.getByRole('button', { name: 'Verlassen' }).click();
        await page.getByText('Sie haben die Sitzung verlassen.').waitFor();
      } finally {
        await context.close();
      }
    });
  });
});
