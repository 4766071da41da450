/**
 * Prepared queries (src/store/queries/prepared.ts) run exactly the query the builder would
 * make for the same arguments, on both stores, and refuse a build they cannot prepare.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type KyselyPlugin } from 'kysely';
import { STORE_KINDS, openTestStore, type TestStore } from '../support/test-stores.js';
import type { Db } from '../../src/store/store.js';
import { prepared, PreparedList } from '../../src/store/queries/prepared.js';
import { appendEvent, eventsAfter, lastSeq } from '../../src/store/queries/events.js';
import { findSession, insertSession, updateSession } from '../../src/store/queries/sessions.js';
import { queueInfos, siteSettings } from '../../src/store/queries/directory.js';
import type { SessionRow } from '../../src/store/schema.js';

function sessionRow(id: string, at: number): SessionRow {
  return {
    id,
    state: 'waiting',
    origin: 'api',
    client_type: 'standard',
    customer_name: `Customer ${id}`,
    customer_company: '',
    customer_details: '',
    issue_id: null,
    priority: 0,
    required_skills: '[]',
    attributes: '{}',
    first_queue_id: 'general',
    queue_id: 'general',
    last_queue_id: 'general',
    queued_at: at,
    waiting_since: at,
    owner_id: null,
    overdue: 0,
    overflow_moves: 0,
    customer_token_hash: `hash-${id}`,
    created_at: at,
    accepted_at: null,
    ended_at: null,
    end_reason: null,
  };
}

describe.each(STORE_KINDS)('prepared queries on %s', (kind) => {
  let t: TestStore;
  let db: Db;
  beforeAll(async () => {
    t = await openTestStore(kind);
    db = t.store.db;
  });
  afterAll(async () => t?.close());

  it('compile to the SQL and parameters the builder makes, constants kept in place', () => {
    const build = (d: Db, repId: string, limit: number) =>
      d.selectFrom('offers').select(['id', 'session_id']).where('state', '=', 'pending').where('rep_id', '=', repId).orderBy('made_at').limit(limit);
    const q = prepared(build);
    for (const [repId, limit] of [
      ['ann', 3],
      ['bob', 10],
    ] as const) {
      const mine = q.compile(db, [repId, limit]);
      const theirs = build(db, repId, limit).compile();
      expect(mine.sql).toBe(theirs.sql);
      expect(mine.parameters).toEqual(theirs.parameters);
    }
  });

  it('an argument used twice fills both places', () => {
    const build = (d: Db, at: number) => d.selectFrom('timers').select('id').where('due_at', '>=', at).where('due_at', '<', at);
    const mine = prepared(build).compile(db, [42]);
    expect(mine.parameters).toEqual(build(db, 42).compile().parameters);
  });

  it('refuses a build that does not bind each argument as one parameter', () => {
    const asIdentifier = prepared((d: Db, column: string) => d.selectFrom('sessions').select(sql.ref(column).as('x')));
    expect(() => asIdentifier.compile(db, ['id'])).toThrow(/SQL text/);
    const changed = prepared((d: Db, data: string) => d.selectFrom('events').select('seq').where('data', '=', JSON.stringify({ data })));
    expect(() => changed.compile(db, ['x'])).toThrow(/changed/);
    const unused = prepared((d: Db, _id: string) => d.selectFrom('sessions').select('id'));
    expect(() => unused.compile(db, ['x'])).toThrow(/only 0 of 1/);
  });

  it('a database with plugins builds each query as usual, so that its plugins see it', async () => {
    const seen: string[] = [];
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        seen.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    expect(await siteSettings(db.withPlugin(plugin))).toEqual(await siteSettings(db));
    expect(seen).toEqual(['SelectQueryNode']);
  });

  it('sessions: a full insert, partial updates and reads give the rows the builder gives', async () => {
    const row = sessionRow(`s-${kind}-1`, 1000);
    await insertSession(db, row);
    const read = await findSession(db, row.id);
    expect(read).toMatchObject(row);
    expect(read).toEqual(await db.selectFrom('sessions').selectAll().where('id', '=', row.id).executeTakeFirst());
    await updateSession(db, row.id, { state: 'active', owner_id: 'ann', queue_id: null, accepted_at: 2000, overdue: 0 });
    await updateSession(db, row.id, { state: 'ended', queue_id: null, ended_at: 3000, end_reason: 'completed', accepted_at: undefined });
    // An expression is not a parameter: it is built as given.
    await updateSession(db, row.id, { overflow_moves: sql<number>`overflow_moves + 2` as unknown as number });
    const built = await db.selectFrom('sessions').selectAll().where('id', '=', row.id).executeTakeFirst();
    expect(built).toMatchObject({ state: 'ended', owner_id: 'ann', queue_id: null, accepted_at: 2000, ended_at: 3000, end_reason: 'completed', overflow_moves: 2 });
    expect(await findSession(db, row.id)).toEqual(built);
    expect(await findSession(db, 'nobody')).toBeUndefined();
    // A row that leaves columns out (to their defaults) is built as given.
    const partial: Record<string, unknown> = { ...sessionRow(`s-${kind}-2`, 1000) };
    delete partial.end_reason;
    await insertSession(db, partial as unknown as SessionRow);
    expect((await findSession(db, `s-${kind}-2`))?.end_reason).toBeNull();
  });

  it('events: an appended event is what reading its row gives, sequence included', async () => {
    const before = await lastSeq(db);
    const made = await appendEvent(db, 5000, { type: 'session.queued', sessionId: 's', queueId: 'q', data: { queueId: 'q', n: 1, nested: { a: [1, 2] } } });
    const bare = await appendEvent(db, 5001, { type: 'rep.state' });
    expect(made.seq).toBeGreaterThan(before);
    expect(bare.seq).toBe(made.seq + 1);
    expect(await lastSeq(db)).toBe(bare.seq);
    expect(await eventsAfter(db, before, 10)).toEqual([made, bare]);
    expect(bare).toEqual({ seq: bare.seq, at: 5001, type: 'rep.state', sessionId: null, queueId: null, repId: null, data: {} });
  });

  it('lists: each length is prepared apart, and a long list is built as usual', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `q-${i}`);
    await db
      .insertInto('queues')
      .values(ids.map((id) => ({ id, kind: 'team', team_id: null, user_id: null, persistent: 0, algorithm: 'none', offer_timeout_seconds: 30, waiting_action: 'none', waiting_after_seconds: 0, overflow_queue_id: null })))
      .execute();
    const list = new PreparedList((d: Db, values: readonly string[]) => d.selectFrom('queues').select('id').where('id', 'in', values).orderBy('id'), 4);
    for (const n of [1, 2, 4, 5, 12]) {
      const want = await db.selectFrom('queues').select('id').where('id', 'in', ids.slice(0, n)).orderBy('id').execute();
      expect(await list.all(db, ids.slice(0, n))).toEqual(want);
    }
    expect([...(await queueInfos(db, ['q-3', 'q-1'])).values()].map((q) => q.name).sort()).toEqual(['q-1', 'q-3']);
  });
});
