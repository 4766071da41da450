import type { Kysely, Migration } from 'kysely';

/** S1–S4: invitations to join a session, addressed to a rep's personal queue or a team queue. */
export function invitationsSchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('inviter_id', 'text', (c) => c.notNull())
        .addColumn('queue_id', 'text', (c) => c.notNull())
        // 'open' | 'accepted' | 'withdrawn' | 'ended'
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('accepted_by', 'text')
        .execute();
      await db.schema.createIndex('invitations_queue').on('invitations').columns(['queue_id', 'state']).execute();
      await db.schema.createIndex('invitations_session').on('invitations').columns(['session_id', 'state']).execute();
    },
  };
}
