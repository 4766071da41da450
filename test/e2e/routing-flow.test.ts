/**
 * Automatic routing in the rep console, in a real browser against a real Lobby on each
 * store this machine can run: the offer prompt with its countdown, reject and accept
 * (E4–E6), the "Away" switch and a hidden page making a rep ineligible (A2, E2), an
 * offer that expires and the opt-out it causes (E5, E10), an overdue mark (W1) and
 * "Get next" (Q8).
 *
 * The server runs on a manual clock: offers expire and waiting rules fire only when the
 * test moves it. The pages count down on the browser's clock. Nothing sleeps: every step
 * waits on what a page shows. The screenshots are taken from the SQLite run.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestLobby } from '../support/lobby-harness.js';
import { STORE_KINDS } from '../support/test-stores.js';
import {
  CONSOLE_PASSWORD,
  DESKTOP,
  PHONE,
  consoleSuite,
  customerAsks,
  haveChromium,
  screenshot,
  setPageHidden,
  waitingItem,
} from './browser-harness.js';

const PASSWORD = CONSOLE_PASSWORD;
const OFFER_TIMEOUT_SECONDS = 30;
const OVERDUE_AFTER_SECONDS = 60;

/**
 * Two reps on a team that routes automatically (least busy first, 30 s offers) and marks
 * sessions overdue after a minute; the general queue routes nothing. One missed offer
 * opts a rep out (E10), so that a single expiry shows it.
 */
const ROUTING_SITE = {
  version: 1,
  site: { siteName: 'Routing test', repGraceSeconds: 60 },
  generalQueue: { algorithm: 'none' },
  policies: [{ id: 'standard', name: 'Standard', missedOffersBeforeOptOut: 1 }],
  users: [
    { login: 'ann', displayName: 'Ann Archer', displayNumber: 1, policy: 'standard', password: PASSWORD },
    { login: 'bob', displayName: 'Bob Baker', displayNumber: 2, policy: 'standard', password: PASSWORD },
  ],
  teams: [
    {
      id: 'helpdesk',
      name: 'Helpdesk',
      algorithm: 'least_busy',
      offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS,
      waiting: { action: 'mark', afterSeconds: OVERDUE_AFTER_SECONDS },
      members: [{ user: 'ann' }, { user: 'bob' }],
    },
  ],
  issues: [{ code: 'printer', title: 'Printer trouble', team: 'helpdesk', priority: 0, showOnPortal: true }],
};

function offerPrompt(page: Page) {
  return page.getByRole('alertdialog', { name: 'New session for you' });
}

function repState(page: Page, text: string) {
  return page.getByTestId('rep-state').filter({ hasText: text });
}

async function focusedRole(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('role') ?? null);
}

describe.skipIf(!haveChromium)('automatic routing in the rep console', () => {
  const suite = consoleSuite();

  describe.each(STORE_KINDS)('on %s', (kind) => {
    const shots = kind === 'sqlite';

    const lobby = (): Promise<TestLobby> => suite.lobby(kind, ROUTING_SITE);
    /** A rep's phone, logged in; `fakeClock` lets the test move the page's clock with the server's. */
    const rep = (t: TestLobby, login: string, options: { fakeClock?: boolean } = {}) => suite.rep(t, login, options);

    it('E4–E6: the first rep rejects, the next rep is offered at once and accepts', { timeout: 90_000 }, async () => {
      const t = await lobby();
      const ann = await rep(t, 'ann');
      // E3 (3): with no sessions each, the rep at zero load the longest ranks first.
      t.clock.advance(1_000);
      const bob = await rep(t, 'bob');

      await customerAsks(t.url, { name: 'Casey Customer', company: 'Acme Ltd', details: 'The printer on floor 2 prints only blank pages.' });

      // Ann gets the offer: the customer's details, the queue and a countdown.
      const annOffer = offerPrompt(ann.page);
      await annOffer.waitFor();
      const text = (await annOffer.textContent()) ?? '';
      for (const part of ['Casey Customer', 'Acme Ltd', 'Printer trouble', 'The printer on floor 2', 'Helpdesk', 'Answer within']) {
        expect(text).toContain(part);
      }
      expect(text).toMatch(/\b(30|29|28|27|26|25) s\b/);
      // The prompt takes the focus, on itself rather than on a button.
      expect(await focusedRole(ann.page)).toBe('alertdialog');
      await waitingItem(ann.page, 'Casey Customer').getByText('Offered to you').waitFor();
      // One rep at a time: Bob sees the session waiting, and no offer.
      await waitingItem(bob.page, 'Casey Customer').waitFor();
      expect(await offerPrompt(bob.page).count()).toBe(0);
      await screenshot(ann.page, 'console-offer.png', shots);
      await ann.page.setViewportSize(DESKTOP);
      await screenshot(ann.page, 'console-offer-desktop.png', shots, { viewportOnly: true });
      await ann.page.setViewportSize(PHONE);

      // E5: Ann rejects; her prompt closes quietly and Bob's appears at once.
      await annOffer.getByRole('button', { name: 'Reject' }).click();
      await annOffer.waitFor({ state: 'detached' });
      const bobOffer = offerPrompt(bob.page);
      await bobOffer.waitFor();
      expect(await bobOffer.textContent()).toContain('Casey Customer');
      // E6: Ann is not offered the same session again; it still waits in her list.
      expect(await offerPrompt(ann.page).count()).toBe(0);
      await waitingItem(ann.page, 'Casey Customer').waitFor();

      // Bob answers from the keyboard: the first Tab stop after the prompt is Accept.
      expect(await focusedRole(bob.page)).toBe('alertdialog');
      await bob.page.keyboard.press('Tab');
      expect(await bob.page.evaluate(() => document.activeElement?.textContent)).toBe('Accept');
      await bob.page.keyboard.press('Enter');
      await bob.page.getByRole('heading', { name: 'Casey Customer', level: 1 }).waitFor();
      await bob.page.getByRole('heading', { name: 'Chat with Casey Customer' }).waitFor();
      await bobOffer.waitFor({ state: 'detached' });
      await repState(bob.page, '1 session').waitFor();

      // The session left Ann's list; she holds no offer and was told nothing.
      await waitingItem(ann.page, 'Casey Customer').waitFor({ state: 'detached' });
      expect(await offerPrompt(ann.page).count()).toBe(0);
      expect(await ann.page.getByText('The offer').count()).toBe(0);
      await repState(ann.page, 'Available').waitFor();
    });

    it('A2, E2: "Away" and a hidden page make a rep ineligible; the next session goes to the other rep', { timeout: 90_000 }, async () => {
      const t = await lobby();
      const ann = await rep(t, 'ann');
      t.clock.advance(1_000);
      const bob = await rep(t, 'bob');

      // Ann steps away by hand: her state says so, and the switch stays on.
      const away = ann.page.getByRole('switch', { name: 'Away' });
      await away.check();
      await repState(ann.page, 'Away').waitFor();
      expect(await away.isChecked()).toBe(true);

      // Although Ann connected first, the session is offered to Bob.
      await customerAsks(t.url, { name: 'Dana Doe', details: 'Paper jam.' });
      await offerPrompt(bob.page).waitFor();
      await waitingItem(ann.page, 'Dana Doe').waitFor();
      expect(await offerPrompt(ann.page).count()).toBe(0);
      await offerPrompt(bob.page).getByRole('button', { name: 'Accept' }).click();
      await bob.page.getByRole('heading', { name: 'Dana Doe', level: 1 }).waitFor();
      await waitingItem(ann.page, 'Dana Doe').waitFor({ state: 'detached' });

      // A hidden page does not undo "Away"; only Ann does.
      await setPageHidden(ann.page, true);
      await setPageHidden(ann.page, false);
      await repState(ann.page, 'Away').waitFor();
      expect(await away.isChecked()).toBe(true);
      await away.uncheck();
      await repState(ann.page, 'Available').waitFor();

      // A2: a page that is hidden counts as a locked device, and unlocks when shown again,
      // without touching the "Away" switch.
      await setPageHidden(ann.page, true);
      await repState(ann.page, 'Away').waitFor();
      expect(await away.isChecked()).toBe(false);
      await setPageHidden(ann.page, false);
      await repState(ann.page, 'Available').waitFor();

      // Settings: automatic assignment (A5) and sound, on by default; sound is kept in this browser.
      await ann.page.getByRole('button', { name: 'Settings' }).click();
      const automatic = ann.page.getByRole('switch', { name: 'Automatic assignment' });
      const sound = ann.page.getByRole('switch', { name: 'Sound' });
      expect(await automatic.isChecked()).toBe(true);
      expect(await sound.isChecked()).toBe(true);
      await sound.uncheck();
      expect(await ann.page.evaluate(() => localStorage.getItem('lobby.console.sound'))).toBe('off');
      await ann.page.reload();
      await ann.page.getByRole('button', { name: 'Settings' }).click();
      expect(await ann.page.getByRole('switch', { name: 'Sound' }).isChecked()).toBe(false);
    });

    it('E5, E10, W1, Q8: an offer expires, the rep is opted out and told why; the session turns overdue; "Get next" takes it', { timeout: 90_000 }, async () => {
      const t = await lobby();
      const ann = await rep(t, 'ann', { fakeClock: true });

      await customerAsks(t.url, { name: 'Erin Early', company: 'Globex', details: 'Toner light blinks.' });
      const offer = offerPrompt(ann.page);
      await offer.waitFor();

      // E4: the last ten seconds are a warning.
      await ann.page.clock.fastForward((OFFER_TIMEOUT_SECONDS - 9) * 1000);
      await offer.getByText('Hurry').waitFor();
      expect(await offer.getAttribute('class')).toContain('offer--warning');
      await screenshot(ann.page, 'console-offer-warning.png', shots);

      // E5: the server's clock passes the offer's expiry: the prompt closes and says so.
      t.clock.advance(OFFER_TIMEOUT_SECONDS * 1000);
      await offer.waitFor({ state: 'detached' });
      await ann.page.getByText('The offer expired').waitFor();
      // E10: one missed offer (this site's policy) opts her out, and the console says why.
      await ann.page.getByText('you let an offer expire').waitFor();
      await repState(ann.page, 'Opted out').waitFor();
      expect(await offerPrompt(ann.page).count()).toBe(0);

      // W1: a minute in the queue marks the session overdue in her list.
      t.clock.advance((OVERDUE_AFTER_SECONDS - OFFER_TIMEOUT_SECONDS) * 1000);
      await ann.page.clock.fastForward((OVERDUE_AFTER_SECONDS - OFFER_TIMEOUT_SECONDS + 9) * 1000);
      const item = waitingItem(ann.page, 'Erin Early');
      await item.getByText('Overdue').waitFor();
      await item.getByText('waiting 1 min').waitFor();
      await screenshot(ann.page, 'console-overdue.png', shots);

      // Q8: "Get next" takes it (E6 kept it from being offered to her again).
      await ann.page.getByRole('button', { name: 'Get next' }).click();
      await ann.page.getByRole('heading', { name: 'Erin Early', level: 1 }).waitFor();
      await ann.page.getByRole('link', { name: 'All sessions' }).click();
      await ann.page.getByRole('button', { name: 'Get next' }).click();
      await ann.page.getByText('Nothing waiting').waitFor();

      // Back in automatic assignment from the notice.
      await ann.page.getByRole('button', { name: 'Turn automatic assignment on' }).click();
      await ann.page.getByText('you let an offer expire').waitFor({ state: 'detached' });
      await repState(ann.page, 'Available').waitFor();
    });
  });
});
