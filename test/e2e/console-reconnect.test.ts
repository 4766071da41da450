/**
 * A dropped connection in the rep console, in a real browser at phone size against a real
 * Lobby on each store this machine can run (A1, I1 "resumes with nothing missed and
 * nothing doubled"): the console's live connection drops and the network stays away while
 * a customer arrives and another writes; when it comes back the console resumes by itself,
 * without a reload, shows each change once, and the rep, back within the grace period,
 * still owns her session.
 *
 * The server runs on a manual clock: the grace period passes only when the test says so.
 * Nothing sleeps: every step waits on what the page shows.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { customerPost } from '../support/lobby-harness.js';
import { STORE_KINDS } from '../support/test-stores.js';
import {
  closeLiveSockets,
  consoleSuite,
  customerAsks,
  haveChromium,
  waitingItem,
} from './browser-harness.js';

/** The console's connection indicator in its header. */
function connection(page: Page, text: string): Locator {
  return page.getByRole('status').filter({ hasText: text });
}

function conversation(page: Page): Locator {
  return page.getByRole('list', { name: 'Conversation' });
}

describe.skipIf(!haveChromium)('the rep console after a dropped connection', () => {
  const suite = consoleSuite();

  describe.each(STORE_KINDS)('on %s', (kind) => {
    it('A1: the console resumes by itself; what happened meanwhile shows once; within the grace period the rep keeps her session', { timeout: 90_000 }, async () => {
      const t = await suite.lobby(kind);
      const { context, page } = await suite.rep(t, 'ann', { trackSockets: true });

      const casey = await customerAsks(t.url, { name: 'Casey Customer', details: 'Mail does not sync.' });
      await waitingItem(page, 'Casey Customer').getByRole('button', { name: 'Accept' }).click();
      await page.getByText('You own this session.').waitFor();
      expect((await customerPost(t.url, casey.customerToken, '/api/customer/messages', { text: 'Thanks for taking this.' })).status).toBe(201);
      await conversation(page).getByText('Thanks for taking this.').waitFor();
      await page.getByRole('link', { name: 'All sessions' }).click();
      const mine = page.getByRole('region', { name: 'My sessions' });
      await mine.getByText('Casey Customer').waitFor();
      // Marks this document: a reload would lose it.
      await page.evaluate(() => Object.defineProperty(window, '__sameDocument', { value: true }));

      // The network goes away and the live connection with it.
      await context.setOffline(true);
      expect(await closeLiveSockets(page)).toBe(1);
      await connection(page, 'Reconnecting…').waitFor();

      // Meanwhile, well within the 60 s grace period: a new customer, and a message from Casey.
      t.clock.advance(30_000);
      await customerAsks(t.url, { name: 'Nora New', details: 'Cannot log in.' });
      expect((await customerPost(t.url, casey.customerToken, '/api/customer/messages', { text: 'Are you still there?' })).status).toBe(201);
      expect(await waitingItem(page, 'Nora New').count()).toBe(0);

      // Back online: the console reconnects at once, resumes and reads again. No reload.
      await context.setOffline(false);
      await connection(page, 'Live').waitFor();
      await waitingItem(page, 'Nora New').waitFor();
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      // Nothing doubled: one Nora, one Casey.
      expect(await waitingItem(page, 'Nora New').count()).toBe(1);
      expect(await mine.getByRole('listitem').count()).toBe(1);
      await page.getByTestId('rep-state').filter({ hasText: '1 session' }).waitFor();

      // A1: the grace period ends with her connected again, so nothing is taken from her.
      t.clock.advance(60_000);
      await mine.getByRole('link', { name: 'Casey Customer', exact: true }).click();
      await page.getByText('You own this session.').waitFor();
      await conversation(page).getByText('Are you still there?').waitFor();
      expect(await conversation(page).getByText('Are you still there?').count()).toBe(1);
      expect(await conversation(page).getByText('Thanks for taking this.').count()).toBe(1);

      // The feed carries on live, each message once.
      expect((await customerPost(t.url, casey.customerToken, '/api/customer/messages', { text: 'Ah, there you are.' })).status).toBe(201);
      await conversation(page).getByText('Ah, there you are.').waitFor();
      expect(await conversation(page).getByRole('listitem').count()).toBe(3);
      await page.getByLabel('Message').fill('Still here, checking your mailbox.');
      await page.getByRole('button', { name: 'Send' }).click();
      await conversation(page).getByText('Still here, checking your mailbox.').waitFor();
      expect(await conversation(page).getByRole('listitem').count()).toBe(4);
    });
  });
});
