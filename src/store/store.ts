/**
 * The Store port. Both adapters expose the same Kysely query builder over the same
 * schema, so every query module serves both stores; what differs is how a connection is
 * opened and how the routing lock is taken.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type StoreKind = 'sqlite' | 'postgres';

/** A query context: the whole database, or one transaction on it. */
export type Db = Kysely<Database>;

export interface Store {
  readonly kind: StoreKind;
  /** For reads, which take no lock. */
  readonly db: Db;
  /**
   * Runs `work` as one transaction under the routing lock, so that routing decisions are
   * serialized across every Lobby node sharing this database (DESIGN: the database is
   * the truth). The transaction commits when `work` resolves and rolls back when it throws.
   */
  routingTransaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Tells the other nodes sharing this database, when `tx` commits, that events or timers
   * changed (PostgreSQL NOTIFY). A no-op on SQLite, which has one node by construction.
   */
  notifyCommit(tx: Db): Promise<void>;
  /** Calls `listener` whenever any node committed such a change. Resolves to a stop function. */
  watchCommits(listener: () => void): Promise<() => Promise<void>>;
  /** Routing transactions asked for and commits made (SQLite shares commits: ADR 0002). */
  stats(): { transactions: number; commits: number };
  /** The database server's version, for /healthz. */
  serverVersion(): Promise<string>;
  close(): Promise<void>;
}
