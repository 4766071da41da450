/**
 * Shared sessions in the rep console, in real browsers at phone size against a real Lobby
 * on each store this machine can run (S1–S4): the owner invites a rep, who is alerted and
 * finds the invitation in their personal queue, joins and chats as a participant; an
 * invitation to a team is withdrawn; the participant leaves; the owner leaves a shared
 * session and the participant becomes its owner; an owner alone is offered no Leave.
 *
 * Nothing sleeps: every step waits on what a page shows. Screenshots come from the SQLite run.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { RepClient, customerPost, type TestLobby } from '../support/lobby-harness.js';
import { STORE_KINDS } from '../support/test-stores.js';
import {
  CONSOLE_PASSWORD,
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

function inviteDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Invite to session' });
}

function conversation(page: Page): Locator {
  return page.getByRole('list', { name: 'Conversation' });
}

function sessionActions(page: Page): Locator {
  return page.getByRole('group', { name: 'Session actions' });
}

/** The owner invites a rep or a team from the session page. */
async function invites(page: Page, target: string): Promise<void> {
  await sessionActions(page).getByRole('button', { name: 'Invite' }).click();
  const dialog = inviteDialog(page);
  await dialog.getByRole('searchbox', { name: 'Search' }).fill(target);
  await dialog.getByRole('radio', { name: target }).check();
  await dialog.getByRole('button', { name: `Invite ${target}` }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText(`Invitation sent to ${target}.`).waitFor();
}

/** A rep leaves the session they are in, and is back on the dashboard. */
async function leaves(page: Page, customer: string): Promise<void> {
  await sessionActions(page).getByRole('button', { name: 'Leave' }).click();
  await page.getByRole('button', { name: 'Yes, leave' }).click();
  await page.getByText(`You left the session with ${customer}.`).waitFor();
  await page.getByRole('heading', { name: 'Waiting', exact: true }).waitFor();
}

describe.skipIf(!haveChromium)('shared sessions in the rep console', () => {
  const suite = consoleSuite();

  describe.each(STORE_KINDS)('on %s', (kind) => {
    const shots = kind === 'sqlite';

    const lobby = (site?: unknown): Promise<TestLobby> => suite.lobby(kind, site);
    const rep = (t: TestLobby, login: string) => suite.rep(t, login);

    it('S1–S4: invite a rep, who joins and chats; withdraw a team invitation; leave; the owner leaves and the participant owns it', { timeout: 150_000 }, async () => {
      const t = await lobby();
      const ann = await rep(t, 'ann');
      const bob = await rep(t, 'bob');
      const dan = await RepClient.login(t.url, 'dan', CONSOLE_PASSWORD);
      const casey = await customerAsks(t.url, { name: 'Casey Customer', company: 'Acme Ltd', details: 'The VPN drops every hour.' });

      await waitingItem(ann.page, 'Casey Customer').getByRole('button', { name: 'Accept' }).click();
      await ann.page.getByText('You own this session.').waitFor();

      // S1: reps and teams may be invited; not embassies through this list, never the general queue.
      await sessionActions(ann.page).getByRole('button', { name: 'Invite' }).click();
      const dialog = inviteDialog(ann.page);
      for (const name of ['Bob Baker', 'Cara Cole', 'Dan Dune', 'Helpdesk', 'Network']) await dialog.getByRole('radio', { name }).waitFor();
      expect(await dialog.getByRole('radio', { name: 'General queue' }).count()).toBe(0);
      expect(await dialog.getByRole('radio', { name: 'Vendor support' }).count()).toBe(0);
      await dialog.getByRole('radio', { name: 'Bob Baker' }).check();
      await screenshot(ann.page, 'console-invite.png', shots, { viewportOnly: true });
      await ann.page.setViewportSize(DESKTOP);
      await screenshot(ann.page, 'console-invite-desktop.png', shots, { viewportOnly: true });
      await ann.page.setViewportSize(PHONE);
      await dialog.getByRole('button', { name: 'Invite Bob Baker' }).click();
      await dialog.waitFor({ state: 'detached' });
      await ann.page.getByText('Invitation sent to Bob Baker.').waitFor();
      const sent = ann.page.getByRole('region', { name: 'Invitations' });
      await sent.getByText('waiting for an answer').waitFor();

      // Bob is alerted, and the invitation waits in his personal queue with "Join".
      await repAlert(bob.page, 'Ann Archer invites you to join').waitFor();
      const invitation = queueGroup(bob.page, 'My personal queue').getByTestId('invitation-item').filter({ hasText: 'Casey Customer' });
      await invitation.getByText('Ann Archer invites you').waitFor();
      await invitation.getByRole('button', { name: 'Join the session with Casey Customer' }).click();

      // S2: a participant sees the details and the chat; only the owner transfers, invites or ends.
      await bob.page.getByRole('heading', { name: 'Casey Customer', level: 1 }).waitFor();
      await bob.page.getByText('You joined as a participant. Ann Archer owns it.').waitFor();
      await sessionActions(bob.page).getByRole('button', { name: 'Leave' }).waitFor();
      for (const name of ['Transfer', 'Invite', 'End session']) expect(await bob.page.getByRole('button', { name }).count()).toBe(0);
      await repAlert(bob.page, 'invites you').waitFor({ state: 'detached' });
      await sent.getByText('joined').waitFor();

      // Three-way chat: each rep sees the other's messages marked as a rep's, the customer's too.
      expect((await customerPost(t.url, casey.customerToken, '/api/customer/messages', { text: 'Hello, anyone there?' })).status).toBe(201);
      await conversation(bob.page).getByText('Hello, anyone there?').waitFor();
      await bob.page.getByLabel('Message').fill('Bob from networking here, looking at the VPN logs.');
      await bob.page.getByRole('button', { name: 'Send' }).click();
      const fromBob = conversation(ann.page).getByRole('listitem').filter({ hasText: 'looking at the VPN logs' });
      await fromBob.waitFor();
      expect(await fromBob.textContent()).toContain('Bob Baker (rep)');
      await conversation(ann.page).getByText('Hello, anyone there?').waitFor();
      await pageShot(bob.page, 'console-session.png', shots);
      await ann.page.setViewportSize(DESKTOP);
      await screenshot(ann.page, 'console-session-desktop.png', shots, { viewportOnly: true });
      await ann.page.setViewportSize(PHONE);

      // A team invitation reaches the team's queue; the owner withdraws it (S4).
      await invites(ann.page, 'Network');
      const danSees = (await dan.get('/api/rep/invitations')).body.invitations as Array<{ queueId: string; inviterName: string }>;
      expect(danSees.map((i) => [i.queueId, i.inviterName])).toEqual([['team:network', 'Ann Archer']]);
      await sent.getByRole('button', { name: 'Withdraw the invitation to Network' }).click();
      await sent.getByText('Network').waitFor({ state: 'detached' });
      expect((await dan.get('/api/rep/invitations')).body.invitations).toEqual([]);

      // A participant leaves; the owner carries on.
      await leaves(bob.page, 'Casey Customer');
      await bob.page.getByText('You have no active sessions.').waitFor();
      await ann.page.getByText('You own this session.').waitFor();

      // S3: invited again, Bob joins from the alert; the owner leaves and Bob owns the session.
      await invites(ann.page, 'Bob Baker');
      const again = repAlert(bob.page, 'Ann Archer invites you to join');
      await again.getByRole('button', { name: 'Join' }).click();
      await bob.page.getByText('You joined as a participant. Ann Archer owns it.').waitFor();
      await sessionActions(ann.page).getByRole('button', { name: 'Leave' }).click();
      await ann.page.getByText('The representative who joined first becomes its owner').waitFor();
      await ann.page.getByRole('button', { name: 'Yes, leave' }).click();
      await ann.page.getByText('You left the session with Casey Customer.').waitFor();
      await repAlert(bob.page, 'You now own the session with Casey Customer').waitFor();
      await bob.page.getByText('You own this session.').waitFor();
      for (const name of ['Transfer', 'Invite', 'End session']) await sessionActions(bob.page).getByRole('button', { name }).waitFor();

      // An owner alone cannot leave (the server would refuse: S3 needs someone to hand it to),
      // so the console offers no Leave; ending it is the way out.
      await sessionActions(bob.page).getByRole('button', { name: 'Leave' }).waitFor({ state: 'detached' });
      await bob.page.getByText('You own this session.').waitFor();
      await sessionActions(bob.page).getByRole('button', { name: 'End session' }).click();
      await bob.page.getByRole('button', { name: 'Yes, end session' }).click();
      await bob.page.getByText('This session has ended').waitFor();
      await repAlert(bob.page, 'You now own').waitFor({ state: 'detached' });
    });
  });
});
