/**
 * What the customer-side browser tests share: a Lobby on the customer test site, pages in
 * a chosen language, and customers' view of where their session waits.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StoreKind } from '../../src/store/store.js';
import { customerSite } from '../support/customer-site.js';
import { startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { PHONE, ROOT, STEP_MS, launchBrowser } from './browser-harness.js';

/** The pages this suite needs, the chat widget's script and page among them. */
export async function launchCustomerBrowser(): Promise<Browser> {
  const needed = ['web/dist/portal/index.html', 'web/dist/chat/index.html', 'web/dist/widget/lobby-chat.js'];
  if (!needed.every((p) => existsSync(join(ROOT, p)))) {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  }
  return launchBrowser();
}

/** A phone-sized page whose browser prefers `locale` (navigator.languages). */
export async function customerPage(browser: Browser, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, reducedMotion: 'reduce', locale });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  return { context, page };
}

export function startCustomerLobby(kind: StoreKind, allowedOrigins: string[] = []): Promise<TestLobby> {
  return startTestLobby(kind, customerSite({ allowedOrigins }));
}

/** The queue a session waits in, straight from the store. */
export async function queueOfCustomer(t: TestLobby, customerName: string) {
  const row = await t.lobby.store.db
    .selectFrom('sessions')
    .select(['id', 'queue_id', 'origin', 'client_type', 'state', 'end_reason'])
    .where('customer_name', '=', customerName)
    .executeTakeFirstOrThrow();
  return row;
}
