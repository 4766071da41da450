/**
 * Time per routing decision against the size of the site: 100, 1,000 and 10,000
 * logged-in reps × 100, 10,000 and 100,000 waiting sessions, in process (Engine on a fresh
 * store, no HTTP).
 *
 * The store is seeded as a busy contact centre: every rep is logged in and at their
 * session limit (one session each, `maxSessions: 1`), and the waiting sessions, spread over
 * ten team queues, wait for a rep to come free (E7). One decision is then what happens all
 * day: a rep ends their session, drops below the limit, and the same command offers them
 * the oldest session waiting in their queues. The time is the whole command (end, pass,
 * offer, events, commit with its fsync). Untimed between samples, to keep the state
 * steady: the rep accepts the offer. Also between samples a new session arrives in the
 * same team, timed as `arrivalMs`: a decision too (nobody is free), which must be as cheap.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { sql } from 'kysely';
import { importSiteConfig } from '../src/config/import-config.js';
import { SystemClock } from '../src/engine/clock.js';
import { Engine } from '../src/engine/engine.js';
import { randomIds } from '../src/engine/ids.js';
import type { Db, Store, StoreKind } from '../src/store/store.js';
import { benchSite, repLogin, teamId } from './bench-site.js';
import { newLocation, openLocation, removeLocation } from './bench-stores.js';
import { median, percentile } from './stats.js';

export interface DecisionCell {
  reps: number;
  waiting: number;
  /** Median ms of one command that ends a session and offers its rep the next one. */
  decisionMs: number;
  decisionP99Ms: number;
  /** Median ms of one new session command (nobody is free: no offer). */
  arrivalMs: number;
  samples: number;
  seedSeconds: number;
}

const TEAMS = 10;
const BATCH = 500;

async function insertMany(db: Db, table: 'sessions' | 'presence' | 'participants', rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bulk seeding of rows built above for these tables
    await db.insertInto(table).values(rows.slice(i, i + BATCH) as any).execute();
  }
}

function sessionRow(id: string, at: number, queue: string | null, ownerId: string | null) {
  return {
    id,
    state: ownerId === null ? 'waiting' : 'active',
    origin: 'api',
    client_type: 'standard',
    customer_name: `Customer ${id}`,
    customer_company: '',
    customer_details: '',
    issue_id: null,
    priority: 0,
    required_skills: '[]',
    attributes: '{}',
    first_queue_id: queue ?? 'general',
    queue_id: queue,
    last_queue_id: queue ?? 'general',
    queued_at: at,
    waiting_since: at,
    owner_id: ownerId,
    overdue: 0,
    overflow_moves: 0,
    customer_token_hash: `bench-${id}`,
    created_at: at,
    accepted_at: ownerId === null ? null : at,
    ended_at: null,
    end_reason: null,
  };
}

/**
 * Writes the site and the busy state straight into the store: every rep connected and
 * owning one active session, `waiting` sessions in the team queues (oldest first).
 * Returns each rep's active session.
 */
async function seed(store: Store, reps: number, waiting: number, now: number): Promise<Map<string, string>> {
  await importSiteConfig(store, benchSite({ reps, teams: TEAMS, maxSessions: 1 }), now);
  const active = new Map<string, string>();
  await store.routingTransaction(async (tx) => {
    const presence = Array.from({ length: reps }, (_, i) => ({
      user_id: repLogin(i),
      connections: 1,
      logged_in: 1,
      locked: 0,
      idle: 0,
      opted_out: 0,
      last_activity_at: now,
      load_since: now - 1_000_000 + i,
      missed_offers: 0,
    }));
    await insertMany(tx, 'presence', presence);
    const owned = Array.from({ length: reps }, (_, i) => sessionRow(`a${String(i).padStart(7, '0')}`, now - 2_000_000, null, repLogin(i)));
    await insertMany(tx, 'sessions', owned);
    await insertMany(
      tx,
      'participants',
      owned.map((s) => ({ session_id: s.id, user_id: s.owner_id, role: 'owner', joined_at: s.created_at })),
    );
    for (const s of owned) active.set(s.owner_id!, s.id);
    const queued = Array.from({ length: waiting }, (_, i) => sessionRow(`w${String(i).padStart(7, '0')}`, now - waiting + i, `team:${teamId(i % TEAMS)}`, null));
    await insertMany(tx, 'sessions', queued);
  });
  // Fresh statistics, as a long-running database has them (PostgreSQL's autovacuum).
  if (store.kind === 'postgres') await sql`analyze`.execute(store.db);
  return active;
}

export async function decisionCell(kind: StoreKind, reps: number, waiting: number, samples: number): Promise<DecisionCell> {
  const location = newLocation(kind);
  const store = await openLocation(location);
  const engine = new Engine({ store, clock: new SystemClock(), ids: randomIds, logger: pino({ level: 'silent' }) });
  try {
    // Started first: on SQLite, starting voids the connections of a previous run.
    await engine.start();
    const t0 = performance.now();
    const active = await seed(store, reps, waiting, Date.now());
    const seedSeconds = (performance.now() - t0) / 1000;
    const decisions: number[] = [];
    const arrivals: number[] = [];
    let missed = 0;
    const warmup = Math.min(20, samples);
    for (let i = 0; i < samples + warmup; i += 1) {
      const rep = Math.floor(Math.random() * reps);
      const repId = repLogin(rep);
      const started = performance.now();
      await engine.endSession(active.get(repId)!, { kind: 'rep', repId }, 'completed');
      const ms = performance.now() - started;
      const offer = await store.db
        .selectFrom('offers')
        .select(['id', 'session_id'])
        .where('rep_id', '=', repId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (offer === undefined) missed += 1;
      if (i >= warmup) decisions.push(ms);
      const t = performance.now();
      await engine.createSession({ origin: 'api', queueId: `team:${teamId(rep % TEAMS)}`, customerName: 'Arrival' });
      if (i >= warmup) arrivals.push(performance.now() - t);
      if (offer !== undefined) {
        await engine.acceptOffer(repId, offer.id);
        active.set(repId, offer.session_id);
      }
    }
    if (missed > 0) throw new Error(`${missed} decisions made no offer: the benchmark state is not what it says`);
    return {
      reps,
      waiting,
      decisionMs: median(decisions),
      decisionP99Ms: percentile(decisions, 99),
      arrivalMs: median(arrivals),
      samples: decisions.length,
      seedSeconds,
    };
  } finally {
    await engine.stop();
    await store.close();
    await removeLocation(location);
  }
}
