import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db, Store } from './store.js';
import { migrateToLatest } from './migrate.js';
import { Gate, batchDatabase, gatedDatabase, type Preparer } from './sqlite-connection.js';
import { CommitBatcher } from './sqlite-commit-batcher.js';

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
  const statements = withStatementCache(raw);
  const gate = new Gate();
  const db: Db = gatedDatabase(statements, gate);
  // Commands share commits (group commit, ADR 0002); they run one at a time, each seeing
  // the ones before it, and answer once their batch is durable.
  const batcher = new CommitBatcher(raw, statements, gate, batchDatabase(statements));
  await migrateToLatest(db, 'sqlite');
  return {
    kind: 'sqlite',
    db,
    routingTransaction: (work) => batcher.run(work),
    stats: () => batcher.stats(),
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

/** Prepared statements kept: every distinct query text of the engine, with room to spare. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs as much as running most
 * of the engine's small queries (docs/performance.md). The same query text reuses its
 * prepared statement here, least recently used dropped first. Safe because the driver
 * runs one query at a time on this one connection and reads each result at once (`all`,
 * `run`); the engine never streams.
 */
function withStatementCache(raw: BetterSqlite3.Database): Preparer {
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
