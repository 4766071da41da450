/**
 * An invitation offered by Equilibrium in the rep console (S1: "routed by Equilibrium like
 * a session, where the team routes automatically"), in real browsers at phone size against
 * a real Lobby on each store this machine can run: the owner invites her team; the free
 * member gets the offer prompt, which says it is an invitation (who invites, to whose
 * session, about what) with a countdown; he joins from it and is on the session page as a
 * participant (S2); the owner sees him joined.
 *
 * Nothing sleeps: every step waits on what a page shows. The screenshot comes from the
 * SQLite run.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestLobby } from '../support/lobby-harness.js';
import { STORE_KINDS } from '../support/test-stores.js';
import { CONSOLE_SITE, consoleSuite, customerAsks, haveChromium, screenshot, queueGroup } from './browser-harness.js';

/** The console suites' site, with a helpdesk that routes automatically (60 s offers). */
const SITE = {
  ...CONSOLE_SITE,
  teams: CONSOLE_SITE.teams.map((team) => (team.id === 'helpdesk' ? { ...team, algorithm: 'least_busy', offerTimeoutSeconds: 60 } : team)),
};

const PHONE = { width: 360, height: 740 };

function offerPrompt(page: Page, name: string) {
  return page.getByRole('alertdialog', { name });
}

describe.skipIf(!haveChromium)('an invitation offered in the rep console', () => {
  const suite = consoleSuite();

  describe.each(STORE_KINDS)('on %s', (kind) => {
    const shots = kind === 'sqlite';
    const rep = (t: TestLobby, login: string) => suite.rep(t, login, { viewport: PHONE });

    it('S1, S2, E4: the owner invites her team; the free member is offered the invitation, joins from the prompt and is a participant', { timeout: 120_000 }, async () => {
      const t = await suite.lobby(kind, SITE);
      const ann = await rep(t, 'ann');
      await customerAsks(t.url, { name: 'Casey Customer', company: 'Acme Ltd', details: 'The printer on floor 2 prints only blank pages.' });

      // Ann, alone on line, is offered the customer and takes them.
      const annOffer = offerPrompt(ann.page, 'New session for you');
      await annOffer.getByRole('button', { name: 'Accept' }).click();
      await ann.page.getByText('You own this session.').waitFor();

      // Bob comes on line; Ann asks her team for help.
      const bob = await rep(t, 'bob');
      const actions = ann.page.getByRole('group', { name: 'Session actions' });
      await actions.getByRole('button', { name: 'Invite' }).click();
      const dialog = ann.page.getByRole('dialog', { name: 'Invite to session' });
      await dialog.getByRole('searchbox', { name: 'Search' }).fill('Helpdesk');
      await dialog.getByRole('radio', { name: 'Helpdesk' }).check();
      await dialog.getByRole('button', { name: 'Invite Helpdesk' }).click();
      await dialog.waitFor({ state: 'detached' });
      await ann.page.getByText('Invitation sent to Helpdesk.').waitFor();

      // Bob's prompt says it is an invitation, from whom, to whose session, about what.
      const bobOffer = offerPrompt(bob.page, 'Invitation to join');
      await bobOffer.waitFor();
      await expect.poll(async () => bobOffer.locator('#offer-summary').textContent()).toBe(
        'Ann Archer invites you to join their session with Casey Customer (Acme Ltd) — Printer trouble.',
      );
      const text = (await bobOffer.textContent()) ?? '';
      for (const part of ['Owner', 'Ann Archer', 'Sent to', 'Helpdesk', 'The printer on floor 2', 'Answer within']) expect(text).toContain(part);
      expect(text).toMatch(/\b(60|59|58|57|56|55) s\b/);
      // Not a session for him to own: no "New session" prompt, and Join / Decline.
      expect(await offerPrompt(bob.page, 'New session for you').count()).toBe(0);
      await bobOffer.getByRole('button', { name: 'Decline' }).waitFor();
      // The invitation in his team's queue is marked as offered to him.
      await queueGroup(bob.page, 'Helpdesk').getByTestId('invitation-item').getByText('Offered to you').waitFor();
      await bob.page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(bob.page, 'console-invitation-offer.png', shots);

      // S2: Bob joins from the prompt and is on the session page as a participant.
      await bobOffer.getByRole('button', { name: 'Join' }).click();
      await bobOffer.waitFor({ state: 'detached' });
      await bob.page.getByText('You joined as a participant. Ann Archer owns it.').waitFor();
      await bob.page.getByRole('heading', { name: 'Casey Customer', level: 1 }).waitFor();
      expect(await bob.page.getByText('The offer').count()).toBe(0);

      // Ann's page shows the invitation answered; Bob is no longer offered anything.
      await ann.page.locator('.sent-invitation').filter({ hasText: 'Helpdesk' }).getByText('joined').waitFor();
      const current = await bob.page.evaluate(async () => (await (await fetch('/api/rep/offers/current')).json()) as { offer: unknown });
      expect(current.offer).toBeNull();
    });
  });
});
