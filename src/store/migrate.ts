import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db, StoreKind } from './store.js';
import { initialSchema } from './migrations/0001-initial.js';

/** Numbered migrations, in order. Append; never edit one that has shipped. */
function migrations(kind: StoreKind): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(kind),
  };
}

export async function migrateToLatest(db: Db, kind: StoreKind): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(kind) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
