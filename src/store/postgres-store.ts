import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import { migrateToLatest } from './migrate.js';

/** Key of the cluster-wide routing lock (pg_advisory_xact_lock); any constant will do. */
const ROUTING_LOCK_KEY = 7_153_921;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * pg returns int8 as a string because it may exceed 2^53. Our int8 columns hold
 * milliseconds and counts, far below that, so they are read as numbers; this keeps row
 * types identical on both stores.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PostgresOptions {
  url: string;
  /** Schema to work in (tests use a fresh one per file). Default: the server's default. */
  schema?: string;
  poolSize?: number;
}

export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  if (options.schema) {
    await pool.query(`create schema if not exists "${options.schema.replaceAll('"', '')}"`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  await migrateToLatest(db, 'postgres', current.rows[0]?.schema ?? 'public');
  return {
    kind: 'postgres',
    db,
    async routingTransaction(work) {
      return db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${ROUTING_LOCK_KEY})`.execute(tx);
        return work(tx);
      });
    },
    async serverVersion() {
      const row = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
      return `PostgreSQL ${row.rows[0]?.v ?? '?'}`;
    },
    async close() {
      await db.destroy();
    },
  };
}
