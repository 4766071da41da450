/**
 * The store's own limit, measured on the same database the server uses: single-row insert
 * transactions, one after another, each committed (and on SQLite fsynced: WAL with
 * synchronous=FULL) before the next starts — the least a command can cost. Runs through
 * the Store port (the same connection, pragmas and routing lock as a command), into a
 * scratch table that is dropped afterwards. Then the same from many writers at once, which
 * may share commits (`concurrentInserts`).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Store } from '../src/store/store.js';

export async function rawInsertTxPerSecond(
  store: Store,
  seconds: number,
): Promise<{ txPerSec: number; p50Ms: number; transactions: number; concurrent: { txPerSec: number; writers: number; perCommit: number } }> {
  await sql`create table if not exists bench_raw (id integer primary key, at bigint not null, payload text not null)`.execute(store.db);
  const payload = 'x'.repeat(200);
  const durations: number[] = [];
  const until = performance.now() + seconds * 1000;
  let id = 0;
  const started = performance.now();
  while (performance.now() < until) {
    const t = performance.now();
    id += 1;
    const row = id;
    await store.routingTransaction(async (tx) => {
      await sql`insert into bench_raw (id, at, payload) values (${row}, ${Date.now()}, ${payload})`.execute(tx);
    });
    durations.push(performance.now() - t);
  }
  const elapsed = (performance.now() - started) / 1000;
  const concurrent = await concurrentInserts(store, seconds, id, payload);
  await sql`drop table bench_raw`.execute(store.db);
  durations.sort((a, b) => a - b);
  return { txPerSec: id / elapsed, p50Ms: durations[Math.floor(durations.length / 2)] ?? NaN, transactions: id, concurrent };
}

/** Writers in the concurrent half: as many as the throughput phase's customers. */
const WRITERS = 64;

/**
 * The same transactions from WRITERS loops at once, each starting its next as soon as its
 * last was answered: what the store allows when commands may share commits (on SQLite,
 * ADR 0002). On PostgreSQL the routing lock still runs them one at a time; what they gain
 * there is that the next one's BEGIN and lock request already wait at the server.
 */
async function concurrentInserts(store: Store, seconds: number, lastId: number, payload: string): Promise<{ txPerSec: number; writers: number; perCommit: number }> {
  let id = lastId;
  let done = 0;
  const before = store.stats();
  const started = performance.now();
  const until = started + seconds * 1000;
  const writer = async (): Promise<void> => {
    while (performance.now() < until) {
      id += 1;
      const row = id;
      await store.routingTransaction(async (tx) => {
        await sql`insert into bench_raw (id, at, payload) values (${row}, ${Date.now()}, ${payload})`.execute(tx);
      });
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const elapsed = (performance.now() - started) / 1000;
  const after = store.stats();
  return { txPerSec: done / elapsed, writers: WRITERS, perCommit: (after.transactions - before.transactions) / Math.max(1, after.commits - before.commits) };
}
