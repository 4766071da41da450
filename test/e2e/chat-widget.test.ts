/**
 * C5: the click-to-chat widget embedded in a web page served from a second origin (a tiny
 * HTTP server on another port stands in for a customer's web site), in a real browser, on
 * each store: the snippet the API hands out opens the widget, which starts a chat session
 * in the link's queue, waits (Q9), survives a reload of the host page (L3 grace), chats
 * with a rep and leaves. A page on an origin the site does not allow is refused (CORS).
 *
 * Nothing sleeps. The phone-sized screenshots (customer-widget*.png) come from the SQLite run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, type TestLobby } from '../support/lobby-harness.js';
import { haveChromium, screenshot } from './browser-harness.js';
import { customerPage, launchCustomerBrowser, queueOfCustomer, startCustomerLobby } from './customer-browser.js';

interface HostSite {
  /** The allowed origin: http://127.0.0.1:<port>. */
  url: string;
  /** The same server under another name, an origin the site does not allow. */
  otherUrl: string;
  setSnippet(html: string): void;
  close(): Promise<void>;
}

/** A customer's web site: one page with a heading, some text and the chat snippet. */
async function startHostSite(): Promise<HostSite> {
  let snippet = '';
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Example Shop</title>
<style>body{font-family:Georgia,serif;margin:0;padding:1.5rem;background:#fdf6e3;color:#333}h1{color:#8a3b12}</style></head>
<body><h1>Example Shop</h1><p>Hand-made teapots since 1998. Questions about your order? Chat with us.</p>
${snippet}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    otherUrl: `http://localhost:${port}`,
    setSnippet(html) {
      snippet = html;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!haveChromium)('the click-to-chat widget on another web site', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchCustomerBrowser();
  });
  afterAll(async () => browser?.close());

  describe.each(STORE_KINDS)('on %s', (kind) => {
    let t: TestLobby;
    let host: HostSite;
    let ada: RepClient;
    let ann: RepClient;
    const shots = kind === 'sqlite';

    beforeAll(async () => {
      host = await startHostSite();
      t = await startCustomerLobby(kind, [host.url]);
      ada = await RepClient.login(t.url, 'ada');
      ann = await RepClient.login(t.url, 'ann');
      const link = (await ada.post('/api/chat-links', { name: 'Shop chat', teamId: 'helpdesk' })).body.link;
      host.setSnippet(link.snippet);
    });
    afterAll(async () => {
      await t?.close();
      await host?.close();
    });

    const widget = (page: Page) => page.getByRole('dialog', { name: 'Chat with support' });

    it('C5, Q9, L3: the widget starts a chat in the link’s queue, keeps it over a reload, chats with a rep, and leaves', { timeout: 90_000 }, async () => {
      expect(new URL(host.url).origin).not.toBe(new URL(t.url).origin);
      const { context, page } = await customerPage(browser);
      try {
        await page.goto(host.url);
        await page.getByRole('heading', { name: 'Example Shop' }).waitFor();
        await page.getByRole('button', { name: 'Chat with us' }).waitFor();
        await screenshot(page, 'customer-widget-launcher.png', shots, { viewportOnly: true });
        await page.getByRole('button', { name: 'Chat with us' }).click();
        const panel = widget(page);
        await panel.getByRole('heading', { name: 'Start a chat' }).waitFor();
        await panel.getByText('Chat with Helpdesk.').waitFor();
        await panel.getByLabel('Your name').fill('Wil Widget');
        await panel.getByLabel('How can we help?').fill('Where is my teapot?');
        await screenshot(page, 'customer-widget-start.png', shots, { viewportOnly: true });
        await panel.getByRole('button', { name: 'Start chat' }).click();
        await panel.getByRole('heading', { name: "You're in line" }).waitFor();
        await panel.getByText('You are next in line.').waitFor();
        await screenshot(page, 'customer-widget.png', shots, { viewportOnly: true });
        const row = await queueOfCustomer(t, 'Wil Widget');
        expect(row).toMatchObject({ queue_id: 'team:helpdesk', origin: 'chat', client_type: 'chat', state: 'waiting' });
        const waiting = (await ann.get('/api/rep/sessions')).body.waiting.find((s: any) => s.id === row.id);
        expect(waiting.clientType).toBe('chat');

        // A reload of the host page within the grace period finds the same chat, same place.
        const back = new Promise<void>((resolve) => {
          const off = t.lobby.engine.bus.subscribe((e) => {
            if (e.type === 'customer.reconnected' && e.sessionId === row.id) resolve(off());
          });
        });
        await page.reload();
        await back;
        await widget(page).getByText('You are next in line.').waitFor();

        await ann.post(`/api/rep/sessions/${row.id}/accept`);
        await widget(page).getByRole('heading', { name: 'Chat with Ann Archer' }).waitFor();
        await ann.post(`/api/rep/sessions/${row.id}/messages`, { text: 'Hi Wil! It ships tomorrow.' });
        const conversation = widget(page).getByRole('list', { name: 'Conversation' });
        await conversation.getByText('Hi Wil! It ships tomorrow.').waitFor();
        await widget(page).getByLabel('Message').fill('Wonderful, thank you!');
        await widget(page).getByRole('button', { name: 'Send' }).click();
        await conversation.getByText('Wonderful, thank you!').waitFor();
        await expect.poll(async () => (await ann.get(`/api/rep/sessions/${row.id}`)).body.messages.map((m: any) => m.text)).toContain(
          'Wonderful, thank you!',
        );
        await screenshot(page, 'customer-widget-chat.png', shots, { viewportOnly: true });

        // Closing the panel keeps the chat; the launcher brings it back.
        await widget(page).getByRole('button', { name: 'Close the chat window' }).click();
        await widget(page).waitFor({ state: 'hidden' });
        await page.getByRole('button', { name: 'Chat with us' }).click();
        await conversation.getByText('Wonderful, thank you!').waitFor();

        await widget(page).getByRole('button', { name: 'Leave' }).click();
        await widget(page).getByRole('heading', { name: 'Session ended' }).waitFor();
        await widget(page).getByText('You left the session.').waitFor();
        expect(await queueOfCustomer(t, 'Wil Widget')).toMatchObject({ state: 'ended', end_reason: 'abandoned' });
        await widget(page).getByRole('button', { name: 'Start a new chat' }).click();
        await widget(page).getByRole('button', { name: 'Start chat' }).waitFor();
      } finally {
        await context.close();
      }
    });

    it('C5: on a web site the site does not allow, the widget says so in the customer’s language and starts nothing', { timeout: 60_000 }, async () => {
      const { context, page } = await customerPage(browser, 'de-DE');
      try {
        await page.goto(host.otherUrl);
        await page.getByRole('button', { name: 'Chatten Sie mit uns' }).click();
        await page
          .getByRole('dialog', { name: 'Chat mit dem Support' })
          .getByRole('alert')
          .filter({ hasText: 'Diese Website darf den Support-Chat nicht verwenden.' })
          .waitFor();
      } finally {
        await context.close();
      }
    });
  });
});
