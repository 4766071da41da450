import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db, StoreKind } from './store.js';
import { initialSchema } from './migrations/0001-initial.js';
import { customerEntrySchema } from './migrations/0002-customer-entry.js';
import { adminAuditSchema } from './migrations/0003-admin-audit.js';
import { routingIndexesSchema } from './migrations/0004-routing-indexes.js';
import { invitationsSchema } from './migrations/0005-invitations.js';
import { cobrowseSchema } from './migrations/0006-cobrowse.js';
import { invitationOffersSchema } from './migrations/0007-invitation-offers.js';
import { nodeLivenessSchema } from './migrations/0008-node-liveness.js';

/** Numbered migrations, in order. Append; never edit one that has shipped. */
function migrations(kind: StoreKind): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(kind),
    '0002-customer-entry': customerEntrySchema(),
    '0003-admin-audit': adminAuditSchema(kind),
    '0004-routing-indexes': routingIndexesSchema(kind),
    '0005-invitations': invitationsSchema(),
    '0006-cobrowse': cobrowseSchema(kind),
    '0007-invitation-offers': invitationOffersSchema(kind),
    '0008-node-liveness': nodeLivenessSchema(),
  };
}

/**
 * `schema` pins Kysely's own bookkeeping tables to the store's schema on PostgreSQL:
 * without it, Kysely finds them in any schema of the database and skips creating its own.
 */
export async function migrateToLatest(db: Db, kind: StoreKind, schema?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(kind) };
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
