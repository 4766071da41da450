/**
 * Composition root: builds store, engine and server from one validated options object.
 * Nothing below this file reads process.env.
 */
import { readFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { Engine } from './engine/engine.js';
import { SystemClock, type Clock } from './engine/clock.js';
import { randomIds } from './engine/ids.js';
import type { LivenessOptions } from './engine/node-liveness.js';
import { buildApp } from './server/app.js';
import { isStoreEmpty, loadDemoSite } from './config/demo-site.js';

export interface LobbyOptions {
  host: string;
  port: number;
  /** SQLite data folder (used when databaseUrl is not a postgres:// URL). */
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Load examples/demo-site.yaml when the database has no users. */
  demo: boolean;
  logLevel?: string;
  clock?: Clock;
  publicUrl?: string | undefined;
  secureCookies?: boolean;
  /** An already opened store (tests use a fresh PostgreSQL schema this way); closed on close(). */
  store?: Store;
  /** Heartbeat and timeout of nodes sharing a PostgreSQL database (tests inject a manual clock). */
  liveness?: Partial<LivenessOptions>;
}

export interface RunningLobby {
  url: string;
  app: FastifyInstance;
  engine: Engine;
  store: Store;
  logger: Logger;
  demoLoaded: boolean;
  close(): Promise<void>;
}

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function startLobby(options: LobbyOptions): Promise<RunningLobby> {
  const logger = pino({ level: options.logLevel ?? 'info' });
  const clock = options.clock ?? new SystemClock();
  const store = options.store ?? (await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir }));
  try {
    let demoLoaded = false;
    if (options.demo && (await isStoreEmpty(store))) {
      await loadDemoSite(store, clock.now());
      demoLoaded = true;
    }
    const engine = new Engine({ store, clock, ids: randomIds, logger, ...(options.liveness ? { liveness: options.liveness } : {}) });
    await engine.start();
    const app = await buildApp({
      engine,
      logger,
      version: VERSION,
      secureCookies: options.secureCookies ?? false,
      publicUrl: options.publicUrl,
    });
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${host}:${port}`,
      app,
      engine,
      store,
      logger,
      demoLoaded,
      close() {
        closing ??= (async () => {
          await app.close();
          await engine.stop();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
