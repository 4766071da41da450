/**
 * Where the server's CPU goes, from a V8 CPU profile of the benchmark server:
 *
 *   LOBBY_BENCH_PROFILE=/tmp/lobby-prof npm run bench -- --quick
 *   npx tsx bench/profile-summary.ts /tmp/lobby-prof/<file>.cpuprofile
 *
 * Self time per sample is put in one bucket by the function and file it was taken in.
 * `--top=N` also lists the N functions with the most self time, and the N with the most
 * total time (self and callees; synchronous stacks only: an await ends a stack).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const BUCKETS: [string, (fn: string, url: string) => boolean][] = [
  ['idle', (fn) => fn === '(idle)'],
  // --cpu-prof puts the native calls in the driver's frame; the inspector's phase profiles
  // (LOBBY_BENCH_PROFILE) name better-sqlite3's native methods.
  ['SQLite (native statements; with --cpu-prof also commit and fsync)', (fn, url) => (url.includes('sqlite-driver') && fn === 'executeQuery') || (url === '' && (fn === 'run' || fn === 'all' || fn === 'get'))],
  ['SQLite statement preparation', (fn, url) => fn === 'prepare' && (url.includes('sqlite-store') || url.includes('better-sqlite3'))],
  ['socket writes (WebSocket frames, HTTP replies)', (fn, url) => fn === 'writev' || fn === 'writeUtf8String' || fn === 'writeBuffer' || url.includes('stream_base_commons')],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['Kysely (building and compiling queries)', (_fn, url) => url.includes('/kysely/')],
  ['WebSocket library (ws)', (_fn, url) => url.includes('/ws/lib/')],
  ['HTTP (Fastify, node:http)', (_fn, url) => url.includes('/fastify') || url.includes('find-my-way') || url.includes('/avvio/') || url.includes('_http_') || url.includes('light-my-request')],
  ['rep gateway fan-out (src/server/ws)', (_fn, url) => url.includes('/src/server/ws/')],
  ['engine and core (src/engine, src/core)', (_fn, url) => url.includes('/src/engine/') || url.includes('/src/core/')],
  ['store queries (src/store)', (_fn, url) => url.includes('/src/store/')],
  ['routes and schemas (src/server)', (_fn, url) => url.includes('/src/server/')],
];

const SQLITE = BUCKETS[1]![0];
const COMMIT = 'SQLite BEGIN and COMMIT (the commit writes the WAL and fsyncs)';

export function summarize(profile: Profile): { bucket: string; ms: number; percent: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The store's own BEGIN and COMMIT are raw statements run from sqlite-store.ts.
  const isCommit = (node: ProfileNode): boolean => {
    for (let cur = byId.get(parent.get(node.id) ?? -1), depth = 0; cur && depth < 12; cur = byId.get(parent.get(cur.id) ?? -1), depth += 1) {
      if (cur.callFrame.url.includes('sqlite-store')) return true;
      if (cur.callFrame.url.includes('/src/engine/') || cur.callFrame.url.includes('/src/store/queries')) return false;
    }
    return false;
  };
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url } = node.callFrame;
    let bucket = BUCKETS.find(([, match]) => match(functionName, url))?.[0] ?? 'other (Node internals, pino, JSON, crypto…)';
    if (bucket === SQLITE && isCommit(node)) bucket = COMMIT;
    totals.set(bucket, (totals.get(bucket) ?? 0) + dt);
    all += dt;
  });
  return [...totals.entries()]
    .map(([bucket, us]) => ({ bucket, ms: us / 1000, percent: (100 * us) / all }))
    .sort((a, b) => b.ms - a.ms);
}

/** Functions by self time and by total time (time on the stack, counted once per sample). */
export function topFunctions(profile: Profile, n: number): { self: [string, number][]; total: [string, number][] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const name = (node: ProfileNode) => {
    const url = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/main\//, '').replace(/^file:\/\//, '');
    return `${node.callFrame.functionName || '(anonymous)'} ${url}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    all += dt;
    self.set(name(node), (self.get(name(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: ProfileNode | undefined = node; cur; cur = byId.get(parent.get(cur.id) ?? -1)) {
      const k = name(cur);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]): [string, number] => [k, (100 * us) / all]);
  return { self: top(self), total: top(total) };
}

const file = process.argv[2];
const topArg = process.argv.find((a) => a.startsWith('--top='));
if (file && topArg) {
  const { self, total } = topFunctions(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(topArg.slice(6)));
  console.log('\nself time, % of busy:');
  for (const [k, p] of self) console.log(`${p.toFixed(1).padStart(6)}%  ${k}`);
  console.log('\ntotal time (synchronous stacks), % of busy:');
  for (const [k, p] of total) console.log(`${p.toFixed(1).padStart(6)}%  ${k}`);
}
if (file) {
  const rows = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const busy = rows.filter((r) => r.bucket !== 'idle').reduce((n, r) => n + r.ms, 0);
  for (const r of rows) {
    const ofBusy = r.bucket === 'idle' ? '' : `  ${((100 * r.ms) / busy).toFixed(1).padStart(5)}% of busy`;
    console.log(`${r.ms.toFixed(0).padStart(8)} ms ${r.percent.toFixed(1).padStart(5)}%${ofBusy}  ${r.bucket}`);
  }
}
