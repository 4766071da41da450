/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (never a
 * browser download), phone- and desktop-sized pages, screenshots for docs/screenshots,
 * and the rep console's login. Nothing here sleeps: callers wait on what pages show.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

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
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 2, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  return { context, page };
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
