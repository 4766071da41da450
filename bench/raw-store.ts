/**
 * The store's own limit, measured on the same database the server uses: single-row insert
 * transactions, one after another, each committed (and on SQLite fsynced: WAL with
 * synchronous=FULL) before the next starts — the least a command can cost. Runs through
 * the Store port (the same connection, pragmas and routing lock as a command), into a
 * scratch table that is dropped afterwards.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Store } from '../src/store/store.js';

export async function rawInsertTxPerSecond(store: Store, seconds: number): Promise<{ txPerSec: number; p50Ms: number; transactions: number }> {
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
  await sql`drop table bench_raw`.execute(store.db);
  durations.sort((a, b) => a - b);
  return { txPerSec: id / elapsed, p50Ms: durations[Math.floor(durations.length / 2)] ?? NaN, transactions: id };
}
