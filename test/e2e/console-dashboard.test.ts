/**
 * The rep console's dashboard in a real browser at phone size (I1): the queue list with
 * live counts, longest waits and a filter; waiting sessions sortable by queue order (Q4),
 * wait, customer and issue, the choice kept in this browser; click-to-chat sessions marked
 * as chat (C5); each session's details (L4) a tap away.
 *
 * Sorting happens in the page, so one store is enough. Nothing sleeps.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client.js';
import { request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { CONSOLE_PASSWORD, CONSOLE_SITE, customerAsks, haveChromium, launchBrowser, newPage, queueGroup, repLogsIn, waitingItem } from './browser-harness.js';

/** The customers in a queue's group, top to bottom. */
async function order(page: Page, queue: string): Promise<string[]> {
  const links = queueGroup(page, queue).getByRole('listitem').locator('.session-item__title > a');
  return links.allTextContents();
}

describe.skipIf(!haveChromium)('the rep console dashboard', () => {
  let browser: Browser;
  let t: TestLobby;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startTestLobby('sqlite', CONSOLE_SITE);
    // The customers below arrive over 2.5 minutes of server time that end about now on the browser's clock.
    t.clock.set(Date.now() - 150_000);
  });

  afterAll(async () => {
    await t?.close();
    await browser?.close();
  });

  it('I1, Q4, C5, L4: queues with counts and longest waits; lists sort by wait, customer and issue; chat sessions marked; details', { timeout: 90_000 }, async () => {
    const { context, page } = await newPage(browser);
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    try {
      // Three customers a minute apart: a printer issue, a chat from the shop's web site, a priority outage.
      await customerAsks(t.url, { name: 'Zoe Zeta', company: 'Zeta Corp', details: 'Printer shows error 49.' });
      t.clock.advance(60_000);
      const rita = await AdminClient.as(t.url, 'rita', CONSOLE_PASSWORD);
      const link = (await rita.post('/api/chat-links', { name: 'Shop chat', teamId: 'helpdesk' })).body.link as { url: string };
      const token = new URL(link.url).searchParams.get('link');
      const chat = await request(`${t.url}/api/chat/links/${token}/sessions`, { method: 'POST', json: { customerName: 'Mia Mid' } });
      expect(chat.status, JSON.stringify(chat.body)).toBe(201);
      t.clock.advance(60_000);
      await customerAsks(t.url, { name: 'Adam Alpha', issue: 'outage', details: 'Nothing loads.' });
      t.clock.advance(30_000);

      await repLogsIn(page, t.url, 'ann', CONSOLE_PASSWORD);
      const helpdesk = queueGroup(page, 'Helpdesk');
      await helpdesk.getByRole('listitem').filter({ hasText: 'Adam Alpha' }).waitFor();

      // The queue list: each queue the rep sees, with its count and longest wait.
      const queues = page.getByRole('list', { name: 'Queues' });
      const helpdeskChip = queues.getByRole('button', { name: /^Helpdesk/ });
      expect(await helpdeskChip.textContent()).toMatch(/3 waiting · longest 2 min/);
      expect(await queues.getByRole('button', { name: /^My personal queue/ }).textContent()).toContain('0 waiting');
      expect(await queues.getByRole('button', { name: /^General queue/ }).textContent()).toContain('0 waiting');

      // Q4 by default: priority first, then the longest waiting.
      expect(await order(page, 'Helpdesk')).toEqual(['Adam Alpha', 'Zoe Zeta', 'Mia Mid']);
      const sort = page.getByLabel('Sort by');
      await sort.selectOption({ label: 'Longest wait' });
      expect(await order(page, 'Helpdesk')).toEqual(['Zoe Zeta', 'Mia Mid', 'Adam Alpha']);
      await sort.selectOption({ label: 'Customer' });
      expect(await order(page, 'Helpdesk')).toEqual(['Adam Alpha', 'Mia Mid', 'Zoe Zeta']);
      await sort.selectOption({ label: 'Issue' });
      // "Click-to-chat" (no issue), "Printer trouble", "Service outage".
      expect(await order(page, 'Helpdesk')).toEqual(['Mia Mid', 'Zoe Zeta', 'Adam Alpha']);

      // C5: the chat session is marked as such, and only it.
      await waitingItem(page, 'Mia Mid').getByText('Chat', { exact: true }).waitFor();
      expect(await waitingItem(page, 'Zoe Zeta').getByText('Chat', { exact: true }).count()).toBe(0);
      expect(await waitingItem(page, 'Adam Alpha').textContent()).toContain('Priority 5');

      // L4: the details a tap away: skills, priority, origin, queue, waiting time.
      const zoe = waitingItem(page, 'Zoe Zeta');
      await zoe.getByText('More').click();
      const facts = zoe.locator('dl.session-facts');
      await facts.waitFor();
      const text = (await facts.textContent()) ?? '';
      for (const part of ['Printer trouble', 'Printer shows error 49.', 'laser', 'Normal (0)', 'Issue form', 'Helpdesk', '2 min']) {
        expect(text).toContain(part);
      }

      // The order is kept in this browser; the filter shows one queue alone.
      await page.reload();
      await helpdesk.getByRole('listitem').filter({ hasText: 'Adam Alpha' }).waitFor();
      expect(await page.getByLabel('Sort by').inputValue()).toBe('issue');
      await queues.getByRole('button', { name: /^General queue/ }).click();
      await page.getByText('Nobody is waiting in this queue.').waitFor();
      expect(await helpdesk.count()).toBe(0);
      await queues.getByRole('button', { name: 'All queues' }).click();
      await helpdesk.waitFor();

      // No sideways scrolling at the smallest phone width the console supports: the
      // dashboard, a session page and the transfer dialog.
      await page.setViewportSize({ width: 360, height: 740 });
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await zoe.getByRole('button', { name: 'Accept Zoe Zeta' }).click();
      await page.getByText('You own this session.').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.getByRole('button', { name: 'Transfer' }).click();
      const dialog = page.getByRole('dialog', { name: 'Transfer session' });
      await dialog.getByRole('radio', { name: 'Bob Baker' }).waitFor();
      const inside = await dialog.evaluate((el) => [el.scrollWidth - el.clientWidth, el.getBoundingClientRect().width]);
      expect(inside).toEqual([0, 360]);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
