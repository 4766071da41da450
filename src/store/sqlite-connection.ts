/**
 * SQLite's one connection as Kysely sees it, in two views (ADR 0002):
 *
 * - the *gated* view, `store.db`: every query or transaction of its own first takes the
 *   gate, so it runs between command batches, never inside one: it neither sees a
 *   batch's uncommitted writes nor becomes part of it;
 * - the *batch* view: the commands of the open batch, which holds the gate, run their
 *   queries on the connection directly.
 *
 * better-sqlite3 is synchronous, so a query never overlaps another: the gate orders whole
 * units of work (a query, a transaction, a batch), not statements.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from './schema.js';

/** A first-come, first-served lock on the connection. */
export class Gate {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  async lock(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  unlock(): void {
    const next = this.waiting.shift();
    // Handed straight to the next in line: nobody can slip in between.
    if (next) next();
    else this.held = false;
  }
}

/** What the driver needs of better-sqlite3: the statement cache's `prepare`. */
export interface Preparer {
  prepare(sql: string): BetterSqlite3.Statement;
  close(): void;
}

class Connection implements DatabaseConnection {
  constructor(private readonly raw: Preparer) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.raw.prepare(compiled.sql);
    const parameters = compiled.parameters as unknown[];
    if (statement.reader) return Promise.resolve({ rows: statement.all(parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(parameters);
    return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the engine reads whole results; streaming is not supported');
  }
}

/** Kysely's driver for one connection; `gate` is null for the batch view. */
class OneConnectionDriver implements Driver {
  private readonly connection: Connection;

  constructor(
    private readonly raw: Preparer,
    private readonly gate: Gate | null,
    private readonly closes: boolean,
  ) {
    this.connection = new Connection(raw);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate?.lock();
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.gate?.unlock();
  }

  async destroy(): Promise<void> {
    if (this.closes) this.raw.close();
  }
}

function dialect(driver: Driver): Dialect {
  return {
    createDriver: () => driver,
    createAdapter: () => new SqliteAdapter(),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db) => new SqliteIntrospector(db),
  };
}

/** The gated view: `store.db`. Destroying it closes the connection. */
export function gatedDatabase(raw: Preparer, gate: Gate): Kysely<Database> {
  return new Kysely<Database>({ dialect: dialect(new OneConnectionDriver(raw, gate, true)) });
}

/** The batch view: only for work that holds the gate. */
export function batchDatabase(raw: Preparer): Kysely<Database> {
  return new Kysely<Database>({ dialect: dialect(new OneConnectionDriver(raw, null, false)) });
}
