/**
 * Lobby nodes sharing one PostgreSQL database, as a deployment runs several: each test
 * site lives in a schema of its own. No vitest here: lobby-node-process.ts starts a node
 * with it in a process of its own.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { importSiteConfig } from '../../src/config/import-config.js';
import type { LivenessOptions } from '../../src/engine/node-liveness.js';
import { startLobby, type RunningLobby } from '../../src/main.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';

/** A new schema holding `site`, for nodes to share. */
export async function seededSchema(url: string, site: unknown): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const seed = await openPostgresStore({ url, schema });
  await importSiteConfig(seed, site, Date.now());
  await seed.close();
  return schema;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

/** One node on the schema, on a free port. */
export async function startPostgresNode(
  url: string,
  schema: string,
  options: { poolSize?: number; liveness?: Partial<LivenessOptions> } = {},
): Promise<RunningLobby> {
  return startLobby({
    host: '127.0.0.1',
    port: 0,
    dataDir: '',
    demo: false,
    logLevel: 'silent',
    store: await openPostgresStore({ url, schema, poolSize: options.poolSize ?? 4 }),
    ...(options.liveness ? { liveness: options.liveness } : {}),
  });
}
