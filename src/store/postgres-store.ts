import { createHash } from 'node:crypto';
import pg from 'pg';
import { Kysely, sql } from 'kysely';
import { ScopedPostgresDialect } from './postgres-introspector.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import { migrateToLatest } from './migrate.js';

/**
 * The routing lock and the commit channel belong to one Lobby site, that is one schema:
 * two sites in one database (or test files in their own schemas) must not wait on each
 * other's lock nor wake each other's nodes.
 */
function siteScope(schema: string): { lockKey: number; channel: string } {
  const digest = createHash('sha256').update(schema).digest();
  return { lockKey: digest.readInt32BE(0), channel: `lobby_commits_${digest.toString('hex').slice(0, 16)}` };
}
/** How long a node waits before listening again after its listening connection failed. */
const RELISTEN_MS = 1000;


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
  const clientConfig = {
    connectionString: options.url,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? 10 });
  if (options.schema) {
    await pool.query(`create schema if not exists "${options.schema.replaceAll('"', '')}"`);
  }
  const db = new Kysely<Database>({ dialect: new ScopedPostgresDialect({ pool }) });
  const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = current.rows[0]?.schema ?? 'public';
  await migrateToLatest(db, 'postgres', schema);
  const scope = siteScope(schema);
  // Both are made here from a number and a hex digest: safe to write into the SQL text.
  const openTransaction = `begin; select pg_advisory_xact_lock(${scope.lockKey}), pg_notify('${scope.channel}', '')`;
  const counts = { transactions: 0, commits: 0 };
  return {
    kind: 'postgres',
    db,
    stats: () => ({ ...counts }),
    async routingTransaction(work) {
      counts.transactions += 1;
      // Every statement is a round trip under the lock (docs/performance.md), so the
      // transaction opens, takes the routing lock and queues the commit notification in
      // one: a query without parameters may hold several statements, and BEGIN in it
      // leaves the transaction open after it. The notification is delivered by PostgreSQL
      // only if and when the transaction commits; a commit that changed no events or
      // timers only makes the other nodes look once for nothing.
      return db.connection().execute(async (conn) => {
        try {
          await sql.raw(openTransaction).execute(conn);
        } catch (err) {
          // The lock wait failed (a timeout, say) with the transaction open, or BEGIN did.
          await sql.raw('rollback').execute(conn).catch(() => undefined);
          throw err;
        }
        let result: Awaited<ReturnType<typeof work>>;
        try {
          result = await work(conn);
        } catch (err) {
          await sql.raw('rollback').execute(conn);
          throw err;
        }
        const done = await sql.raw<{ command?: string }>('commit').execute(conn);
        // PostgreSQL ends COMMIT with a ROLLBACK tag when an earlier error (one that the
        // work caught and went on from) left the transaction aborted: nothing was saved.
        if (done.rows[0]?.command === 'ROLLBACK') throw new Error('the routing transaction was aborted by an earlier error and rolled back');
        counts.commits += 1;
        return result;
      });
    },
    async notifyCommit() {
      // Queued by every routing transaction as it opens (above).
    },
    async watchCommits(listener) {
      let client: pg.Client | null = null;
      let stopped = false;
      let retry: NodeJS.Timeout | null = null;
      const listen = async (): Promise<void> => {
        const c = new pg.Client(clientConfig);
        c.on('notification', () => listener());
        c.on('error', () => {
          // The connection broke: what was notified meanwhile is caught up on reconnect.
          void c.end().catch(() => undefined);
          if (client === c) client = null;
          if (!stopped) retry = setTimeout(() => void listen().catch(() => undefined), RELISTEN_MS).unref();
        });
        await c.connect();
        await c.query(`listen ${scope.channel}`);
        if (stopped) {
          await c.end();
          return;
        }
        client = c;
        listener();
      };
      await listen();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => undefined);
        client = null;
      };
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
