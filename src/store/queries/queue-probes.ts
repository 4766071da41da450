/**
 * "Does the outer query's queue (`queues.id`) hold an offerable session / invitation?",
 * asked as a scalar subquery that reads the first row of that queue's range of the partial
 * index in the index's own order, LIMIT 1, and tests it `is not null` (ADR 0001, addendum
 * of session 3). Not an `exists`: PostgreSQL pulls that up into a semi join and, expecting
 * thousands of waiting sessions per queue, ran it as a bitmap scan of every session of the
 * queue before the first match (Equilibrium's work probe 0.6 -> 6.8 ms at 100,000
 * waiting). A scalar subquery stays a subplan planned for one row, which only the partial
 * index can feed: one index probe per queue on both stores, whatever the statistics say.
 * The LIMIT is a literal: SQLite compiles a statement whose LIMIT is a bound parameter anew
 * on every run (row-limit.ts).
 */
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Database } from '../schema.js';
import type { Db } from '../store.js';
import { OFFERABLE_SESSION_PREDICATE } from '../migrations/0004-routing-indexes.js';
import { OFFERABLE_INVITATION_PREDICATE } from '../migrations/0007-invitation-offers.js';
import { idOrder } from './id-order.js';

/** The two queue-ordered partial indexes (Q4 order): `sessions_offerable`, `invitations_offerable`. */
const QUEUE_HEADS = {
  sessions: { predicate: OFFERABLE_SESSION_PREDICATE, since: 'waiting_since' },
  invitations: { predicate: OFFERABLE_INVITATION_PREDICATE, since: 'created_at' },
} as const;

function queueHasHeadRow(db: Db, table: keyof typeof QUEUE_HEADS) {
  const { predicate, since } = QUEUE_HEADS[table];
  const column = (name: string) => sql.ref(`${table}.${name}`);
  const first = sql`(select 1 from ${sql.table(table)} where ${column('queue_id')} = queues.id and ${sql.raw(predicate)} order by ${column('priority')} desc, ${column(since)}, ${idOrder(db, `${table}.id`)} limit 1)`;
  return (eb: ExpressionBuilder<Database, 'queues'>): Expression<SqlBool> => eb(first, 'is not', null);
}

export const queueHasOfferableSession = (db: Db) => queueHasHeadRow(db, 'sessions');

/** S1: only automatic team queues offer invitations; asked per queue, it costs the same however many are open. */
export const queueHasOfferableInvitation = (db: Db) => queueHasHeadRow(db, 'invitations');
