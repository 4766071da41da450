/**
 * Where the server's CPU goes, from a V8 CPU profile of the benchmark server:
 *
 *   LOBBY_BENCH_PROFILE=/tmp/lobby-prof npm run bench -- --quick
 *   npx tsx bench/profile-summary.ts /tmp/lobby-prof/<file>.cpuprofile
 *
 * Self time per sample is put in one bucket by the function and file it was taken in.
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
  ['SQLite (native statements, commit and fsync)', (fn, url) => url.includes('sqlite-driver') && fn === 'executeQuery'],
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

export function summarize(profile: Profile): { bucket: string; ms: number; percent: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url } = node.callFrame;
    const bucket = BUCKETS.find(([, match]) => match(functionName, url))?.[0] ?? 'other (Node internals, pino, JSON, crypto…)';
    totals.set(bucket, (totals.get(bucket) ?? 0) + dt);
    all += dt;
  });
  return [...totals.entries()]
    .map(([bucket, us]) => ({ bucket, ms: us / 1000, percent: (100 * us) / all }))
    .sort((a, b) => b.ms - a.ms);
}

const file = process.argv[2];
if (file) {
  const rows = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const busy = rows.filter((r) => r.bucket !== 'idle').reduce((n, r) => n + r.ms, 0);
  for (const r of rows) {
    const ofBusy = r.bucket === 'idle' ? '' : `  ${((100 * r.ms) / busy).toFixed(1).padStart(5)}% of busy`;
    console.log(`${r.ms.toFixed(0).padStart(8)} ms ${r.percent.toFixed(1).padStart(5)}%${ofBusy}  ${r.bucket}`);
  }
}
