/**
 * PostgreSQL's routing transaction opens, takes the routing lock and queues the commit
 * notification in one round trip (src/store/postgres-store.ts). These check what that
 * must keep: commands are serialized by the lock, a commit wakes the other nodes, and a
 * transaction that failed saves nothing and leaves its connection usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { STORE_KINDS, openTestStore, type TestStore } from '../support/test-stores.js';
import type { Store } from '../../src/store/store.js';

const kinds = STORE_KINDS.filter((k) => k === 'postgres');

describe.runIf(kinds.length > 0)('the routing transaction on postgres', () => {
  let t: TestStore;
  let store: Store;
  beforeAll(async () => {
    t = await openTestStore('postgres');
    store = t.store;
    await sql`create table rt_probe (id integer primary key, note text not null)`.execute(store.db);
  });
  afterAll(async () => t?.close());

  const notes = async () => (await sql<{ note: string }>`select note from rt_probe order by id`.execute(store.db)).rows.map((r) => r.note);

  it('X5: a second routing transaction waits for the first one’s lock, and runs after its commit', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = store.routingTransaction(async (tx) => {
      order.push('first in');
      await sql`insert into rt_probe (id, note) values (1, 'first')`.execute(tx);
      await held;
      order.push('first out');
    });
    // The second asks for the lock once the first holds it.
    while (order.length === 0) await sql`select 1`.execute(store.db);
    const second = store.routingTransaction(async (tx) => {
      order.push('second in');
      // Sees the first's row: it ran after that commit.
      const rows = await sql<{ n: number }>`select count(*)::int as n from rt_probe`.execute(tx);
      order.push(`second saw ${rows.rows[0]?.n}`);
    });
    // Wait (without sleeping) until the second is queued on the advisory lock.
    for (;;) {
      const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(store.db);
      if ((waiting.rows[0]?.n ?? 0) > 0) break;
    }
    expect(order).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in', 'second saw 1']);
  });

  it('a commit wakes the nodes that watch for commits', async () => {
    let calls = 0;
    let wake: () => void = () => undefined;
    const stop = await store.watchCommits(() => {
      calls += 1;
      wake();
    });
    try {
      const before = calls;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await store.routingTransaction(async (tx) => {
        await sql`insert into rt_probe (id, note) values (2, 'second')`.execute(tx);
      });
      await woken;
      expect(calls).toBeGreaterThan(before);
    } finally {
      await stop();
    }
  });

  it('work that throws saves nothing, and the connection serves the next transaction', async () => {
    await expect(
      store.routingTransaction(async (tx) => {
        await sql`insert into rt_probe (id, note) values (3, 'thrown')`.execute(tx);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    // A failed statement the work went on from aborts the transaction: refused at commit.
    await expect(
      store.routingTransaction(async (tx) => {
        await sql`insert into rt_probe (id, note) values (4, 'aborted')`.execute(tx);
        await sql`select 1 / 0`.execute(tx).catch(() => undefined);
      }),
    ).rejects.toThrow(/aborted/);
    for (let i = 0; i < 12; i += 1) {
      await store.routingTransaction(async (tx) => {
        await sql`select 1`.execute(tx);
      });
    }
    expect(await notes()).toEqual(['first', 'second']);
  });
});
