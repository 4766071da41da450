/**
 * The server under load from real clients: a Lobby server in a child process
 * (bench-server.ts), reps on WebSockets answering offers over HTTP, customers on the
 * portal's issue form. Phases, in order, each bounded in time:
 *
 * 1. raw: the store's own single-row insert transactions per second, on the server's database;
 * 2. connect: every rep logs in and opens a console (each a command that runs Equilibrium);
 * 3. fan-out: sessions into a manual queue every rep sees; time from the request to each of
 *    the consoles receiving the `session.queued` event;
 * 4. latency: sessions arrive at a steady rate (open loop), after 2 s of warm-up at that
 *    rate; time from the request to the offer on the chosen rep's socket, and of the
 *    rep's accept; reps end sessions a few seconds later;
 * 5. throughput: a fixed number of customers each starting a new session as soon as their
 *    last one ended (closed loop): created → offered → accepted → ended per second.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StoreKind } from '../src/store/store.js';
import { BROADCAST_ISSUE, BROADCAST_QUEUE, issueCode, repLogin, type BenchSiteOptions } from './bench-site.js';
import { newLocation, removeLocation } from './bench-stores.js';
import { customerView, RepClient, startSession, submitIssue, type OfferSeen } from './load-clients.js';
import { median, percentile, sleep } from './stats.js';
import { Interference, ServerProcess, drained, otherText, stallText, stallsOf, type Stalls } from './server-process.js';

/** Arrivals in flight at most in the latency phase before the generator skips some. */
const MAX_OUTSTANDING = 200;
/** Seconds of arrivals, at the phase's rate, before the latency phase starts counting. */
const LATENCY_WARMUP_S = 2;

export interface LoadOptions {
  reps: number;
  teams: number;
  rawSeconds: number;
  fanoutEvents: number;
  latencyRate: number;
  latencySeconds: number;
  /** A second latency phase at this lower rate, for a store that cannot keep up with the first. */
  sustainableRate?: number;
  /** How long a rep keeps a session in the latency phase before ending it, ms. */
  holdMs: number;
  throughputSeconds: number;
  throughputCustomers: number;
  log: (line: string) => void;
}

export interface LoadResult {
  store: StoreKind;
  serverVersion: string;
  reps: number;
  teams: number;
  raw: { txPerSec: number; p50Ms: number; concurrent: { txPerSec: number; writers: number; perCommit: number } };
  connectSeconds: number;
  fanout: { consoles: number; events: number; deliveries: number; p50Ms: number; p99Ms: number; maxMs: number; server: Stalls; otherCpuPercent: number };
  /** The latency phase at LoadOptions.sustainableRate, where one was asked for. */
  sustainable: LoadResult['latency'] | null;
  latency: { ratePerSec: number; seconds: number; planned: number; sessions: number; offered: number; offerP50Ms: number; offerP99Ms: number; acceptP50Ms: number; acceptP99Ms: number; server: Stalls; otherCpuPercent: number };
  throughput: {
    seconds: number;
    customers: number;
    routed: number;
    routedPerSec: number;
    commandsPerSec: number;
    commandsPerRawTx: number;
    /** Console WebSocket messages per routed session, over all 1,000 consoles. */
    framesPerRouted: number;
    /** Commands that shared one commit, on average (SQLite's group commit, ADR 0002). */
    commandsPerCommit: number;
    offerP50Ms: number;
    offerP99Ms: number;
    acceptP50Ms: number;
    acceptP99Ms: number;
    serverCpuPercent: number;
    clientCpuPercent: number;
    server: Stalls;
    otherCpuPercent: number;
  };
  rssMb: number;
  peakRssMb: number;
}

/** Offers seen and requests answered, joined by session id whichever comes first. */
class OfferClock {
  private readonly sent = new Map<string, number>();
  /** Warm-up sessions: offered like the others, not counted. */
  private readonly uncounted = new Set<string>();
  private readonly seen = new Map<string, number>();
  readonly latencies: number[] = [];

  requested(sessionId: string, at: number, counts = true): void {
    if (!counts) this.uncounted.add(sessionId);
    const offered = this.seen.get(sessionId);
    if (offered === undefined) this.sent.set(sessionId, at);
    else {
      this.seen.delete(sessionId);
      if (counts) this.latencies.push(offered - at);
    }
  }

  offered(sessionId: string, at: number): void {
    const sent = this.sent.get(sessionId);
    if (sent === undefined) {
      // A session offered again (after a reject) is not a new arrival; the first counts.
      if (!this.done.has(sessionId)) this.seen.set(sessionId, at);
    } else {
      this.sent.delete(sessionId);
      if (!this.uncounted.has(sessionId)) this.latencies.push(at - sent);
    }
    this.done.add(sessionId);
  }

  private readonly done = new Set<string>();

  wasOffered(sessionId: string): boolean {
    return this.done.has(sessionId);
  }
}

export async function loadBench(kind: StoreKind, options: LoadOptions): Promise<LoadResult> {
  const { log } = options;
  const location = newLocation(kind);
  // Every rep is also in the manual `broadcast` team, the fan-out audience.
  const site: BenchSiteOptions = { reps: options.reps, teams: options.teams, broadcastReps: options.reps };
  const server = await ServerProcess.start({ location, site });
  const reps: RepClient[] = [];
  try {
    const base = server.url;
    const version = (await server.stats()).version;
    log(`  ${version}, server at ${base} (child process ${kind})`);

    // 1. raw
    const raw = (await server.ask<{ result: LoadResult['raw'] }>({ type: 'raw', seconds: options.rawSeconds }, 'raw')).result;
    log(
      `  raw single-row insert transactions: ${raw.txPerSec.toFixed(0)}/s one after another (p50 ${raw.p50Ms.toFixed(3)} ms); ` +
        `${raw.concurrent.txPerSec.toFixed(0)}/s from ${raw.concurrent.writers} writers at once (${raw.concurrent.perCommit.toFixed(1)} per commit)`,
    );

    // 2. connect
    const t0 = performance.now();
    for (let i = 0; i < options.reps; i += 1) reps.push(new RepClient(base, repLogin(i)));
    for (let i = 0; i < reps.length; i += 50) await Promise.all(reps.slice(i, i + 50).map((r) => r.logIn()));
    for (let i = 0; i < reps.length; i += 50) await Promise.all(reps.slice(i, i + 50).map((r) => r.connect()));
    const connectSeconds = (performance.now() - t0) / 1000;
    log(`  ${reps.length} reps logged in and connected in ${connectSeconds.toFixed(1)} s`);

    // 3. fan-out
    let others = new Interference(await server.stats(true));
    const fanoutFigures = await fanoutPhase(base, reps, options.fanoutEvents);
    let stats = await server.stats(true);
    const fanout = { ...fanoutFigures, server: stallsOf(stats), otherCpuPercent: others.percentOfMachine(stats) };
    log(`  fan-out to ${fanout.consoles} consoles: p50 ${fanout.p50Ms.toFixed(1)} ms, p99 ${fanout.p99Ms.toFixed(1)} ms (${fanout.deliveries} deliveries)${stallText(fanout.server)}${otherText(fanout.otherCpuPercent)}`);

    // 4. latency
    others = new Interference(stats);
    const latencyFigures = await latencyPhase(base, reps, options);
    stats = await server.stats(true);
    const latency = { ...latencyFigures, server: stallsOf(stats), otherCpuPercent: others.percentOfMachine(stats) };
    log(
      `  ${latency.ratePerSec}/s for ${latency.seconds} s: time-to-offer p50 ${latency.offerP50Ms.toFixed(1)} ms, p99 ${latency.offerP99Ms.toFixed(1)} ms; ` +
        `accept p50 ${latency.acceptP50Ms.toFixed(1)} ms, p99 ${latency.acceptP99Ms.toFixed(1)} ms${stallText(latency.server)}${otherText(latency.otherCpuPercent)} (${latency.offered}/${latency.sessions} offered${latency.sessions < latency.planned ? `; ${latency.planned - latency.sessions} arrivals not sent, the server was ${MAX_OUTSTANDING} behind` : ''})`,
    );

    // 4b. latency at a rate the store keeps up with
    let sustainable: LoadResult['latency'] | null = null;
    if (options.sustainableRate !== undefined) {
      await drained(server);
      others = new Interference(await server.stats(true));
      const figures = await latencyPhase(base, reps, { ...options, latencyRate: options.sustainableRate });
      stats = await server.stats(true);
      sustainable = { ...figures, server: stallsOf(stats), otherCpuPercent: others.percentOfMachine(stats) };
      log(
        `  ${sustainable.ratePerSec}/s for ${sustainable.seconds} s: time-to-offer p50 ${sustainable.offerP50Ms.toFixed(1)} ms, p99 ${sustainable.offerP99Ms.toFixed(1)} ms; ` +
          `accept p50 ${sustainable.acceptP50Ms.toFixed(1)} ms, p99 ${sustainable.acceptP99Ms.toFixed(1)} ms${stallText(sustainable.server)}${otherText(sustainable.otherCpuPercent)} (${sustainable.offered}/${sustainable.sessions} offered)`,
      );
    }

    // 5. throughput, once the server has finished what the latency phase left it
    await drained(server);
    const before = await server.stats(true);
    others = new Interference(before);
    const clientCpu0 = process.cpuUsage();
    const profileDir = process.env.LOBBY_BENCH_PROFILE;
    // The server writes the phase's profile into it, and Node makes --cpu-prof-dir only at exit.
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    if (profileDir) await server.ask({ type: 'profile', start: true }, 'profile');
    const tp = await throughputPhase(base, reps, options);
    if (profileDir) {
      const file = join(profileDir, `throughput-${kind}-${Date.now()}.cpuprofile`);
      await server.ask({ type: 'profile', file }, 'profile');
      log(`  CPU profile of the server in this phase: ${file}`);
    }
    const clientCpu = process.cpuUsage(clientCpu0);
    const after = await server.stats();
    const commandsPerSec = ((after.commands - before.commands) * 1000) / (after.wallMs - before.wallMs);
    const throughput = {
      ...tp,
      server: stallsOf(after),
      otherCpuPercent: others.percentOfMachine(after),
      commandsPerSec,
      commandsPerRawTx: commandsPerSec / raw.txPerSec,
      commandsPerCommit: (after.commands - before.commands) / Math.max(1, after.commits - before.commits),
      serverCpuPercent: (100 * (after.cpuMs - before.cpuMs)) / (after.wallMs - before.wallMs),
      clientCpuPercent: (100 * (clientCpu.user + clientCpu.system)) / 1000 / (after.wallMs - before.wallMs),
    };
    log(
      `  closed loop, ${tp.customers} customers for ${tp.seconds} s: ${tp.routedPerSec.toFixed(0)} routed sessions/s, ${commandsPerSec.toFixed(0)} commands/s ` +
        `(${(100 * throughput.commandsPerRawTx).toFixed(0)}% of raw; ${throughput.commandsPerCommit.toFixed(1)} per commit; ${tp.framesPerRouted.toFixed(0)} console frames per routed session), CPU: server ${throughput.serverCpuPercent.toFixed(0)}%, clients ${throughput.clientCpuPercent.toFixed(0)}%${stallText(throughput.server)}${otherText(throughput.otherCpuPercent)}; time-to-offer p50 ${tp.offerP50Ms.toFixed(1)} ms, p99 ${tp.offerP99Ms.toFixed(1)} ms`,
    );
    stats = await server.stats();
    return {
      store: kind,
      serverVersion: version,
      reps: options.reps,
      teams: options.teams,
      raw,
      connectSeconds,
      fanout,
      latency,
      sustainable,
      throughput,
      rssMb: stats.rssMb,
      peakRssMb: stats.peakRssMb,
    };
  } finally {
    await Promise.all(reps.map((r) => r.close().catch(() => undefined)));
    await server.stop().catch(() => undefined);
    await removeLocation(location).catch(() => undefined);
  }
}

async function fanoutPhase(base: string, reps: RepClient[], events: number): Promise<Omit<LoadResult['fanout'], 'server' | 'otherCpuPercent'>> {
  const latencies: number[] = [];
  let arrived = new Map<string, number>();
  let pending: { sessionId: string | null; count: number; early: number[]; done: () => void } | null = null;
  for (const rep of reps) {
    rep.watchQueue = BROADCAST_QUEUE;
    rep.onQueued = (sessionId, at) => {
      if (pending === null) return;
      if (pending.sessionId === null) pending.early.push(at);
      else if (pending.sessionId !== sessionId) return;
      arrived.set(`${rep.login}`, at);
      pending.count += 1;
      if (pending.count === reps.length) pending.done();
    };
  }
  for (let i = 0; i < events; i += 1) {
    arrived = new Map();
    const all = new Promise<void>((resolve) => {
      pending = { sessionId: null, count: 0, early: [], done: resolve };
    });
    const sent = performance.now();
    const sessionId = await submitIssue(base, BROADCAST_ISSUE, `Fan-out ${i}`);
    pending!.sessionId = sessionId;
    const timeout = sleep(10_000);
    await Promise.race([all, timeout]);
    for (const at of arrived.values()) latencies.push(at - sent);
    pending = null;
    await sleep(20);
  }
  for (const rep of reps) {
    rep.onQueued = null;
    rep.watchQueue = null;
  }
  return {
    consoles: reps.length,
    events,
    deliveries: latencies.length,
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
}

async function latencyPhase(base: string, reps: RepClient[], options: LoadOptions): Promise<Omit<LoadResult['latency'], 'server' | 'otherCpuPercent'>> {
  const clock = new OfferClock();
  const accepts: number[] = [];
  let countFrom = Infinity;
  const open = new Map<NodeJS.Timeout, () => Promise<unknown>>();
  let stopping = false;
  const onOffer = (offer: OfferSeen, rep: RepClient): void => {
    clock.offered(offer.sessionId, offer.at);
    if (stopping) return;
    const t = performance.now();
    void rep.acceptOffer(offer.offerId).then((reply) => {
      if (t >= countFrom) accepts.push(performance.now() - t);
      if (reply.status !== 200) return;
      const end = () => rep.endSession(offer.sessionId).catch(() => undefined);
      const timer = setTimeout(() => {
        open.delete(timer);
        void end();
      }, options.holdMs * (0.5 + Math.random()));
      open.set(timer, end);
    });
  };
  for (const rep of reps) rep.onOffer = onOffer;
  const interval = 1000 / options.latencyRate;
  // The first LATENCY_WARMUP_S at the same rate warm the server up (JIT, caches) and are not counted.
  const warmup = Math.round(options.latencyRate * LATENCY_WARMUP_S);
  const planned = Math.round(options.latencyRate * options.latencySeconds) + warmup;
  const started = performance.now();
  countFrom = started + warmup * interval;
  const inFlight: Promise<void>[] = [];
  let outstanding = 0;
  const counted = new Map<string, string>();
  for (let i = 0; i < planned; i += 1) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    // A server that cannot keep up is not sent an ever-growing backlog: the phase stays
    // bounded in time, and the report says how many arrivals were not sent.
    if (outstanding >= MAX_OUTSTANDING) continue;
    const sent = performance.now();
    outstanding += 1;
    inFlight.push(
      startSession(base, issueCode(i % options.teams), `Latency ${i}`).then(({ sessionId, customerToken }) => {
        outstanding -= 1;
        clock.requested(sessionId, sent, i >= warmup);
        if (i >= warmup) counted.set(sessionId, customerToken);
      }),
    );
  }
  await Promise.all(inFlight);
  const deadline = performance.now() + 5_000;
  while (clock.latencies.length < counted.size && performance.now() < deadline) await sleep(20);
  // A session that was never offered is a finding, not noise: say which and what it shows.
  for (const [sessionId, token] of counted) {
    if (clock.wasOffered(sessionId)) continue;
    options.log(`  not offered within 5 s: session ${sessionId}: ${JSON.stringify(await customerView(base, token)).slice(0, 400)}`);
  }
  stopping = true;
  // End what is still open, so that the next phase starts from free reps.
  for (const rep of reps) rep.onOffer = null;
  const ends = [...open.entries()];
  open.clear();
  for (const [timer, end] of ends) {
    clearTimeout(timer);
    await end();
  }
  return {
    ratePerSec: options.latencyRate,
    seconds: options.latencySeconds,
    planned: planned - warmup,
    sessions: counted.size,
    offered: clock.latencies.length,
    offerP50Ms: median(clock.latencies),
    offerP99Ms: percentile(clock.latencies, 99),
    acceptP50Ms: median(accepts),
    acceptP99Ms: percentile(accepts, 99),
  };
}

async function throughputPhase(base: string, reps: RepClient[], options: LoadOptions): Promise<Omit<LoadResult['throughput'], 'commandsPerSec' | 'commandsPerRawTx' | 'commandsPerCommit' | 'serverCpuPercent' | 'clientCpuPercent' | 'server' | 'otherCpuPercent'>> {
  const clock = new OfferClock();
  const accepts: number[] = [];
  const flows = new Map<string, () => void>();
  const finished = new Set<string>();
  let stopping = false;
  const onOffer = (offer: OfferSeen, rep: RepClient): void => {
    clock.offered(offer.sessionId, offer.at);
    const t = performance.now();
    void (async () => {
      const reply = await rep.acceptOffer(offer.offerId);
      accepts.push(performance.now() - t);
      if (reply.status === 200) await rep.endSession(offer.sessionId);
      const done = flows.get(offer.sessionId);
      if (done) done();
      else finished.add(offer.sessionId);
    })();
  };
  for (const rep of reps) rep.onOffer = onOffer;
  const framesBefore = reps.reduce((n, r) => n + r.frames, 0);
  let routed = 0;
  const started = performance.now();
  const deadline = started + options.throughputSeconds * 1000;
  const customer = async (c: number): Promise<void> => {
    let i = 0;
    while (!stopping && performance.now() < deadline) {
      const sent = performance.now();
      const id = await submitIssue(base, issueCode((c + i) % options.teams), `Customer ${c}`);
      i += 1;
      clock.requested(id, sent);
      if (!finished.delete(id)) {
        await Promise.race([new Promise<void>((resolve) => flows.set(id, resolve)), sleep(10_000)]);
        flows.delete(id);
      }
      routed += 1;
    }
  };
  await Promise.all(Array.from({ length: options.throughputCustomers }, (_, c) => customer(c)));
  const elapsed = (performance.now() - started) / 1000;
  stopping = true;
  for (const rep of reps) rep.onOffer = null;
  return {
    seconds: options.throughputSeconds,
    customers: options.throughputCustomers,
    routed,
    routedPerSec: routed / elapsed,
    framesPerRouted: (reps.reduce((n, r) => n + r.frames, 0) - framesBefore) / Math.max(1, routed),
    offerP50Ms: median(clock.latencies),
    offerP99Ms: percentile(clock.latencies, 99),
    acceptP50Ms: median(accepts),
    acceptP99Ms: percentile(accepts, 99),
  };
}
