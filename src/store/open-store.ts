import type { Store } from './store.js';
import { openSqliteStore } from './sqlite-store.js';
import { openPostgresStore } from './postgres-store.js';

export interface StoreConfig {
  /** postgres://… selects PostgreSQL; otherwise the embedded SQLite store. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

export function openStore(config: StoreConfig): Promise<Store> {
  if (config.databaseUrl && /^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    return openPostgresStore({ url: config.databaseUrl });
  }
  return openSqliteStore(config.dataDir);
}
