/**
 * Opens a fresh real store for a test file: SQLite in a new temporary folder, or
 * PostgreSQL in a new schema of the local `test` database (dropped on close).
 *
 * PostgreSQL is required when CI=true or LOBBY_REQUIRE_PG=1; elsewhere a machine without
 * it skips the PostgreSQL half of the suite and says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store, StoreKind } from '../../src/store/store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';

export const TEST_PG_URL = process.env.LOBBY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgRequired = process.env.CI === 'true' || process.env.LOBBY_REQUIRE_PG === '1';

async function pgReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (err) {
    if (pgRequired) throw new Error(`PostgreSQL is required (CI) but not reachable at ${TEST_PG_URL}: ${String(err)}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const reachable = await pgReachable();
if (!reachable) console.warn(`PostgreSQL not reachable at ${TEST_PG_URL}: its tests are skipped`);

/** The store kinds this machine can test: both in CI. */
export const STORE_KINDS: StoreKind[] = reachable ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestStore {
  store: Store;
  /** Reopens the same database, as a restart would (the old store must be closed first). */
  reopen(): Promise<Store>;
  close(): Promise<void>;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'lobby-test-'));
    let store = await openSqliteStore(dir);
    return {
      get store() {
        return store;
      },
      async reopen() {
        store = await openSqliteStore(dir);
        return store;
      },
      async close() {
        await store.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let store = await openPostgresStore({ url: TEST_PG_URL, schema, poolSize: 4 });
  return {
    get store() {
      return store;
    },
    async reopen() {
      store = await openPostgresStore({ url: TEST_PG_URL, schema, poolSize: 4 });
      return store;
    },
    async close() {
      await store.close().catch(() => undefined);
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}
