/**
 * The first end-to-end flows, in a real browser against a real Lobby (demo site), on each
 * store this machine can run: a customer asks for help on the portal, a rep sees it arrive
 * live, accepts, they chat both ways and the rep ends it (C3, Q7, I1, I2); and a customer
 * enters a rep's session key and lands in that rep's personal queue (C1, Q1).
 *
 * Nothing sleeps: every step waits on what the page shows. The phone-sized screenshots in
 * docs/screenshots/ are taken from the SQLite run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLobby, type RunningLobby } from '../../src/main.js';
import type { StoreKind } from '../../src/store/store.js';
import { STORE_KINDS, TEST_PG_URL } from '../support/test-stores.js';
import { haveChromium, launchBrowser, newPage, repLogsIn as logIn, screenshot, waitingItem } from './browser-harness.js';

/** The demo site's rep (examples/demo-site.yaml): a member of the helpdesk team. */
const REP = { login: 'ann', password: 'demo' };
/** A portal issue owned by the rep's team (service-desk). */
const ISSUE = 'Printer problems';

interface RunningSite {
  lobby: RunningLobby;
  close(): Promise<void>;
}

/** A Lobby with the demo site on a fresh database: a new folder, or a new PostgreSQL schema. */
async function startSite(kind: StoreKind): Promise<RunningSite> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lobby-e2e-'));
  const base = { host: '127.0.0.1', port: 0, dataDir, demo: true, logLevel: 'silent' };
  if (kind === 'sqlite') {
    const lobby = await startLobby(base);
    return {
      lobby,
      async close() {
        await lobby.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  // The server takes one URL; libpq's `options` parameter points its pool at the schema.
  const separator = TEST_PG_URL.includes('?') ? '&' : '?';
  const databaseUrl = `${TEST_PG_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const dropSchema = async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  let lobby: RunningLobby;
  try {
    lobby = await startLobby({ ...base, databaseUrl });
  } catch (err) {
    await dropSchema();
    throw err;
  }
  return {
    lobby,
    async close() {
      await lobby.close();
      await dropSchema();
    },
  };
}

/** Logs the demo rep in. */
function repLogsIn(page: Page, baseUrl: string): Promise<string> {
  return logIn(page, baseUrl, REP.login, REP.password);
}

function phonePage(browser: Browser) {
  return newPage(browser);
}

function conversation(page: Page): Locator {
  return page.getByRole('list', { name: 'Conversation' });
}

describe.skipIf(!haveChromium)('first flows in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe.each(STORE_KINDS)('on %s', (kind) => {
    let site: RunningSite;
    const shots = kind === 'sqlite';

    beforeAll(async () => {
      site = await startSite(kind);
      expect(site.lobby.store.kind).toBe(kind);
    });

    afterAll(async () => {
      await site?.close();
    });

    it('C3, Q7: an issue from the portal reaches a rep live; they chat both ways; the rep ends it', { timeout: 90_000 }, async () => {
      const url = site.lobby.url;
      const rep = await phonePage(browser);
      const customer = await phonePage(browser);
      try {
        const repName = await repLogsIn(rep.page, url);
        expect(repName).not.toBe('');

        // The customer fills in the issue form.
        await customer.page.goto(`${url}/portal/`);
        const form = customer.page.getByRole('form', { name: 'Describe your issue' });
        await form.getByLabel('Your name').fill('Casey Customer');
        await form.getByLabel('Company').fill('Acme Ltd');
        // A Service Desk issue (examples/demo-site.yaml), so it lands in a queue the rep sees.
        const issue = form.getByLabel('Issue');
        await issue.locator('option', { hasText: ISSUE }).waitFor({ state: 'attached' });
        await issue.selectOption({ label: ISSUE });
        // C8: the server's refusal is shown next to the field it names.
        const details = form.getByLabel('Details');
        await details.fill('é'.repeat(600));
        await form.getByRole('button', { name: 'Request support' }).click();
        await form.locator('#issue-details-error').waitFor();
        expect(await details.getAttribute('aria-invalid')).toBe('true');
        await details.fill('The printer on floor 2 prints only blank pages.');
        await screenshot(customer.page, 'portal-issue-form.png', shots);
        await form.getByRole('button', { name: 'Request support' }).click();

        // Q9: the waiting page shows the customer's place in line.
        await customer.page.getByRole('heading', { name: "You're in line" }).waitFor();
        await customer.page.getByText('You are next in line.').waitFor();
        await screenshot(customer.page, 'portal-waiting.png', shots);

        // The rep sees the session arrive without reloading. The demo's Service Desk routes
        // automatically, so it is also offered to her (E4); she accepts it from the list
        // instead (Q7), which withdraws the offer without telling her it was withdrawn.
        const item = waitingItem(rep.page, 'Casey Customer');
        await item.waitFor();
        expect(await item.textContent()).toContain('Acme Ltd');
        const offer = rep.page.getByRole('alertdialog', { name: 'New session for you' });
        await offer.waitFor();
        await item.getByText('Offered to you').waitFor();
        await screenshot(rep.page, 'console-waiting.png', shots);
        await item.getByRole('button', { name: 'Accept' }).click();
        await rep.page.getByRole('heading', { name: 'Casey Customer', level: 1 }).waitFor();
        await rep.page.getByRole('heading', { name: 'Chat with Casey Customer' }).waitFor();
        await offer.waitFor({ state: 'detached' });

        // The customer sees who is helping them.
        await customer.page.getByRole('heading', { name: `Chat with ${repName}` }).waitFor();

        // Chat both ways, each side seeing the other's message live.
        await customer.page.getByLabel('Message').fill('Hello! Every page comes out blank.');
        await customer.page.getByRole('button', { name: 'Send' }).click();
        await conversation(rep.page).getByText('Hello! Every page comes out blank.').waitFor();

        await rep.page.getByLabel('Message').fill('Hi Casey, I am checking the toner now.');
        await rep.page.getByRole('button', { name: 'Send' }).click();
        await conversation(customer.page).getByText('Hi Casey, I am checking the toner now.').waitFor();
        await conversation(customer.page).getByText('Hello! Every page comes out blank.').waitFor();
        // By now the console knows the withdrawn offer was for the session she took herself.
        expect(await rep.page.getByText('The offer was withdrawn').count()).toBe(0);
        await screenshot(customer.page, 'chat.png', shots);
        await screenshot(rep.page, 'console-chat.png', shots);

        // The rep ends the session; the customer is told.
        await rep.page.getByRole('button', { name: 'End session' }).click();
        await rep.page.getByRole('button', { name: 'Yes, end session' }).click();
        await rep.page.getByText('This session has ended').waitFor();
        await customer.page.getByRole('heading', { name: 'Session ended' }).waitFor();
        await customer.page.getByText('Your representative ended the session.').waitFor();
        await screenshot(customer.page, 'portal-ended.png', shots);

        // Back on the rep's home page the session is gone from "My sessions".
        await rep.page.getByRole('link', { name: 'All sessions' }).click();
        await rep.page.getByText('You have no active sessions.').waitFor();
      } finally {
        await customer.context.close();
        await rep.context.close();
      }
    });

    it('C1, Q1: a customer who enters a session key lands in the rep’s personal queue', { timeout: 90_000 }, async () => {
      const url = site.lobby.url;
      const rep = await phonePage(browser);
      const customer = await phonePage(browser);
      try {
        await repLogsIn(rep.page, url);
        await rep.page.getByRole('button', { name: 'Generate session key' }).click();
        const keyText = rep.page.getByTestId('session-key');
        await keyText.waitFor();
        const key = ((await keyText.textContent()) ?? '').trim();
        expect(key).toMatch(/^\d{7}$/);
        const link = rep.page.getByRole('link', { name: /\/portal\/\?key=/ });
        expect(await link.getAttribute('href')).toContain(`key=${key}`);
        await screenshot(rep.page, 'console-session-key.png', shots);

        await customer.page.goto(`${url}/portal/`);
        const form = customer.page.getByRole('form', { name: 'Have a session key?' });

        // C1: an unusable key is refused next to the key field.
        await form.getByLabel('Session key').fill(key === '0000000' ? '1111111' : '0000000');
        await form.getByRole('button', { name: 'Start session' }).click();
        await form.locator('#session-key[aria-invalid="true"]').waitFor();
        expect(await form.locator('#session-key-error').textContent()).not.toBe('');

        await form.getByLabel('Session key').fill(key);
        await form.getByLabel('Your name').fill('Kim Keyholder');
        await form.getByRole('button', { name: 'Start session' }).click();
        await customer.page.getByRole('heading', { name: "You're in line" }).waitFor();

        // Q1: the session waits in the generating rep's personal queue, shown live.
        const personal = rep.page.getByRole('region', { name: 'My personal queue' });
        await personal.getByRole('listitem').filter({ hasText: 'Kim Keyholder' }).waitFor();
        expect(await personal.textContent()).toContain('Session key');

        // A reload keeps the customer's session (the token is in sessionStorage).
        await customer.page.reload();
        await customer.page.getByRole('heading', { name: "You're in line" }).waitFor();

        // The customer leaves; the session disappears from the rep's queue.
        await customer.page.getByRole('button', { name: 'Leave' }).click();
        await customer.page.getByRole('heading', { name: 'Session ended' }).waitFor();
        await customer.page.getByText('You left the session.').waitFor();
        await personal.waitFor({ state: 'detached' });

        await rep.page.getByRole('button', { name: 'Log out' }).click();
        await rep.page.getByRole('heading', { name: 'Log in' }).waitFor();
      } finally {
        await customer.context.close();
        await rep.context.close();
      }
    });
  });
});
