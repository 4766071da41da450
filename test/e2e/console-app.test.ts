/**
 * The rep console as an installable phone app (I1), in a real browser against a real Lobby:
 * the web app manifest and its icons, the service worker that keeps the app shell (and
 * never /api or /ws), a start without network, and system notifications while the console
 * is in the background (here: a transfer to the rep, T4). Also the settings screen (A5, C2,
 * sound, notifications).
 *
 * One store is enough: nothing here touches storage beyond what the other suites cover.
 * Nothing sleeps: every step waits on what the page shows or on the browser's own promises.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RepClient, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import {
  CONSOLE_PASSWORD,
  CONSOLE_SITE,
  DESKTOP,
  PHONE,
  customerAsks,
  haveChromium,
  launchBrowser,
  newPage,
  repAlert,
  repLogsIn,
  screenshot,
  setPageHidden,
} from './browser-harness.js';

interface Manifest {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
}

/** Width and height from a PNG's header. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

async function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const paths: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
    }
    return paths;
  });
}

describe.skipIf(!haveChromium)('the rep console as an installable app', () => {
  let browser: Browser;
  let t: TestLobby;
  const open: { close(): Promise<void> }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startTestLobby('sqlite', CONSOLE_SITE);
    t.clock.set(Date.now());
  });

  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await t?.close();
    await browser?.close();
  });

  async function phone() {
    const r = await newPage(browser);
    open.push(r.context);
    r.page.on('pageerror', (err) => pageErrors.push(err.message));
    return r;
  }

  it('I1: a manifest with icons; a service worker keeps the app shell, never /api or /ws; the console starts without network', { timeout: 90_000 }, async () => {
    const { context, page } = await phone();
    await repLogsIn(page, t.url, 'cara', CONSOLE_PASSWORD);

    // The manifest: installable as a standalone app scoped to the console, icons at 192 and 512.
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const manifestUrl = new URL(href ?? '', page.url()).toString();
    expect(manifestUrl).toBe(`${t.url}/console/manifest.webmanifest`);
    const manifest = (await (await page.request.get(manifestUrl)).json()) as Manifest;
    expect(manifest).toMatchObject({ name: 'Lobby rep console', short_name: 'Lobby', display: 'standalone' });
    expect(new URL(manifest.start_url, manifestUrl).toString()).toBe(`${t.url}/console/`);
    expect(new URL(manifest.scope, manifestUrl).toString()).toBe(`${t.url}/console/`);
    const sizes = [];
    for (const icon of manifest.icons) {
      const res = await page.request.get(new URL(icon.src, manifestUrl).toString());
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toBe('image/png');
      const [width, height] = pngSize(await res.body());
      expect(`${width}x${height}`).toBe(icon.sizes);
      sizes.push(`${icon.sizes} ${icon.purpose ?? 'any'}`);
    }
    expect(sizes).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);

    // The service worker: /console/sw.js, scoped to the console, in control after a reload.
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { scope: registration.scope, script: registration.active?.scriptURL };
    });
    expect(worker).toEqual({ scope: `${t.url}/console/`, script: `${t.url}/console/sw.js` });
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${t.url}/console/sw.js`);

    // It keeps the shell (page, scripts, styles, manifest, icons) and no live data.
    const cached = await cachedPaths(page);
    for (const path of ['/console/', '/console/manifest.webmanifest', '/console/icons/icon-192.png']) expect(cached).toContain(path);
    expect(cached.some((p) => /^\/assets\/console-.*\.js$/.test(p))).toBe(true);
    expect(cached.some((p) => /^\/assets\/.*\.css$/.test(p))).toBe(true);
    expect(cached.filter((p) => p.startsWith('/api') || p.startsWith('/ws'))).toEqual([]);

    // Without network the console still opens (from the kept shell) and says what is wrong.
    await context.setOffline(true);
    const offline = await page.reload();
    expect(offline?.fromServiceWorker()).toBe(true);
    await page.getByText('Cannot reach the server. Check your connection and try again.').waitFor();
    // The worker itself had no network either: the page came out of its cache.
    const probe = await page.evaluate(() => fetch('/console/icons/icon-192.png?probe').then(() => 'network', () => 'no network'));
    expect(probe).toBe('no network');
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect((await cachedPaths(page)).filter((p) => p.startsWith('/api') || p.startsWith('/ws'))).toEqual([]);
  });

  it('I1, A5, C2, T4: settings; a system notification for a transfer while the console is in the background', { timeout: 90_000 }, async () => {
    const { context, page } = await phone();
    await context.grantPermissions(['notifications'], { origin: t.url });
    await repLogsIn(page, t.url, 'ann', CONSOLE_PASSWORD);
    await page.evaluate(() => navigator.serviceWorker.ready);

    // Settings: automatic assignment, the representative list (C2), sound, system notifications.
    await page.getByRole('button', { name: 'Settings' }).click();
    const listed = page.getByRole('switch', { name: 'Show me on the representative list' });
    await listed.waitFor();
    const wasListed = await listed.isChecked();
    await listed.setChecked(!wasListed);
    await page.getByRole('switch', { name: 'Show me on the representative list' }).and(page.locator(wasListed ? ':not(:checked)' : ':checked')).waitFor();
    const ann = await RepClient.login(t.url, 'ann', CONSOLE_PASSWORD);
    expect((await ann.get('/api/rep/listing')).body.listed).toBe(!wasListed);
    await listed.setChecked(true);
    const notifications = page.getByRole('switch', { name: 'System notifications' });
    await notifications.check();
    expect(await notifications.isChecked()).toBe(true);
    expect(await page.getByRole('switch', { name: 'Automatic assignment' }).isChecked()).toBe(true);
    await screenshot(page, 'console-settings.png', true, { viewportOnly: true });
    await page.setViewportSize(DESKTOP);
    await screenshot(page, 'console-settings-desktop.png', true, { viewportOnly: true });
    await page.setViewportSize(PHONE);

    // In the background (another app in front), Bob transfers a session to Ann (T4).
    await setPageHidden(page, true);
    await page.getByTestId('rep-state').filter({ hasText: 'Away' }).waitFor();
    const bob = await RepClient.login(t.url, 'bob', CONSOLE_PASSWORD);
    const { sessionId } = await customerAsks(t.url, { name: 'Pat Printer', details: 'Offline printer.' });
    expect((await bob.post(`/api/rep/sessions/${sessionId}/accept`)).status).toBe(200);
    expect((await bob.post(`/api/rep/sessions/${sessionId}/transfer`, { queueId: `rep:${ann.id}` })).status).toBe(200);

    await repAlert(page, 'Transferred to you: Pat Printer').waitFor({ state: 'attached' });
    const shown = await page.waitForFunction(async () => {
      const registration = await navigator.serviceWorker.ready;
      const titles = (await registration.getNotifications()).map((n) => n.title);
      return titles.length > 0 ? titles : null;
    });
    expect(await shown.jsonValue()).toEqual(['Transferred to you: Pat Printer']);
    await setPageHidden(page, false);
    await page.getByTestId('rep-state').filter({ hasText: 'Available' }).waitFor();
  });
});
