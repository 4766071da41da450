/**
 * Group commit for SQLite (ADR 0002). A command's commit (WAL write and fsync) costs more
 * than the rest of it, and better-sqlite3 runs one thing at a time on its one
 * connection. So the routing commands started in the same turn of the event loop share
 * one transaction:
 *
 * - the first opens the batch: it takes the connection's gate, runs `BEGIN IMMEDIATE`
 *   and schedules the commit for the end of the turn (`setImmediate`);
 * - every command runs in the batch alone, one after another, inside a savepoint: a
 *   command that throws is rolled back to its savepoint and leaves the others' work be;
 * - the batch commits once; only then does any of its commands answer, with its result
 *   or its error. A failed commit fails every command of the batch: none of them happened.
 *
 * So a caller learns of a change only once it is durable (X4), as before; commands stay
 * serialized, each seeing the ones before it; and reads through `store.db` wait for the
 * commit (sqlite-connection.ts), so they never see what a batch has not committed.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './store.js';
import type { Gate, Preparer } from './sqlite-connection.js';

/** What the commit batcher counts, for benchmarks and health reports. */
export interface CommitStats {
  /** Routing transactions asked for (commands). */
  transactions: number;
  /** Commits made for them. */
  commits: number;
}

interface Batch {
  /** Settles once BEGIN ran (or failed). */
  begun: Promise<void>;
  /** The last command queued in the batch; the commit waits for it. */
  tail: Promise<unknown>;
  /** Settles with the batch's COMMIT. */
  committed: Promise<void>;
  /** Set when SQLite dropped the transaction under the batch (an I/O error, say). */
  lost: unknown;
}

/** A command of a lost batch that had not run yet: it is run again in a new batch. */
const RUN_AGAIN = Symbol('run again');

export class CommitBatcher {
  /** The batch new commands join; null between batches and while one commits. */
  private current: Batch | null = null;
  private readonly counts: CommitStats = { transactions: 0, commits: 0 };

  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly statements: Preparer,
    private readonly gate: Gate,
    /** The batch view of the connection (sqlite-connection.ts). */
    private readonly batchDb: Db,
  ) {}

  stats(): CommitStats {
    return { ...this.counts };
  }

  async run<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    this.counts.transactions += 1;
    for (;;) {
      const batch = this.current ?? this.open();
      const ran = Promise.all([batch.begun, batch.tail]).then<T | typeof RUN_AGAIN>(() =>
        batch.lost === undefined ? this.inSavepoint(batch, work) : RUN_AGAIN,
      );
      batch.tail = ran.catch(() => undefined);
      const outcome = await ran.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (outcome.ok && outcome.value === RUN_AGAIN) continue;
      await batch.committed;
      if (!outcome.ok) throw outcome.error;
      return outcome.value as T;
    }
  }

  private open(): Batch {
    let commit!: { resolve: () => void; reject: (err: unknown) => void };
    const batch: Batch = {
      begun: this.gate.lock().then(() => {
        try {
          this.exec('BEGIN IMMEDIATE');
        } catch (err) {
          this.gate.unlock();
          throw err;
        }
        setImmediate(() => void this.flush(batch).then(commit.resolve, commit.reject));
      }),
      tail: Promise.resolve(),
      committed: new Promise<void>((resolve, reject) => (commit = { resolve, reject })),
      lost: undefined,
    };
    // BEGIN failed: the commands see its error, the batch is over and commits nothing.
    batch.begun.catch((err: unknown) => {
      if (this.current === batch) this.current = null;
      commit.reject(err);
    });
    // Nobody may be left with an unhandled rejection: every command awaits it anyway.
    batch.committed.catch(() => undefined);
    this.current = batch;
    return batch;
  }

  private async flush(batch: Batch): Promise<void> {
    if (this.current === batch) this.current = null;
    try {
      await batch.tail;
      if (batch.lost !== undefined) throw batch.lost;
      try {
        this.exec('COMMIT');
        this.counts.commits += 1;
      } catch (err) {
        // A deferred constraint or an I/O error: the transaction may still be open.
        if (this.raw.inTransaction) this.exec('ROLLBACK');
        throw err;
      }
    } finally {
      this.gate.unlock();
    }
  }

  private async inSavepoint<T>(batch: Batch, work: (tx: Db) => Promise<T>): Promise<T> {
    this.exec('SAVEPOINT command');
    try {
      const result = await work(this.batchDb);
      this.exec('RELEASE command');
      return result;
    } catch (err) {
      if (this.raw.inTransaction) {
        this.exec('ROLLBACK TO command');
        this.exec('RELEASE command');
      } else {
        // SQLite rolled the whole transaction back (it does on some I/O errors): the
        // commands before this one are undone too, and the batch cannot commit. The ones
        // after it have not run: they go to the next batch.
        batch.lost = err;
        if (this.current === batch) this.current = null;
      }
      throw err;
    }
  }

  private exec(statement: string): void {
    this.statements.prepare(statement).run();
  }
}
