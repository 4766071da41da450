/**
 * The throughput flow in process, without HTTP or sockets: created → offered → accepted →
 * ended, one session after another, on the load benchmark's site (1,000 reps in 50 teams,
 * all connected). Says how much CPU one routed session costs the engine and how many SQL
 * statements each of its commands runs; for deciding optimisations on a shared machine,
 * where wall-clock rates are noise but CPU time per cycle and statement counts are not.
 *
 *   npx tsx bench/cycle-bench.ts [--store=sqlite|postgres] [--cycles=2000] [--rounds=5] [--sql]
 *
 * `--sql` lists how many statements each command runs, after a warm-up; `--timing` (SQLite)
 * the time spent in each statement text over the measured rounds, most first.
 */
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { importSiteConfig } from '../src/config/import-config.js';
import { SystemClock } from '../src/engine/clock.js';
import { Engine } from '../src/engine/engine.js';
import { randomIds } from '../src/engine/ids.js';
import type { LobbyEvent } from '../src/store/queries/events.js';
import type { Store, StoreKind } from '../src/store/store.js';
import { benchSite, issueCode, repLogin } from './bench-site.js';
import { newLocation, openLocation, removeLocation } from './bench-stores.js';
import { median } from './stats.js';

/** Counts the statements a transaction runs, by kind of query node. */
class Counter implements KyselyPlugin {
  statements: string[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.statements.push(args.node.kind);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

function counting(store: Store, counter: Counter | null): Store {
  if (counter === null) return store;
  return {
    ...store,
    kind: store.kind,
    db: store.db,
    routingTransaction: (work) => store.routingTransaction((tx) => work(tx.withPlugin(counter))),
    notifyCommit: (tx) => store.notifyCommit(tx),
    watchCommits: (l) => store.watchCommits(l),
    serverVersion: () => store.serverVersion(),
    close: () => store.close(),
  };
}

interface Options {
  kind: StoreKind;
  cycles: number;
  rounds: number;
  sql: boolean;
  timing: boolean;
  trace: boolean;
}
const traceMarks: string[] = [];

/** Time inside better-sqlite3 per statement text (native execution, commit and fsync included). */
const statementTime = new Map<string, { n: number; us: number }>();
let timingOn = false;
/** With `--trace`, the statements of one cycle, in order. */
let tracing: string[] | null = null;

function timeStatements(): void {
  type Prepare = (this: BetterSqlite3.Database, text: string) => BetterSqlite3.Statement;
  const proto = BetterSqlite3.prototype as unknown as { prepare: Prepare };
  const prepare = proto.prepare;
  proto.prepare = function (this: BetterSqlite3.Database, text: string) {
    const stmt = prepare.call(this, text);
    const timed = <A extends unknown[], R>(fn: (...args: A) => R) =>
      (...args: A): R => {
        if (tracing !== null) tracing.push(text.replace(/\s+/g, ' ').slice(0, 200));
        if (!timingOn) return fn.apply(stmt, args);
        const t = process.hrtime.bigint();
        try {
          return fn.apply(stmt, args);
        } finally {
          const e = statementTime.get(text) ?? { n: 0, us: 0 };
          e.n += 1;
          e.us += Number(process.hrtime.bigint() - t) / 1000;
          statementTime.set(text, e);
        }
      };
    return { reader: stmt.reader, all: timed(stmt.all), run: timed(stmt.run), get: timed(stmt.get) } as unknown as BetterSqlite3.Statement;
  };
}

function parse(argv: string[]): Options {
  const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return {
    kind: arg('store') === 'postgres' ? 'postgres' : 'sqlite',
    cycles: Number(arg('cycles') ?? 2000),
    rounds: Number(arg('rounds') ?? 5),
    sql: argv.includes('--sql'),
    timing: argv.includes('--timing'),
    trace: argv.includes('--trace'),
  };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const reps = 1000;
  const teams = 50;
  if (options.timing || options.trace) timeStatements();
  const location = newLocation(options.kind);
  const raw = await openLocation(location);
  const counter = options.sql ? new Counter() : null;
  const store = counting(raw, counter);
  try {
    await importSiteConfig(raw, benchSite({ reps, teams, broadcastReps: reps }), Date.now());
    const engine = new Engine({ store, clock: new SystemClock(), ids: randomIds, logger: pino({ level: 'warn' }) });
    await engine.start();
    for (let i = 0; i < reps; i += 1) await engine.repConnected(repLogin(i));
    const offers = new Map<string, { offerId: string; repId: string }>();
    // One listener per console would be the gateway's cost; here only the offers matter.
    engine.bus.subscribe((e: LobbyEvent) => {
      if (e.type === 'offer.made' && e.sessionId && e.repId) offers.set(e.sessionId, { offerId: String(e.data.offerId), repId: e.repId });
    });
    const perCommand = new Map<string, number[]>();
    const record = (name: string): void => {
      if (tracing !== null) tracing.push(`---- end of ${name}`);
      if (counter === null) return;
      const list = perCommand.get(name) ?? [];
      list.push(counter.statements.length);
      perCommand.set(name, list);
      counter.statements = [];
    };
    let i = 0;
    const cycle = async (): Promise<void> => {
      i += 1;
      if (counter) counter.statements = [];
      const created = await engine.submitIssue(issueCode(i % teams), { customerName: `Customer ${i}` });
      record('submitIssue');
      const offer = offers.get(created.session.id);
      if (!offer) throw new Error(`session ${created.session.id} was not offered`);
      offers.delete(created.session.id);
      await engine.acceptOffer(offer.repId, offer.offerId);
      record('acceptOffer');
      await engine.endSession(created.session.id, { kind: 'rep', repId: offer.repId }, 'completed');
      record('endSession');
    };
    for (let w = 0; w < 300; w += 1) await cycle();
    if (options.trace) {
      for (const name of ['submitIssue', 'acceptOffer', 'endSession']) traceMarks.push(name);
      tracing = [];
      await cycle();
      const lines = tracing;
      tracing = null;
      console.log(lines.join('\n'));
    }
    if (counter) {
      perCommand.clear();
      for (let w = 0; w < 50; w += 1) await cycle();
      for (const [name, counts] of perCommand) console.log(`${name}: ${median(counts)} statements (median of ${counts.length})`);
    }
    const perCycleUs: number[] = [];
    timingOn = options.timing;
    for (let r = 0; r < options.rounds; r += 1) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let c = 0; c < options.cycles; c += 1) await cycle();
      const cpu = process.cpuUsage(cpu0);
      const wall = performance.now() - t0;
      const us = (cpu.user + cpu.system) / options.cycles;
      perCycleUs.push(us);
      console.log(
        `round ${r + 1}: ${us.toFixed(0)} µs CPU per cycle (user ${(cpu.user / options.cycles).toFixed(0)}, system ${(cpu.system / options.cycles).toFixed(0)}), ${((options.cycles * 1000) / wall).toFixed(0)} cycles/s wall`,
      );
    }
    if (options.timing) {
      const cycles = options.cycles * options.rounds;
      const rows = [...statementTime.entries()].sort((a, b) => b[1].us - a[1].us);
      const total = rows.reduce((n, [, e]) => n + e.us, 0);
      console.log(`inside SQLite: ${(total / cycles).toFixed(0)} µs per cycle, ${(rows.reduce((n, [, e]) => n + e.n, 0) / cycles).toFixed(1)} statements per cycle`);
      for (const [text, e] of rows.slice(0, 40)) {
        console.log(`${(e.us / cycles).toFixed(1).padStart(7)} µs/cycle ${(e.n / cycles).toFixed(2).padStart(5)}×  ${(e.us / e.n).toFixed(1).padStart(6)} µs  ${text.replace(/\s+/g, ' ').slice(0, 150)}`);
      }
    }
    // The least is the round least disturbed by other work on the machine (a busy sibling
    // core slows this one down too): the figure to compare changes by on a shared machine.
    const least = Math.min(...perCycleUs);
    console.log(JSON.stringify({ store: options.kind, cpuUsPerCycle: Math.round(median(perCycleUs)), leastCpuUsPerCycle: Math.round(least), cyclesPerCpuSecond: Math.round(1e6 / median(perCycleUs)) }));
    await engine.stop();
  } finally {
    await raw.close();
    await removeLocation(location);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
