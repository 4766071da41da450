/**
 * The Lobby server under load, as a child process of the load generator (bench/run.ts):
 * the server and the clients each get a core of their own, and the clients' work (HTTP,
 * WebSocket frames, JSON) is not counted as the server's. Started with one argument, a JSON
 * {location, site options}; talks to its parent over the IPC channel:
 *
 *   parent → child  {type:'raw', seconds}   raw single-row insert transactions on the same store
 *                   {type:'profile', start?, file?}  start a CPU profile, or stop it and write
 *                                           it to `file` (one phase's profile, LOBBY_BENCH_PROFILE)
 *                   {type:'stats', reset?}  commands run, RSS, peak RSS, CPU time, event-loop
 *                                           delay and GC pauses since the last reset
 *                   {type:'stop'}           close and exit
 *   child → parent  {type:'ready', url} · {type:'raw', result} · {type:'stats', …} · {type:'error', message}
 *
 * It listens on 127.0.0.1 only, on a port the OS picks, and exits when its parent goes.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { importSiteConfig } from '../src/config/import-config.js';
import { startLobby, type RunningLobby } from '../src/main.js';
import { openLocation, type StoreLocation } from './bench-stores.js';
import { rawInsertTxPerSecond } from './raw-store.js';
import { benchSite, type BenchSiteOptions } from './bench-site.js';

interface Start {
  location: StoreLocation;
  site: BenchSiteOptions;
}

type Message =
  | { type: 'raw'; seconds: number }
  | { type: 'stats'; reset?: boolean }
  | { type: 'profile'; start?: boolean; file?: string }
  | { type: 'stop' };

/** One phase's CPU profile, through the inspector (the whole run's is `--cpu-prof`). */
let profiler: Session | null = null;
async function profile(m: { start?: boolean; file?: string }): Promise<void> {
  if (m.start) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
    return;
  }
  if (profiler === null) return;
  const { profile: taken } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  profiler = null;
  if (m.file) writeFileSync(m.file, JSON.stringify(taken));
}

function send(message: Record<string, unknown>): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const start = JSON.parse(process.argv[2] ?? '{}') as Start;
  const store = await openLocation(start.location, 10);
  await importSiteConfig(store, benchSite(start.site), Date.now());
  const lobby: RunningLobby = await startLobby({ host: '127.0.0.1', port: 0, dataDir: '', demo: false, logLevel: 'warn', store });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Where a slow request comes from: the event loop held up (by the server's own work, or
  // by a garbage collection), as opposed to the machine being busy elsewhere.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
      gcTotalMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('disconnect', () => void lobby.close().finally(() => process.exit(0)));
  process.on('message', (m: Message) => {
    void (async () => {
      if (m.type === 'raw') {
        send({ type: 'raw', result: await rawInsertTxPerSecond(store, m.seconds) });
      } else if (m.type === 'stats') {
        const cpu = process.cpuUsage(cpu0);
        send({
          type: 'stats',
          // Routing transactions (one per command) and the commits that made them durable.
          commands: store.stats().transactions,
          commits: store.stats().commits,
          rssMb: process.memoryUsage().rss / 2 ** 20,
          peakRssMb: process.resourceUsage().maxRSS / 1024,
          cpuMs: (cpu.user + cpu.system) / 1000,
          wallMs: performance.now() - t0,
          version: await store.serverVersion(),
          loopDelayP99Ms: loop.percentile(99) / 1e6,
          loopDelayMaxMs: loop.max / 1e6,
          gcMaxMs,
          gcTotalMs,
        });
        if (m.reset) {
          loop.reset();
          gcMaxMs = 0;
          gcTotalMs = 0;
        }
      } else if (m.type === 'profile') {
        await profile(m);
        send({ type: 'profile' });
      } else if (m.type === 'stop') {
        await lobby.close();
        send({ type: 'stopped' });
        process.exit(0);
      }
    })().catch((err: unknown) => send({ type: 'error', message: String(err) }));
  });
  send({ type: 'ready', url: lobby.url });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
