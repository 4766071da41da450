/**
 * The benchmark server in its child process (bench-server.ts), as the load generator sees
 * it: start, ask, read its counters, stop; and what a phase's figures are read against
 * (its event loop's stalls, the share of the machine other processes took).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

export interface Stats {
  commands: number;
  commits: number;
  rssMb: number;
  peakRssMb: number;
  cpuMs: number;
  wallMs: number;
  version: string;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcMaxMs: number;
  gcTotalMs: number;
}

/** The server's event loop during one phase: how long it was held up at worst. */
export interface Stalls {
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcMaxMs: number;
}

export const stallsOf = (s: Stats): Stalls => ({ loopDelayP99Ms: s.loopDelayP99Ms, loopDelayMaxMs: s.loopDelayMaxMs, gcMaxMs: s.gcMaxMs });

export class ServerProcess {
  private readonly waiters = new Map<string, (m: Record<string, unknown>) => void>();
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: Record<string, unknown>) => {
      const type = String(m.type);
      this.waiters.get(type)?.(m);
      this.waiters.delete(type);
    });
  }

  static async start(arg: unknown): Promise<ServerProcess> {
    const script = fileURLToPath(new URL('./bench-server.ts', import.meta.url));
    const profile = process.env.LOBBY_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOBBY_BENCH_PROFILE}`] : [];
    const child = fork(script, [JSON.stringify(arg)], { execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the benchmark server did not start within 120 s')), 120_000);
      child.once('exit', (code) => reject(new Error(`the benchmark server exited with ${code}`)));
      child.on('message', (m: { type: string; url?: string; message?: string }) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve(m.url!);
        } else if (m.type === 'error') {
          clearTimeout(timer);
          reject(new Error(m.message));
        }
      });
    });
    return new ServerProcess(child, url);
  }

  ask<T>(message: Record<string, unknown>, replyType: string): Promise<T> {
    return new Promise((resolve) => {
      this.waiters.set(replyType, (m) => resolve(m as T));
      this.child.send(message);
    });
  }

  stats(reset = false): Promise<Stats> {
    return this.ask<Stats>({ type: 'stats', reset }, 'stats');
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** CPU time the whole machine spent busy so far, ms (Linux /proc/stat; 0 elsewhere). */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((a, b) => a + b, 0);
    return (total - idle) * 10; // USER_HZ = 100
  } catch {
    return 0;
  }
}

/**
 * The share of the machine's cores that processes other than the server and the load
 * generator used during a phase: the benchmark's figures are only as clean as this is low.
 */
export class Interference {
  private readonly busy0 = machineBusyMs();
  private readonly client0 = process.cpuUsage();
  private readonly wall0 = performance.now();
  constructor(private readonly server0: Stats) {}

  percentOfMachine(server1: Stats): number {
    const busy = machineBusyMs() - this.busy0;
    if (busy <= 0) return NaN;
    const client = process.cpuUsage(this.client0);
    const ours = (client.user + client.system) / 1000 + (server1.cpuMs - this.server0.cpuMs);
    const wall = performance.now() - this.wall0;
    return Math.max(0, (100 * (busy - ours)) / (wall * cpus().length));
  }
}

export function otherText(percent: number): string {
  return Number.isFinite(percent) ? `; other processes ${percent.toFixed(0)}% of the machine` : '';
}

export function stallText(s: Stalls): string {
  return `; server loop delay p99 ${s.loopDelayP99Ms.toFixed(1)} ms, max ${s.loopDelayMaxMs.toFixed(0)} ms, longest GC ${s.gcMaxMs.toFixed(1)} ms`;
}

/** Waits until the server has run no command for a second (at most 60 s). */
export async function drained(server: ServerProcess): Promise<void> {
  const until = performance.now() + 60_000;
  let last = (await server.stats()).commands;
  while (performance.now() < until) {
    await sleep(1000);
    const now = (await server.stats()).commands;
    if (now === last) return;
    last = now;
  }
}
