import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import type { Db, Store } from './store.js';
import { migrateToLatest } from './migrate.js';

export class DataDirLockedError extends Error {
  constructor(dir: string) {
    super(`another Lobby process is using the data folder ${dir}; stop it first, or set LOBBY_DATA_DIR to another folder`);
    this.name = 'DataDirLockedError';
  }
}

/**
 * The embedded store. The database file is opened in SQLite's exclusive locking mode and
 * written once at open, so the OS-level lock is held for the life of the process: a second
 * process on the same folder fails at once, and a crashed process leaves no stale lock.
 */
export async function openSqliteStore(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'lobby.db');
  const raw = new BetterSqlite3(file, { timeout: 0 });
  try {
    raw.pragma('locking_mode = EXCLUSIVE');
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    raw.exec('BEGIN EXCLUSIVE; COMMIT;');
  } catch (err) {
    raw.close();
    if (err instanceof Error && /locked|busy/i.test(err.message)) throw new DataDirLockedError(dataDir);
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  await migrateToLatest(db as unknown as Db, 'sqlite');
  return {
    kind: 'sqlite',
    db,
    async routingTransaction(work) {
      // Kysely's SQLite driver has one connection behind a mutex; holding it for the whole
      // transaction serializes commands in this process, and BEGIN IMMEDIATE takes the
      // write lock up front so that a transaction never upgrades from read to write.
      return db.connection().execute(async (conn) => {
        await conn.executeQuery(BEGIN_IMMEDIATE);
        try {
          const result = await work(conn);
          await conn.executeQuery(COMMIT);
          return result;
        } catch (err) {
          await conn.executeQuery(ROLLBACK);
          throw err;
        }
      });
    },
    async notifyCommit() {},
    async watchCommits() {
      return async () => undefined;
    },
    async serverVersion() {
      const row = await sql<{ v: string }>`select sqlite_version() as v`.execute(db);
      return `SQLite ${row.rows[0]?.v ?? '?'}`;
    },
    async close() {
      await db.destroy();
    },
  };
}

// Compiled once: a command runs them every time.
const BEGIN_IMMEDIATE = CompiledQuery.raw('BEGIN IMMEDIATE');
const COMMIT = CompiledQuery.raw('COMMIT');
const ROLLBACK = CompiledQuery.raw('ROLLBACK');

/** Prepared statements kept: every distinct query text of the engine, with room to spare. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs as much as running most
 * of the engine's small queries (docs/performance.md). The same query text reuses its
 * prepared statement here, least recently used dropped first. Safe because the driver
 * runs one query at a time on this one connection and reads each result at once (`all`,
 * `run`); the engine never streams.
 */
function withStatementCache(raw: BetterSqlite3.Database): { close(): void; prepare(sql: string): BetterSqlite3.Statement } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      const hit = cache.get(text);
      if (hit !== undefined) {
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const statement = raw.prepare(text);
      cache.set(text, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}
