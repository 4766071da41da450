/**
 * The demo site: what a new installation starts with when its database is empty, so that
 * a first-time user can log in and watch routing at once. The site itself is plain
 * configuration in examples/demo-site.yaml, which doubles as the annotated example.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/store.js';
import { importSiteConfig, type ImportSummary } from './import-config.js';

/** From src/config/ (or dist/config/) up to the repository root. */
export const DEMO_SITE_PATH = fileURLToPath(new URL('../../examples/demo-site.yaml', import.meta.url));

export async function loadDemoSite(store: Store, now: number): Promise<ImportSummary> {
  return importSiteConfig(store, await readFile(DEMO_SITE_PATH, 'utf8'), now);
}

/** A store with no users has never been configured. */
export async function isStoreEmpty(store: Store): Promise<boolean> {
  return (await store.db.selectFrom('users').select('id').limit(1).executeTakeFirst()) === undefined;
}
