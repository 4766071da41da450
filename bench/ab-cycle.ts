/**
 * Compares the engine of two source trees in one process, on a shared machine: the same
 * throughput cycle (created → offered → accepted → ended, in process) runs on each tree
 * in alternating short rounds, so that whatever else the machine does falls on both alike.
 *
 *   npx tsx bench/ab-cycle.ts /path/to/other/tree [--rounds=20] [--cycles=100]
 *
 * Prints CPU µs per cycle for each tree (median and least of the rounds) and the median of
 * the per-round ratios (this tree / other).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { benchSite, issueCode, repLogin } from './bench-site.js';
import { median } from './stats.js';

interface Tree {
  name: string;
  cycle: () => Promise<void>;
  close: () => Promise<void>;
}

async function open(root: string, name: string): Promise<Tree> {
  const { openSqliteStore } = (await import(join(root, 'src/store/sqlite-store.ts'))) as typeof import('../src/store/sqlite-store.js');
  const { importSiteConfig } = (await import(join(root, 'src/config/import-config.ts'))) as typeof import('../src/config/import-config.js');
  const { Engine } = (await import(join(root, 'src/engine/engine.ts'))) as typeof import('../src/engine/engine.js');
  const { SystemClock } = (await import(join(root, 'src/engine/clock.ts'))) as typeof import('../src/engine/clock.js');
  const { randomIds } = (await import(join(root, 'src/engine/ids.ts'))) as typeof import('../src/engine/ids.js');
  const dir = mkdtempSync(join(tmpdir(), 'lobby-ab-'));
  const store = await openSqliteStore(dir);
  const reps = 1000;
  const teams = 50;
  await importSiteConfig(store, benchSite({ reps, teams, broadcastReps: reps }), Date.now());
  const engine = new Engine({ store, clock: new SystemClock(), ids: randomIds, logger: pino({ level: 'warn' }) });
  await engine.start();
  for (let i = 0; i < reps; i += 1) await engine.repConnected(repLogin(i));
  const offers = new Map<string, { offerId: string; repId: string }>();
  engine.bus.subscribe((e) => {
    if (e.type === 'offer.made' && e.sessionId && e.repId) offers.set(e.sessionId, { offerId: String(e.data.offerId), repId: e.repId });
  });
  let i = 0;
  return {
    name,
    async cycle() {
      i += 1;
      const created = await engine.submitIssue(issueCode(i % teams), { customerName: `Customer ${i}` });
      const offer = offers.get(created.session.id);
      if (!offer) throw new Error('not offered');
      offers.delete(created.session.id);
      await engine.acceptOffer(offer.repId, offer.offerId);
      await engine.endSession(created.session.id, { kind: 'rep', repId: offer.repId }, 'completed');
    },
    async close() {
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const other = resolve(args.find((a) => !a.startsWith('--')) ?? '');
  const arg = (n: string, d: number) => Number(args.find((a) => a.startsWith(`--${n}=`))?.split('=')[1] ?? d);
  const rounds = arg('rounds', 20);
  const cycles = arg('cycles', 100);
  const here = resolve(new URL('..', import.meta.url).pathname);
  const trees = [await open(here, 'this'), await open(other, 'other')];
  for (const t of trees) for (let w = 0; w < 300; w += 1) await t.cycle();
  const us: number[][] = [[], []];
  for (let r = 0; r < rounds; r += 1) {
    for (const [k, t] of (r % 2 === 0 ? [0, 1] : [1, 0]).map((k) => [k, trees[k]!] as const)) {
      const c0 = process.cpuUsage();
      for (let c = 0; c < cycles; c += 1) await t.cycle();
      const c = process.cpuUsage(c0);
      us[k]!.push((c.user + c.system) / cycles);
    }
  }
  const ratios = us[0]!.map((x, r) => x / us[1]![r]!);
  for (const [k, t] of trees.entries()) console.log(`${t.name}: median ${median(us[k]!).toFixed(0)} µs/cycle, least ${Math.min(...us[k]!).toFixed(0)}`);
  console.log(`this / other: median ratio ${median(ratios).toFixed(3)} (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})`);
  for (const t of trees) await t.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
