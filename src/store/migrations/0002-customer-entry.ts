import type { Kysely, Migration } from 'kysely';

/**
 * The customer side (C2, C4, C5, Q9, L3): support buttons and click-to-chat links (one
 * table, told apart by `kind`), customer connection counts for the disconnect grace
 * period, and an index that serves Q9's moving average of time-to-accept per queue.
 *
 * Links name their target by id without foreign keys: a configuration import replaces
 * issues and may drop teams, and a link to something that is gone must answer "not
 * available" rather than block the import.
 */
export function customerEntrySchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('entry_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // 'button' (C4) | 'chat' (C5)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        // 'rep' | 'team' | 'issue' | 'general'
        .addColumn('target_kind', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('issue_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('entry_links_kind').on('entry_links').columns(['kind', 'created_at']).execute();
      await db.schema
        .createTable('customer_connections')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('connections', 'integer', (c) => c.notNull())
        .addColumn('disconnected_at', 'bigint')
        .execute();
      // Q9: the last few `session.accepted` events of one queue, newest first.
      await db.schema.createIndex('events_queue_type').on('events').columns(['queue_id', 'type', 'seq']).execute();
    },
  };
}
