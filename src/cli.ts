/**
 * `lobby start | migrate | config import FILE | config export [FILE]`.
 * The only place that reads process.env; everything else gets a validated options object.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openStore } from './store/open-store.js';
import { startLobby, VERSION } from './main.js';
import { importSiteConfig, parseSiteConfigYaml, ConfigError } from './config/import-config.js';
import { exportSiteConfig } from './config/export-config.js';
import { DataDirLockedError } from './store/sqlite-store.js';

const env = process.env;
const dataDir = resolve(env.LOBBY_DATA_DIR ?? './data');
const databaseUrl = env.DATABASE_URL;

function usage(): never {
  console.error(`Lobby ${VERSION}
usage:
  lobby start                 run the server (HOST, PORT, LOBBY_DATA_DIR, DATABASE_URL, LOG_LEVEL)
  lobby migrate               create or update the database schema, then exit
  lobby config import FILE    replace the site configuration with FILE (all or nothing)
  lobby config export [FILE]  print the site configuration as YAML (or write FILE)`);
  process.exit(2);
}

function parsePort(value: string | undefined): number {
  const port = Number(value ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a whole number from 0 to 65535, not "${value}"`);
    process.exit(2);
  }
  return port;
}

async function start(): Promise<void> {
  const lobby = await startLobby({
    host: env.HOST ?? '127.0.0.1',
    port: parsePort(env.PORT),
    dataDir,
    databaseUrl,
    demo: env.LOBBY_DEMO !== '0',
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.LOBBY_PUBLIC_URL,
    secureCookies: env.LOBBY_SECURE_COOKIES === '1',
  });
  const store = lobby.store.kind === 'sqlite' ? `SQLite in ${dataDir}` : 'PostgreSQL';
  console.log(`
Lobby ${VERSION} is running on ${store}.
  Customer portal:  ${lobby.url}/portal/
  Rep console:      ${lobby.url}/console/
  API document:     ${lobby.url}/api/openapi.json
  Health:           ${lobby.url}/healthz`);
  if (lobby.demoLoaded) {
    const users = await lobby.store.db.selectFrom('users').select(['login', 'display_name', 'is_admin']).orderBy('display_number').execute();
    console.log(`\nDemo site loaded. Logins (password "demo"):`);
    for (const u of users) console.log(`  ${u.login.padEnd(10)} ${u.display_name}${u.is_admin ? ' (admin)' : ''}`);
  }
  console.log('\nStop with Ctrl+C.');
  const shutdown = (signal: string): void => {
    lobby.logger.info({ signal }, 'shutting down');
    lobby.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function withStore<T>(work: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ databaseUrl, dataDir });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, file] = argv;
  if (command === 'start') return start();
  if (command === 'migrate') {
    await withStore(async () => undefined);
    console.log('schema is up to date');
    return;
  }
  if (command === 'config' && sub === 'import' && file) {
    const text = readFileSync(file, 'utf8');
    const summary = await withStore((store) => importSiteConfig(store, parseSiteConfigYaml(text), Date.now()));
    console.log(`imported ${file}: ${JSON.stringify(summary)}`);
    return;
  }
  if (command === 'config' && sub === 'export') {
    const yaml = await withStore((store) => exportSiteConfig(store));
    if (file) writeFileSync(file, yaml);
    else process.stdout.write(yaml);
    return;
  }
  usage();
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
