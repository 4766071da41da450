import type { Kysely, Migration } from 'kysely';
import type { StoreKind } from '../store.js';

/**
 * Browser sharing (docs/cobrowse.md): the frames of a shared page, kept with the session
 * only where the site setting `cobrowseStoreRecordings` is on, and deleted after
 * `cobrowseRetentionDays`. `seq` orders them as the server received them (like events).
 */
export function cobrowseSchema(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('cobrowse_frames')
        .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) =>
          kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        // The page's own batch number and the part of it, as sent (cobrowse-protocol.ts).
        .addColumn('batch', 'bigint', (c) => c.notNull())
        .addColumn('part', 'integer', (c) => c.notNull())
        .addColumn('parts', 'integer', (c) => c.notNull())
        .addColumn('checkout', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cobrowse_frames_session').on('cobrowse_frames').columns(['session_id', 'seq']).execute();
      await db.schema.createIndex('cobrowse_frames_at').on('cobrowse_frames').column('at').execute();
    },
  };
}
