import type { Kysely, Migration } from 'kysely';

/**
 * Nodes sharing one PostgreSQL database, and the live connections each one holds, so that
 * the connections of a node that died without closing them can be let go by the others
 * (A1: otherwise its reps would stay "logged in" and be offered sessions nobody sees).
 */
export function nodeLivenessSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('node_connections')
        .addColumn('node_id', 'text', (c) => c.notNull())
        // 'rep' (subject: the rep's id) | 'customer' (subject: the session id)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('connections', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('node_connections_pk', ['node_id', 'kind', 'subject_id'])
        .execute();
    },
  };
}
