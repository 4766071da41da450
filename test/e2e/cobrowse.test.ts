/**
 * Browser sharing in click-to-chat (docs/cobrowse.md), in real browsers, on each store: the
 * chat widget runs on a customer's web site served from a second origin (a tiny HTTP server
 * with two pages), the rep console in another browser context. The rep asks to see the
 * page; the customer consents in the widget; the rep's session page shows the page live, with
 * what the customer types and the next page they open; the password never leaves the
 * customer's browser (every WebSocket frame the customer's page sends is checked); a marked
 * element is masked; the customer's one click on the banner stops it, and the rep's view goes.
 *
 * Nothing sleeps: each step waits for what a page shows. The screenshots (cobrowse-*.png)
 * come from the SQLite run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { FIXTURE_PASSWORD } from '../support/fixture-site.js';
import { RepClient, type TestLobby } from '../support/lobby-harness.js';
import { DESKTOP, haveChromium, newPage, repLogsIn, screenshot, waitingItem } from './browser-harness.js';
import { customerPage, launchCustomerBrowser, queueOfCustomer, startCustomerLobby } from './customer-browser.js';

const SECRET = 'hunter2-Geheim!';
const CARD = '4242 4242 4242 4242';

interface HostSite {
  url: string;
  setSnippet(html: string): void;
  close(): Promise<void>;
}

/** A customer's web site with two pages: an order form, and delivery times. */
async function startHostSite(): Promise<HostSite> {
  let snippet = '';
  const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Example Shop</title>
<style>body{font-family:Georgia,serif;margin:0;padding:4rem 1.5rem 1.5rem;background:#fdf6e3;color:#333}h1{color:#8a3b12}
label{display:block;margin:1rem 0 .25rem}input{font:inherit;padding:.4rem;width:16rem;max-width:100%}.card{background:#fff;padding:.75rem;border-radius:8px}</style></head>
<body>${body}${snippet}</body></html>`;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/' && path !== '/delivery') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      path === '/'
        ? page(
            'Your order',
            `<h1>Example Shop</h1><p>Hand-made teapots since 1998.</p>
<form onsubmit="return false"><label for="order">Order number</label><input id="order" name="order" autocomplete="off">
<label for="password">Account password</label><input id="password" type="password" name="password"></form>
<p class="card" data-lobby-mask>Card on file: ${CARD}</p>
<p><a href="/delivery">Delivery times</a></p>`,
          )
        : page('Delivery', '<h1>Delivery times</h1><p>Teapots ship within two working days.</p><p><a href="/">Back to your order</a></p>'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setSnippet(html) {
      snippet = html;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!haveChromium)('browser sharing from the chat widget on another web site', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchCustomerBrowser();
  });
  afterAll(async () => browser?.close());

  describe.each(STORE_KINDS)('on %s', (kind) => {
    let t: TestLobby;
    let host: HostSite;
    const shots = kind === 'sqlite';

    beforeAll(async () => {
      host = await startHostSite();
      t = await startCustomerLobby(kind, [host.url]);
      const ada = await RepClient.login(t.url, 'ada');
      host.setSnippet((await ada.post('/api/chat-links', { name: 'Shop chat', teamId: 'helpdesk' })).body.link.snippet);
    });
    afterAll(async () => {
      await t?.close();
      await host?.close();
    });

    const widget = (page: Page) => page.getByRole('dialog', { name: 'Chat with support' });
    const banner = (page: Page) => page.getByRole('region', { name: 'Page sharing' });
    /** The customer's page as the rep's console replays it. */
    const replay = (rep: Page): FrameLocator => rep.frameLocator('[data-testid="cobrowse-view"] iframe');
    const replayedValue = (rep: Page, selector: string) =>
      rep.evaluate((sel) => {
        const frame = document.querySelector<HTMLIFrameElement>('[data-testid="cobrowse-view"] iframe');
        return frame?.contentDocument?.querySelector<HTMLInputElement>(sel)?.value ?? null;
      }, selector);

    it('the rep sees the page live after consent — typing and the next page — while the password never leaves the browser, and a stop removes the view', { timeout: 120_000 }, async () => {
      expect(new URL(host.url).origin).not.toBe(new URL(t.url).origin);
      const rep = await newPage(browser, DESKTOP);
      const customer = await customerPage(browser);
      // Every frame the customer's pages send over any WebSocket, on both pages of the site.
      const sent: string[] = [];
      customer.page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => sent.push(typeof payload === 'string' ? payload : payload.toString('utf8'))));
      const received: string[] = [];
      rep.page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => received.push(typeof payload === 'string' ? payload : payload.toString('utf8'))));
      try {
        await repLogsIn(rep.page, t.url, 'ann', FIXTURE_PASSWORD);

        // The customer starts a chat from the shop's page; Ann takes it.
        const page = customer.page;
        await page.goto(host.url);
        await page.getByRole('button', { name: 'Chat with us' }).click();
        await widget(page).getByLabel('Your name').fill('Wil Widget');
        await widget(page).getByRole('button', { name: 'Start chat' }).click();
        await widget(page).getByRole('heading', { name: "You're in line" }).waitFor();
        await waitingItem(rep.page, 'Wil Widget').getByRole('button', { name: 'Accept' }).click();
        await rep.page.getByRole('heading', { name: 'Wil Widget', level: 1 }).waitFor();
        await widget(page).getByRole('heading', { name: 'Chat with Ann Archer' }).waitFor();

        // The rep asks; the widget asks the customer, who agrees.
        const card = rep.page.getByRole('region', { name: 'Customer’s page' });
        await card.getByRole('button', { name: 'Ask to see the page' }).click();
        await card.getByText('Waiting for Wil Widget to agree…').waitFor();
        const ask = widget(page).getByRole('alertdialog', { name: 'Share this page?' });
        await ask.getByText('Ann Archer asks to see this page, so they can guide you.').waitFor();
        await screenshot(page, 'cobrowse-consent.png', shots, { viewportOnly: true });
        expect(sent.some((f) => f.includes('cobrowse.data'))).toBe(false);
        await ask.getByRole('button', { name: 'Share this page' }).click();
        await banner(page).getByText('Ann Archer can see this page.').waitFor();
        await ask.waitFor({ state: 'detached' });

        // The rep's view shows the shop's page, and the marked element masked.
        await card.getByText('You see Wil Widget’s page live.', { exact: false }).waitFor();
        await replay(rep.page).getByRole('heading', { name: 'Example Shop' }).waitFor();
        await replay(rep.page).getByText('Hand-made teapots since 1998.').waitFor();
        expect(await replay(rep.page).locator('.card').textContent()).not.toContain('4242');

        // The customer closes the chat (the banner stays) and fills in the form.
        await widget(page).getByRole('button', { name: 'Close the chat window' }).click();
        await banner(page).waitFor();
        await page.getByLabel('Order number').fill('ORDER-4711');
        await page.getByLabel('Account password').fill(SECRET);
        await screenshot(page, 'cobrowse-banner.png', shots, { viewportOnly: true });
        await expect.poll(() => replayedValue(rep.page, '#order')).toBe('ORDER-4711');
        await expect.poll(() => replayedValue(rep.page, '#password')).toBe('*'.repeat(SECRET.length));
        // The card at the top, below the console's sticky header.
        await card.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 112));
        await screenshot(rep.page, 'cobrowse-rep-view.png', shots, { viewportOnly: true });

        // The customer moves to another page of the site: the widget finds its chat again,
        // sharing goes on, and the rep sees the new page.
        await page.getByRole('link', { name: 'Delivery times' }).click();
        await page.getByRole('heading', { name: 'Delivery times' }).waitFor();
        await banner(page).getByText('Ann Archer can see this page.').waitFor();
        await replay(rep.page).getByRole('heading', { name: 'Delivery times' }).waitFor();
        await replay(rep.page).getByText('Teapots ship within two working days.').waitFor();

        // On the wire: the page was sent, with what was typed, but never the password or the card.
        expect(sent.filter((f) => f.includes('"cobrowse.data"')).length).toBeGreaterThan(2);
        expect(sent.some((f) => f.includes('ORDER-4711'))).toBe(true);
        for (const frames of [sent, received]) {
          expect(frames.filter((f) => f.includes(SECRET))).toEqual([]);
          expect(frames.filter((f) => f.includes(CARD) || f.includes('4242'))).toEqual([]);
        }

        // One click on the banner stops it; the rep's view goes, and the rep is told.
        if (!(await banner(page).isVisible())) await banner(page).waitFor();
        await banner(page).getByRole('button', { name: 'Stop sharing' }).click();
        await banner(page).waitFor({ state: 'detached' });
        await widget(page).getByText('You stopped sharing this page.').waitFor();
        await card.getByText('Wil Widget stopped sharing their page.').waitFor();
        await expect.poll(() => rep.page.locator('[data-testid="cobrowse-view"] iframe').count()).toBe(0);
        expect(await rep.page.getByRole('region', { name: 'Wil Widget’s page, live' }).count()).toBe(0);
        await card.getByRole('button', { name: 'Ask to see the page' }).waitFor();
        await screenshot(rep.page, 'cobrowse-stopped.png', shots, { viewportOnly: true });

        // What is recorded as events: the control steps only, never the page.
        const row = await queueOfCustomer(t, 'Wil Widget');
        const events = await t.lobby.store.db.selectFrom('events').select('type').where('session_id', '=', row.id).where('type', 'like', 'cobrowse.%').execute();
        expect(events.map((e) => e.type)).toEqual(['cobrowse.requested', 'cobrowse.consented', 'cobrowse.stopped']);
        expect(await t.lobby.store.db.selectFrom('cobrowse_frames').select('seq').execute()).toEqual([]);
      } finally {
        await customer.context.close();
        await rep.context.close();
      }
    });
  });
});
