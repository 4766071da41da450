/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (never a
 * browser download), phone- and desktop-sized pages, screenshots for docs/screenshots,
 * and the rep console's login. Nothing here sleeps: callers wait on what pages show.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { StoreKind } from '../../src/store/store.js';
import { startTestLobby, type TestLobby } from '../support/lobby-harness.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Without Chromium the browser suites are skipped, except in CI, where that is an error. */
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);
  console.warn(`${CHROMIUM} not found: the browser tests are skipped`);
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
/** Each step waits at most this long for the page to show what it should. */
export const STEP_MS = 10_000;

/** The server serves web/dist; build it once when missing (npm test builds it beforehand). */
export async function ensureWebBuilt(): Promise<void> {
  const pages = ['web/dist/portal/index.html', 'web/dist/console/index.html'];
  if (pages.every((p) => existsSync(join(ROOT, p)))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}

export async function launchBrowser(): Promise<Browser> {
  await ensureWebBuilt();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A fresh browser context (its own cookies and storage) with one page, phone-sized unless told. */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number } = PHONE,
  options: { deviceScaleFactor?: number; locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: options.deviceScaleFactor ?? 2,
    reducedMotion: 'reduce',
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  return { context, page };
}

/** Admin pages are desktop pages first; their screenshots are one pixel per CSS pixel. */
export const ADMIN_DESKTOP = { width: 1280, height: 900 };

/** A fresh context and page for the admin and team pages: desktop-sized unless told, scale 1. */
export function newAdminPage(
  browser: Browser,
  viewport: { width: number; height: number } = ADMIN_DESKTOP,
  locale?: string,
): Promise<{ context: BrowserContext; page: Page }> {
  return newPage(browser, viewport, { deviceScaleFactor: 1, ...(locale ? { locale } : {}) });
}

/**
 * Saves a screenshot after checking that nothing sticks out sideways. Phone shots show
 * the whole page; `viewportOnly` shots show what fits the window, one pixel per CSS pixel.
 */
export async function screenshot(page: Page, name: string, enabled: boolean, options: { viewportOnly?: boolean } = {}): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name}: the page is wider than its window`).toBeLessThanOrEqual(0);
  if (!enabled) return;
  await page.mouse.move(0, 0); // no hover colours in the picture
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOTS, name),
    fullPage: !options.viewportOnly,
    animations: 'disabled',
    ...(options.viewportOnly ? { scale: 'css' as const } : {}),
  });
}

/** Logs a rep in and waits until the console's live feed is connected and the first read is done. */
export async function repLogsIn(page: Page, baseUrl: string, login: string, password: string): Promise<string> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Waiting' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  // The first read is done: anything that shows up from now on came over the live feed.
  await page.getByText('Loading…').first().waitFor({ state: 'detached' });
  return ((await page.getByTestId('rep-name').textContent()) ?? '').trim();
}

/** A session in the console's "Waiting" card, by customer name. */
export function waitingItem(page: Page, customer: string): Locator {
  return page.getByRole('region', { name: 'Waiting', exact: true }).getByRole('listitem').filter({ hasText: customer });
}

/**
 * Makes the page look hidden (another app in front, the phone's screen off) or shown again:
 * the console locks the rep (A2) and shows system notifications only while hidden.
 */
export async function setPageHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((isHidden) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (isHidden ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/**
 * Keeps every WebSocket the context's pages open in `window.__lobbySockets`, so that a test
 * can drop the console's live connection (closeLiveSockets). Call before the page loads.
 */
export async function trackWebSockets(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    Object.defineProperty(window, '__lobbySockets', { value: sockets });
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
}

/** Closes the page's open WebSockets as a network drop would (see trackWebSockets); resolves once they are closed. */
export async function closeLiveSockets(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const sockets = (window as unknown as { __lobbySockets: WebSocket[] }).__lobbySockets.filter((s) => s.readyState === WebSocket.OPEN);
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.addEventListener('close', () => resolve(), { once: true });
            s.close(4000, 'test: connection dropped');
          }),
      ),
    );
    return sockets.length;
  });
}

/** The console's own alerts for this rep (T4 transfers, S1 invitations, S3 ownership). */
export function repAlert(page: Page, text: string | RegExp): Locator {
  return page.getByTestId('rep-alert').filter({ hasText: text });
}

/** One queue's group in the console's "Waiting" card ("My personal queue", a team's name). */
export function queueGroup(page: Page, title: string): Locator {
  return page.getByRole('region', { name: 'Waiting', exact: true }).getByRole('region', { name: title, exact: true });
}

export const CONSOLE_PASSWORD = 'correct horse';

/**
 * The console suites' site: a helpdesk (Ann, Bob; Bob leads it), a network team (Dan), a
 * vendor embassy (Cara) and an admin (Rita). Nothing routes automatically, so sessions wait
 * until a rep acts, and the tests decide every step.
 */
export const CONSOLE_SITE = {
  version: 1,
  site: { siteName: 'Console test', repGraceSeconds: 60 },
  generalQueue: { algorithm: 'none' },
  policies: [{ id: 'standard', name: 'Standard' }],
  users: [
    { login: 'ann', displayName: 'Ann Archer', displayNumber: 1, policy: 'standard', password: CONSOLE_PASSWORD },
    { login: 'bob', displayName: 'Bob Baker', displayNumber: 2, policy: 'standard', password: CONSOLE_PASSWORD },
    { login: 'cara', displayName: 'Cara Cole', displayNumber: 3, policy: 'standard', password: CONSOLE_PASSWORD },
    { login: 'dan', displayName: 'Dan Dune', displayNumber: 4, policy: 'standard', password: CONSOLE_PASSWORD },
    { login: 'rita', displayName: 'Rita Root', displayNumber: 9, policy: 'standard', admin: true, password: CONSOLE_PASSWORD },
  ],
  teams: [
    { id: 'helpdesk', name: 'Helpdesk', algorithm: 'none', members: [{ user: 'ann' }, { user: 'bob', role: 'lead' }] },
    { id: 'network', name: 'Network', algorithm: 'none', members: [{ user: 'dan' }] },
    { id: 'vendor', name: 'Vendor support', kind: 'embassy', algorithm: 'none', members: [{ user: 'cara' }] },
  ],
  skills: [
    { id: 'printers', name: 'Printers' },
    { id: 'laser', name: 'Laser printers', parent: 'printers' },
  ],
  issues: [
    { code: 'printer', title: 'Printer trouble', team: 'helpdesk', skills: ['laser'], priority: 0, showOnPortal: true },
    { code: 'outage', title: 'Service outage', team: 'helpdesk', priority: 5, showOnPortal: true },
  ],
};

/** A customer asks for help through the portal's issue form (over HTTP: the portal has its own tests). */
export async function customerAsks(
  baseUrl: string,
  customer: { name: string; company?: string; details?: string; issue?: string },
): Promise<{ sessionId: string; customerToken: string }> {
  const res = await fetch(`${baseUrl}/api/portal/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      issueCode: customer.issue ?? 'printer',
      customerName: customer.name,
      customerCompany: customer.company,
      details: customer.details,
    }),
  });
  const body = (await res.json()) as { sessionId: string; customerToken: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** A whole-page screenshot from the top, so that the sticky header is drawn where it belongs. */
export async function pageShot(page: Page, name: string, enabled: boolean): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name, enabled);
}

/** Anything a test opens and the suite closes after it: a server, a browser context. */
interface Closeable {
  close(): Promise<void>;
}

export interface RepPageOptions {
  viewport?: { width: number; height: number };
  /** Lets the test move the page's clock as it moves the server's (install before load). */
  fakeClock?: boolean;
  /** Keeps the page's WebSockets so that the test can drop them (see closeLiveSockets). */
  trackSockets?: boolean;
  password?: string;
}

export interface ConsoleSuite {
  readonly browser: Browser;
  /** Closes `item` after the current test, after everything opened later. */
  keep<T extends Closeable>(item: T): T;
  /** A server on a fresh store with `site` (CONSOLE_SITE by default), its clock near the browser's. */
  lobby(kind: StoreKind, site?: unknown): Promise<TestLobby>;
  /** A rep's page (phone-sized unless told), logged in, and counted available by the server. */
  rep(t: TestLobby, login: string, options?: RepPageOptions): Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * The browser suites' common frame: one Chromium per file; after each test the pages close
 * first (their consoles disconnect), then the servers; an uncaught error in any page fails
 * the test (a blocked sound or a lost race must never throw). Call at the top of a describe.
 */
export function consoleSuite(): ConsoleSuite {
  let browser: Browser | undefined;
  const open: Closeable[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const suite: ConsoleSuite = {
    get browser() {
      if (!browser) throw new Error('consoleSuite: the browser starts in beforeAll');
      return browser;
    },
    keep(item) {
      open.push(item);
      return item;
    },
    async lobby(kind, site = CONSOLE_SITE) {
      const t = suite.keep(await startTestLobby(kind, site));
      // Server times near the browser's, so that "waiting 3 s" reads as it would in production.
      t.clock.set(Date.now());
      return t;
    },
    async rep(t, login, options = {}) {
      const r = await newPage(suite.browser, options.viewport);
      suite.keep(r.context);
      r.page.on('pageerror', (err) => pageErrors.push(`${login}: ${err.message}`));
      if (options.trackSockets) await trackWebSockets(r.context);
      if (options.fakeClock) await r.page.clock.install();
      await repLogsIn(r.page, t.url, login, options.password ?? CONSOLE_PASSWORD);
      await r.page.getByTestId('rep-state').filter({ hasText: 'Available' }).waitFor();
      return r;
    },
  };
  return suite;
}
