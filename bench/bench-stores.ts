/**
 * Fresh stores for a benchmark: SQLite in a new temporary folder, or PostgreSQL in a new
 * schema of the database at LOBBY_BENCH_PG_URL (default: the test database on 127.0.0.1),
 * removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store, StoreKind } from '../src/store/store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { openPostgresStore } from '../src/store/postgres-store.js';

export const BENCH_PG_URL = process.env.LOBBY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where a benchmark store lives, so that another process can open the same one. */
export type StoreLocation = { kind: 'sqlite'; dir: string } | { kind: 'postgres'; url: string; schema: string };

export function newLocation(kind: StoreKind): StoreLocation {
  if (kind === 'sqlite') return { kind, dir: mkdtempSync(join(tmpdir(), 'lobby-bench-')) };
  return { kind, url: BENCH_PG_URL, schema: `bench_${randomBytes(5).toString('hex')}` };
}

export function openLocation(location: StoreLocation, poolSize = 10): Promise<Store> {
  return location.kind === 'sqlite'
    ? openSqliteStore(location.dir)
    : openPostgresStore({ url: location.url, schema: location.schema, poolSize });
}

/** Deletes the store's folder or schema; the store must be closed. */
export async function removeLocation(location: StoreLocation): Promise<void> {
  if (location.kind === 'sqlite') {
    rmSync(location.dir, { recursive: true, force: true });
    return;
  }
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${location.schema}" cascade`);
  } finally {
    await client.end();
  }
}
