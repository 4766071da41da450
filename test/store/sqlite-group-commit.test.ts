/**
 * SQLite's group commit (src/store/sqlite-commit-batcher.ts, ADR 0002): commands started
 * in one turn of the event loop share one transaction and one commit. These check what it
 * must keep: commands run one after another and see each other, one that fails is undone
 * alone, nobody is answered before the commit (X4), reads and writes through `store.db`
 * stay outside a batch, and a failed commit fails the whole batch and keeps nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestStore, type TestStore } from '../support/test-stores.js';
import type { Db, Store } from '../../src/store/store.js';

/** One turn of the event loop, so that a batch could commit if nothing held it. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise the test settles by hand. */
function latch(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('group commit on sqlite', () => {
  let t: TestStore;
  let store: Store;
  beforeAll(async () => {
    t = await openTestStore('sqlite');
    store = t.store;
    await sql`create table gc_parent (id integer primary key)`.execute(store.db);
    await sql`create table gc_row (id integer primary key, note text not null, parent integer references gc_parent (id))`.execute(store.db);
    await sql`create table gc_counter (id integer primary key, n integer not null)`.execute(store.db);
    await sql`insert into gc_counter (id, n) values (1, 0)`.execute(store.db);
  });
  afterAll(async () => t?.close());

  const notes = async (db: Db = store.db) => (await sql<{ note: string }>`select note from gc_row order by id`.execute(db)).rows.map((r) => r.note);
  const insert = (tx: Db, id: number, note: string) => sql`insert into gc_row (id, note) values (${id}, ${note})`.execute(tx);
  const clear = () => sql`delete from gc_row`.execute(store.db);

  it('X5: commands started together share one commit, run one at a time, and each sees the ones before it', async () => {
    const before = store.stats();
    const seen = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.routingTransaction(async (tx) => {
          // Read, then write what was read plus one: a lost update would show as a repeat.
          const row = (await sql<{ n: number }>`select n from gc_counter where id = 1`.execute(tx)).rows[0]!;
          await sql`update gc_counter set n = ${row.n + 1} where id = 1`.execute(tx);
          return row.n;
        }),
      ),
    );
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const after = store.stats();
    expect(after.transactions - before.transactions).toBe(20);
    expect(after.commits - before.commits).toBe(1);
  });

  it('commands started one after another, each once the last was answered, commit one by one', async () => {
    const before = store.stats();
    for (let i = 0; i < 3; i++) await store.routingTransaction((tx) => insert(tx, 100 + i, `alone ${i}`));
    expect(store.stats().commits - before.commits).toBe(3);
    await clear();
  });

  it('a command that throws is undone alone: the others of its batch commit', async () => {
    const outcomes = await Promise.allSettled([
      store.routingTransaction((tx) => insert(tx, 1, 'first')),
      store.routingTransaction(async (tx) => {
        await insert(tx, 2, 'second');
        throw new Error('second changed its mind');
      }),
      store.routingTransaction(async (tx) => {
        // Runs after the second was rolled back to its savepoint.
        expect(await notes(tx)).toEqual(['first']);
        await insert(tx, 3, 'third');
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'second changed its mind' });
    expect(await notes()).toEqual(['first', 'third']);
    await clear();
  });

  it('X4: no command of a batch is answered before the whole batch has committed', async () => {
    const hold = latch();
    let firstAnswered = false;
    const first = store.routingTransaction((tx) => insert(tx, 1, 'first')).then(() => (firstAnswered = true));
    let secondRunning = false;
    const second = store.routingTransaction(async (tx) => {
      secondRunning = true;
      await hold.promise;
      await insert(tx, 2, 'second');
    });
    while (!secondRunning) await turn();
    // The first command's work is done, but its batch has not committed: no answer yet.
    for (let i = 0; i < 5; i++) await turn();
    expect(firstAnswered).toBe(false);
    hold.open();
    await Promise.all([first, second]);
    expect(firstAnswered).toBe(true);
    expect(await notes()).toEqual(['first', 'second']);
    await clear();
  });

  it('a read through store.db waits for the batch and never sees what it did not commit', async () => {
    const hold = latch();
    let inside = false;
    const failing = store.routingTransaction(async (tx) => {
      await insert(tx, 1, 'never committed');
      inside = true;
      await hold.promise;
      throw new Error('undone');
    });
    while (!inside) await turn();
    let read: string[] | null = null;
    const reading = notes().then((n) => (read = n));
    for (let i = 0; i < 5; i++) await turn();
    expect(read).toBeNull();
    hold.open();
    await expect(failing).rejects.toThrow('undone');
    await reading;
    expect(read).toEqual([]);
  });

  it('a write through store.db is not part of a batch: it stays when the batch fails to commit', async () => {
    await sql`insert into gc_parent (id) values (1)`.execute(store.db);
    const hold = latch();
    let inside = false;
    const before = store.stats();
    const failing = store.routingTransaction(async (tx) => {
      // Checked at COMMIT instead of at once: the commit itself fails.
      await sql`pragma defer_foreign_keys = on`.execute(tx);
      await sql`insert into gc_row (id, note, parent) values (1, 'orphan', 99)`.execute(tx);
      inside = true;
      await hold.promise;
    });
    while (!inside) await turn();
    const outside = sql`insert into gc_row (id, note, parent) values (2, 'outside', 1)`.execute(store.db);
    hold.open();
    await expect(failing).rejects.toThrow(/FOREIGN KEY/);
    await outside;
    expect(await notes()).toEqual(['outside']);
    expect(store.stats().commits).toBe(before.commits);
    await clear();
  });

  it('X4: a failed commit fails every command of its batch, keeps none of their writes, and the next batch commits', async () => {
    const outcomes = await Promise.allSettled([
      store.routingTransaction((tx) => insert(tx, 1, 'innocent')),
      store.routingTransaction(async (tx) => {
        await sql`pragma defer_foreign_keys = on`.execute(tx);
        await sql`insert into gc_row (id, note, parent) values (2, 'orphan', 99)`.execute(tx);
      }),
      store.routingTransaction((tx) => insert(tx, 3, 'also innocent')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const o of outcomes) expect((o as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/FOREIGN KEY/) });
    expect(await notes()).toEqual([]);
    await store.routingTransaction((tx) => insert(tx, 4, 'after'));
    expect(await notes()).toEqual(['after']);
    await clear();
  });

  it('X4: a full disk that undoes the whole batch fails the commands that ran in it; the ones not yet run go to the next batch', async () => {
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(store.db)).rows[0]!.page_count;
    // A database that may not grow: SQLite answers SQLITE_FULL and rolls the whole transaction back.
    await sql.raw(`pragma max_page_count = ${pages + 1}`).execute(store.db);
    try {
      const outcomes = await Promise.allSettled([
        store.routingTransaction((tx) => insert(tx, 1, 'ran before')),
        store.routingTransaction((tx) => sql`insert into gc_row (id, note) values (2, hex(randomblob(1000000)))`.execute(tx)),
        store.routingTransaction((tx) => insert(tx, 3, 'ran after')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
      for (const o of outcomes.slice(0, 2)) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_FULL' });
      expect(await notes()).toEqual(['ran after']);
    } finally {
      await sql.raw('pragma max_page_count = 1073741823').execute(store.db);
    }
    await clear();
  });

  it('X4: every answered command is in the database after a restart', async () => {
    await Promise.all([1, 2, 3].map((i) => store.routingTransaction((tx) => insert(tx, i, `kept ${i}`))));
    await store.close();
    store = await t.reopen();
    expect(await notes()).toEqual(['kept 1', 'kept 2', 'kept 3']);
  });
});
