/**
 * Transfers in the rep console, in real browsers at phone size against a real Lobby on
 * each store this machine can run (T1–T4): the searchable list of targets with each rep's
 * state, a transfer to a team and one to a rep (who is alerted and finds the session in
 * their personal queue), a transfer of a waiting session, a refused transfer explained,
 * and a session that ends while its page is open. The dialog is usable from the keyboard.
 *
 * Nothing sleeps: every step waits on what a page shows. Screenshots come from the SQLite run.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client.js';
import { RepClient, customerPost, type TestLobby } from '../support/lobby-harness.js';
import { STORE_KINDS } from '../support/test-stores.js';
import {
  CONSOLE_PASSWORD,
  CONSOLE_SITE,
  DESKTOP,
  PHONE,
  customerAsks,
  consoleSuite,
  haveChromium,
  pageShot,
  queueGroup,
  repAlert,
  screenshot,
  waitingItem,
} from './browser-harness.js';

function transferDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Transfer session' });
}

/** Whether the focused element is inside the locator's element. */
function holdsFocus(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el.contains(document.activeElement));
}

describe.skipIf(!haveChromium)('transfers in the rep console', () => {
  const suite = consoleSuite();

  describe.each(STORE_KINDS)('on %s', (kind) => {
    const shots = kind === 'sqlite';

    const lobby = (site?: unknown): Promise<TestLobby> => suite.lobby(kind, site);
    const rep = (t: TestLobby, login: string) => suite.rep(t, login);

    /** The rep takes a waiting session from their list and lands on its page as its owner. */
    async function takes(page: Page, customer: string): Promise<void> {
      await waitingItem(page, customer).getByRole('button', { name: 'Accept' }).click();
      await page.getByRole('heading', { name: customer, level: 1 }).waitFor();
      await page.getByText('You own this session.').waitFor();
    }

    it('T1–T4: the owner of a shared session transfers it to a team (all leave it), then one to a rep, who is alerted and finds it in their personal queue', { timeout: 120_000 }, async () => {
      const t = await lobby();
      const ann = await rep(t, 'ann');
      const bob = await rep(t, 'bob');
      const dan = await RepClient.login(t.url, 'dan', CONSOLE_PASSWORD);

      await customerAsks(t.url, { name: 'Casey Customer', company: 'Acme Ltd', details: 'The printer prints blank pages.' });
      await takes(ann.page, 'Casey Customer');
      // Bob joins her (S1, S2), so that the transfer takes him out too (T2).
      await ann.page.getByRole('button', { name: 'Invite' }).click();
      await ann.page.getByRole('dialog', { name: 'Invite to session' }).getByRole('radio', { name: 'Bob Baker' }).check();
      await ann.page.getByRole('button', { name: 'Invite Bob Baker' }).click();
      await repAlert(bob.page, 'Ann Archer invites you to join').getByRole('button', { name: 'Join' }).click();
      await bob.page.getByText('You joined as a participant. Ann Archer owns it.').waitFor();

      // T3: every kind of target, reps with their state (A6); never the rep herself.
      await ann.page.getByRole('button', { name: 'Transfer' }).click();
      const dialog = transferDialog(ann.page);
      await dialog.getByRole('radio', { name: 'Network' }).waitFor();
      for (const name of ['Helpdesk', 'Network', 'Vendor support', 'General queue', 'Bob Baker', 'Cara Cole', 'Dan Dune']) {
        await dialog.getByRole('radio', { name }).waitFor();
      }
      expect(await dialog.getByRole('radio', { name: 'Ann Archer' }).count()).toBe(0);
      for (const group of ['Teams', 'Embassies', 'General queue', 'Representatives']) {
        await dialog.getByRole('heading', { name: group, exact: true }).waitFor();
      }
      expect(await dialog.getByRole('radio', { name: 'Bob Baker' }).locator('xpath=..').textContent()).toContain('Available');
      expect(await dialog.getByRole('radio', { name: 'Cara Cole' }).locator('xpath=..').textContent()).toContain('Offline');
      await screenshot(ann.page, 'console-transfer.png', shots, { viewportOnly: true });
      await ann.page.setViewportSize(DESKTOP);
      await screenshot(ann.page, 'console-transfer-desktop.png', shots, { viewportOnly: true });
      await ann.page.setViewportSize(PHONE);

      // Keyboard: the search box has the focus; Tab and Shift+Tab stay in the dialog; Escape
      // closes it and gives the focus back to the Transfer button.
      expect(await ann.page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('search');
      for (let i = 0; i < 8; i += 1) {
        await ann.page.keyboard.press('Tab');
        expect(await holdsFocus(dialog)).toBe(true);
      }
      for (let i = 0; i < 4; i += 1) {
        await ann.page.keyboard.press('Shift+Tab');
        expect(await holdsFocus(dialog)).toBe(true);
      }
      await ann.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await ann.page.evaluate(() => document.activeElement?.textContent)).toBe('Transfer');

      // The search narrows the list: by name, and by kind.
      await ann.page.getByRole('button', { name: 'Transfer' }).click();
      const search = dialog.getByRole('searchbox', { name: 'Search' });
      await search.fill('net');
      await dialog.getByRole('radio', { name: 'Network' }).waitFor();
      expect(await dialog.getByRole('radio').count()).toBe(1);
      await search.fill('embassy');
      await dialog.getByRole('radio', { name: 'Vendor support' }).waitFor();
      expect(await dialog.getByRole('radio').count()).toBe(1);
      await search.fill('nobody by this name');
      await dialog.getByText('Nothing matches').waitFor();

      // T1, T2: to a team. Ann leaves the session and is back on her dashboard.
      await search.fill('net');
      await dialog.getByRole('radio', { name: 'Network' }).check();
      await dialog.getByRole('button', { name: 'Transfer to Network' }).click();
      await ann.page.getByText('Casey Customer was transferred to Network.').waitFor();
      await ann.page.getByText('You have no active sessions.').waitFor();
      await dialog.waitFor({ state: 'detached' });
      await bob.page.getByText('The session with Casey Customer was transferred; you are no longer in it.').waitFor();
      await bob.page.getByText('You have no active sessions.').waitFor();
      await bob.page.getByRole('status').filter({ hasText: 'you are no longer in it' }).getByRole('button', { name: 'Dismiss' }).click();
      const inNetwork = (await dan.get('/api/rep/sessions')).body.waiting as Array<{ customerName: string; queueId: string }>;
      expect(inNetwork.map((s) => [s.customerName, s.queueId])).toEqual([['Casey Customer', 'team:network']]);

      // T4: to a rep. Bob is alerted, and the session waits in his personal queue.
      await customerAsks(t.url, { name: 'Dana Doe', company: 'Globex', details: 'Paper jam in tray 2.' });
      await takes(ann.page, 'Dana Doe');
      await ann.page.getByRole('button', { name: 'Transfer' }).click();
      await search.fill('bob');
      await dialog.getByRole('radio', { name: 'Bob Baker' }).check();
      await dialog.getByRole('button', { name: 'Transfer to Bob Baker' }).click();
      await ann.page.getByText('Dana Doe was transferred to Bob Baker.').waitFor();

      const alert = repAlert(bob.page, 'Transferred to you: Dana Doe');
      await alert.waitFor();
      expect(await alert.getAttribute('role')).toBe('alert');
      const personal = queueGroup(bob.page, 'My personal queue');
      await personal.getByRole('listitem').filter({ hasText: 'Dana Doe' }).waitFor();
      await pageShot(bob.page, 'console-dashboard.png', shots);
      await bob.page.setViewportSize(DESKTOP);
      await screenshot(bob.page, 'console-dashboard-desktop.png', shots, { viewportOnly: true });
      await bob.page.setViewportSize(PHONE);

      // He takes it from the alert; the alert goes, the session is his.
      await alert.getByRole('button', { name: 'Accept' }).click();
      await bob.page.getByRole('heading', { name: 'Dana Doe', level: 1 }).waitFor();
      await bob.page.getByText('You own this session.').waitFor();
      await alert.waitFor({ state: 'detached' });
    });

    it('E4: an offer that arrives while the transfer dialog is open shows inside it and can be accepted', { timeout: 90_000 }, async () => {
      const routed = {
        ...CONSOLE_SITE,
        teams: CONSOLE_SITE.teams.map((team) => (team.id === 'helpdesk' ? { ...team, algorithm: 'least_busy', offerTimeoutSeconds: 120 } : team)),
      };
      const t = await lobby(routed);
      const ann = await rep(t, 'ann');
      const offer = (page: Page) => page.getByRole('alertdialog', { name: 'New session for you' });

      await customerAsks(t.url, { name: 'Casey Customer' });
      await offer(ann.page).getByRole('button', { name: 'Accept' }).click();
      await ann.page.getByText('You own this session.').waitFor();
      await ann.page.getByRole('button', { name: 'Transfer' }).click();
      const dialog = transferDialog(ann.page);
      await dialog.getByRole('radio', { name: 'Network' }).waitFor();

      // The rest of the page is inert behind the dialog: the offer is drawn in the dialog.
      await customerAsks(t.url, { name: 'Olive Offer', details: 'Second customer.' });
      const inDialog = offer(ann.page);
      await dialog.getByRole('alertdialog', { name: 'New session for you' }).waitFor();
      expect(await holdsFocus(inDialog)).toBe(true);
      await inDialog.getByRole('button', { name: 'Accept' }).click();
      await ann.page.getByRole('heading', { name: 'Olive Offer', level: 1 }).waitFor();
      await dialog.waitFor({ state: 'detached' });
      await ann.page.getByTestId('rep-state').filter({ hasText: '2 sessions' }).waitFor();
    });

    it('T1, T3: a waiting session moves from its queue; a refused target is explained and leaves the list; an ended session offers nothing', { timeout: 120_000 }, async () => {
      const t = await lobby();
      const ann = await rep(t, 'ann');
      const rita = await AdminClient.as(t.url, 'rita', CONSOLE_PASSWORD);

      const erin = await customerAsks(t.url, { name: 'Erin Early', details: 'Toner light blinks.' });
      await waitingItem(ann.page, 'Erin Early').getByRole('link', { name: 'Erin Early' }).click();
      await ann.page.getByRole('heading', { name: 'Erin Early', level: 1 }).waitFor();
      await ann.page.getByText('nobody owns it yet').waitFor();

      // T1: a rep may move a waiting session out of a queue they see; not into the same queue.
      await ann.page.getByRole('button', { name: 'Transfer' }).click();
      const dialog = transferDialog(ann.page);
      await dialog.getByRole('radio', { name: 'Vendor support' }).waitFor();
      expect(await dialog.getByRole('radio', { name: 'Helpdesk' }).count()).toBe(0);

      // T3: the policy changes while the list is open; the server refuses and says why, the list is read again.
      await dialog.getByRole('radio', { name: 'Vendor support' }).check();
      const patched = await rita.patch('/api/admin/policies/standard', { canTransferToEmbassies: false });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      await dialog.getByRole('button', { name: 'Transfer to Vendor support' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'Your policy does not allow transfers to embassy queues.' }).waitFor();
      await dialog.getByRole('radio', { name: 'Vendor support' }).waitFor({ state: 'detached' });
      expect(await dialog.getByRole('button', { name: 'Transfer', exact: true }).isDisabled()).toBe(true);
      await screenshot(ann.page, 'console-transfer-refused.png', shots, { viewportOnly: true });

      await dialog.getByRole('radio', { name: 'General queue' }).check();
      await dialog.getByRole('button', { name: 'Transfer to General queue' }).click();
      await ann.page.getByText('Erin Early was transferred to General queue.').waitFor();
      await queueGroup(ann.page, 'General queue').getByRole('listitem').filter({ hasText: 'Erin Early' }).waitFor();

      // The customer leaves while the rep looks at the session: the page says so and offers nothing.
      await queueGroup(ann.page, 'General queue').getByRole('link', { name: 'Erin Early' }).click();
      await ann.page.getByRole('button', { name: 'Accept' }).waitFor();
      expect((await customerPost(t.url, erin.customerToken, '/api/customer/leave')).status).toBe(200);
      await ann.page.getByText('This session has ended: the customer left.').waitFor();
      expect(await ann.page.getByRole('button', { name: 'Transfer' }).count()).toBe(0);
      expect(await ann.page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    });
  });
});
