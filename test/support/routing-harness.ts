/**
 * Scenario harness for the routing suites (test/engine/routing-*.test.ts): an Engine on a
 * fresh real store, configured from a small site object, driven by a ManualClock. Nothing
 * sleeps: commands run Equilibrium inside their own transaction, and timers run when the
 * test moves the clock (`advance`), which also waits for the dispatcher to be idle.
 */
import { afterAll, afterEach } from 'vitest';
import pino from 'pino';
import { sql, type Selectable } from 'kysely';
import { importSiteConfig, type ImportSummary } from '../../src/config/import-config.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { randomIds } from '../../src/engine/ids.js';
import { loadQueues, loadReps } from '../../src/engine/routing-snapshot.js';
import { isMemberOf, repState, unavailableReason, type RepState } from '../../src/core/rep-state.js';
import { isAutomatic } from '../../src/core/ranking.js';
import { isLobbyError, type ErrorCode } from '../../src/core/errors.js';
import type { OfferExplanation } from '../../src/core/ranking.js';
import { toLobbyEvent, type LobbyEvent } from '../../src/store/queries/events.js';
import type { OfferTable, SessionRow } from '../../src/store/schema.js';
import type { Store, StoreKind } from '../../src/store/store.js';
import { openTestStore, type TestStore } from './test-stores.js';

export type OfferRow = Selectable<OfferTable>;

const logger = pino({ level: 'silent' });

/**
 * A syntactically valid password hash: routing tests never log in, and hashing a real
 * password (scrypt, ~50 ms) per user per test would dominate the suite's run time.
 */
const UNUSED_PASSWORD_HASH = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';

export interface RepSpec {
  login: string;
  policy?: string;
  preferred?: string[];
  ignored?: string[];
}

export interface SiteSpec {
  site?: Record<string, unknown>;
  /** Default here: `{ algorithm: 'none' }`, so only the queues a test names route automatically. */
  generalQueue?: Record<string, unknown>;
  /** Added to a `standard` policy with the SPEC defaults, which every rep uses unless told. */
  policies?: Record<string, unknown>[];
  reps: (string | RepSpec)[];
  teams?: Record<string, unknown>[];
  /** Roots are ranked in list order (first = highest). */
  skills?: { id: string; parent?: string }[];
  issues?: Record<string, unknown>[];
}

/** A site configuration object in the import format of src/config/site-config.ts. */
export function routingSite(spec: SiteSpec): Record<string, unknown> {
  return {
    version: 1,
    site: { siteName: 'Routing test site', ...spec.site },
    generalQueue: { algorithm: 'none', ...spec.generalQueue },
    policies: [{ id: 'standard', name: 'Standard' }, ...(spec.policies ?? [])],
    users: spec.reps.map((r, i) => {
      const rep: RepSpec = typeof r === 'string' ? { login: r } : r;
      return {
        login: rep.login,
        displayName: rep.login.toUpperCase(),
        displayNumber: i + 1,
        policy: rep.policy ?? 'standard',
        admin: i === 0,
        passwordHash: UNUSED_PASSWORD_HASH,
        skills: { preferred: rep.preferred ?? [], ignored: rep.ignored ?? [] },
      };
    }),
    teams: spec.teams ?? [],
    skills: (spec.skills ?? []).map((s) => ({ id: s.id, name: s.id, ...(s.parent ? { parent: s.parent } : {}) })),
    issues: spec.issues ?? [],
  };
}

/** A team with the given members (all `member` role) and queue settings. */
export function team(id: string, members: string[], settings: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: id, members: members.map((user) => ({ user })), ...settings };
}

export interface NewSessionOptions {
  priority?: number;
  skills?: string[];
  name?: string;
}

export class RoutingHarness {
  constructor(
    readonly kind: StoreKind,
    private readonly testStore: TestStore,
    public engine: Engine,
    readonly clock: ManualClock,
    readonly imported: ImportSummary,
  ) {}

  get store(): Store {
    return this.testStore.store;
  }

  get db() {
    return this.testStore.store.db;
  }

  /** Opens one console connection per rep, in order (A1). */
  async connect(...repIds: string[]): Promise<void> {
    for (const id of repIds) await this.engine.repConnected(id);
  }

  /** A session created through the API (C6) into `queueId`; returns its id. */
  async createIn(queueId: string | null, options: NewSessionOptions = {}): Promise<string> {
    const { session } = await this.engine.createSession({
      origin: 'api',
      queueId,
      customerName: options.name ?? 'Customer',
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...(options.skills !== undefined ? { requiredSkills: options.skills } : {}),
    });
    return session.id;
  }

  /** Gives a rep `n` active sessions, through their personal queue and a manual accept. */
  async giveSessions(repId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const id = await this.createIn(`rep:${repId}`, { name: `Load ${repId} ${i}` });
      await this.engine.acceptSession(repId, id);
      ids.push(id);
    }
    return ids;
  }

  /** Moves the clock and waits until every timer that fell due has run. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.engine.timersIdle();
  }

  advanceSeconds(seconds: number): Promise<void> {
    return this.advance(seconds * 1000);
  }

  pendingOffers(): Promise<OfferRow[]> {
    return this.db.selectFrom('offers').selectAll().where('state', '=', 'pending').orderBy('made_at').orderBy('id').execute();
  }

  /** The one pending offer a rep holds, or undefined. */
  async offerOf(repId: string): Promise<OfferRow | undefined> {
    const rows = await this.db.selectFrom('offers').selectAll().where('rep_id', '=', repId).where('state', '=', 'pending').execute();
    if (rows.length > 1) throw new Error(`X5 broken: ${repId} holds ${rows.length} pending offers`);
    return rows[0];
  }

  /** The pending offer of a waiting session, or undefined (offers of its invitations are not its own). */
  async offerFor(sessionId: string): Promise<OfferRow | undefined> {
    const rows = await this.db
      .selectFrom('offers')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('invitation_id', 'is', null)
      .where('state', '=', 'pending')
      .execute();
    if (rows.length > 1) throw new Error(`X5 broken: session ${sessionId} has ${rows.length} pending offers`);
    return rows[0];
  }

  /** S1: the pending offer of an invitation, or undefined. */
  async offerForInvitation(invitationId: string): Promise<OfferRow | undefined> {
    const rows = await this.db.selectFrom('offers').selectAll().where('invitation_id', '=', invitationId).where('state', '=', 'pending').execute();
    if (rows.length > 1) throw new Error(`X5 broken: invitation ${invitationId} has ${rows.length} pending offers`);
    return rows[0];
  }

  /** S1: every offer of an invitation in the order they were made: `rep:state`. */
  async invitationOfferHistory(invitationId: string): Promise<string[]> {
    const made = (await this.events({ type: 'offer.made' })).filter((e) => e.data.invitationId === invitationId);
    const rows = await this.db.selectFrom('offers').select(['id', 'rep_id', 'state']).where('invitation_id', '=', invitationId).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return made.map((e) => {
      const row = byId.get(String(e.data.offerId));
      return `${row?.rep_id}:${row?.state}`;
    });
  }

  invitation(id: string) {
    return this.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /** Who holds the session's pending offer, or null. */
  async offeredTo(sessionId: string): Promise<string | null> {
    return (await this.offerFor(sessionId))?.rep_id ?? null;
  }

  /** Every offer of a session in the order they were made: `rep:state`. */
  async offerHistory(sessionId: string): Promise<string[]> {
    const made = await this.events({ type: 'offer.made', sessionId });
    const rows = await this.db.selectFrom('offers').select(['id', 'rep_id', 'state']).where('session_id', '=', sessionId).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return made.map((e) => {
      const row = byId.get(String(e.data.offerId));
      return `${row?.rep_id}:${row?.state}`;
    });
  }

  async offer(offerId: string): Promise<OfferRow> {
    return this.db.selectFrom('offers').selectAll().where('id', '=', offerId).executeTakeFirstOrThrow();
  }

  async explanation(offerId: string): Promise<OfferExplanation> {
    return JSON.parse((await this.offer(offerId)).explanation) as OfferExplanation;
  }

  session(id: string): Promise<SessionRow> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /** Events from the database, in sequence order, optionally filtered. */
  async events(filter: { type?: string; sessionId?: string; repId?: string } = {}): Promise<LobbyEvent[]> {
    let q = this.db.selectFrom('events').selectAll();
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    if (filter.sessionId !== undefined) q = q.where('session_id', '=', filter.sessionId);
    if (filter.repId !== undefined) q = q.where('rep_id', '=', filter.repId);
    return (await q.orderBy('seq').execute()).map(toLobbyEvent);
  }

  async eventTypes(sessionId: string): Promise<string[]> {
    return (await this.events({ sessionId })).map((e) => e.type);
  }

  async eventCount(): Promise<number> {
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A6: the rep's state and session count, as the console and the API show them. */
  async repState(repId: string): Promise<{ state: RepState; sessions: number }> {
    const [rep] = await loadReps(this.db, { repIds: [repId] });
    return { state: rep ? repState(rep) : 'offline', sessions: rep?.sessionCount ?? 0 };
  }

  /**
   * Everything routing keeps about sessions, offers, exclusions, participants, presence and
   * timers, for "nothing changed" checks.
   */
  async routingState(): Promise<unknown> {
    const [sessions, offers, exclusions, participants, presence, timers] = await Promise.all([
      this.db.selectFrom('sessions').selectAll().orderBy('id').execute(),
      this.db.selectFrom('offers').selectAll().orderBy('id').execute(),
      this.db.selectFrom('exclusions').selectAll().orderBy('session_id').orderBy('rep_id').execute(),
      this.db.selectFrom('participants').selectAll().orderBy('session_id').orderBy('user_id').execute(),
      this.db.selectFrom('presence').selectAll().orderBy('user_id').execute(),
      this.db.selectFrom('timers').select(['kind', 'ref', 'due_at']).orderBy('kind').orderBy('ref').orderBy('due_at').execute(),
    ]);
    return { sessions, offers, exclusions, participants, presence, timers };
  }

  /**
   * X5 over the whole store: at most one pending offer per rep and per session or
   * invitation; a session's offer is of a waiting session, an invitation's (S1) of an open
   * invitation to an active session, to a rep who is not in it and did not send it.
   */
  async checkOfferInvariants(): Promise<void> {
    const pending = await this.pendingOffers();
    const reps = new Set<string>();
    const candidates = new Set<string>();
    for (const o of pending) {
      const key = o.invitation_id === null ? `session:${o.session_id}` : `invitation:${o.invitation_id}`;
      if (reps.has(o.rep_id)) throw new Error(`X5 broken: ${o.rep_id} holds two pending offers`);
      if (candidates.has(key)) throw new Error(`X5 broken: ${key} has two pending offers`);
      reps.add(o.rep_id);
      candidates.add(key);
      const s = await this.session(o.session_id);
      if (o.invitation_id === null) {
        if (s.state !== 'waiting') throw new Error(`pending offer ${o.id} for a session that is ${s.state}`);
      } else {
        const invitation = await this.invitation(o.invitation_id);
        if (invitation.state !== 'open') throw new Error(`pending offer ${o.id} for an invitation that is ${invitation.state}`);
        if (s.state !== 'active') throw new Error(`pending offer ${o.id} of an invitation to a session that is ${s.state}`);
        if (invitation.inviter_id === o.rep_id) throw new Error(`pending offer ${o.id} of an invitation to its own inviter`);
        const inSession = await this.db.selectFrom('participants').select('user_id').where('session_id', '=', s.id).where('user_id', '=', o.rep_id).executeTakeFirst();
        if (inSession) throw new Error(`pending offer ${o.id} of an invitation to ${o.rep_id}, who is already in the session`);
      }
      if (o.expires_at < this.clock.now()) throw new Error(`pending offer ${o.id} outlived its expiry`);
    }
  }

  /**
   * E1/E7: no connected, available rep without an offer is left idle while a session they
   * are not excluded from (or, S1, an invitation they may take) waits unoffered in one of
   * their automatic queues.
   */
  async checkNoIdleRepWithWork(): Promise<void> {
    const reps = (await loadReps(this.db)).filter(
      (r) => unavailableReason(r) === null && r.pendingOfferSessionId === null && (r.pendingOfferInvitationId ?? null) === null,
    );
    const queues = (await loadQueues(this.db)).filter(isAutomatic);
    for (const rep of reps) {
      const mine = queues.filter((q) => isMemberOf(rep, q)).map((q) => q.id);
      if (mine.length === 0) continue;
      const waiting = await this.db
        .selectFrom('sessions')
        .select('id')
        .where('state', '=', 'waiting')
        .where('queue_id', 'in', mine)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('offers').select('id').whereRef('offers.session_id', '=', 'sessions.id').where('offers.state', '=', 'pending'))))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('exclusions').select('rep_id').whereRef('exclusions.session_id', '=', 'sessions.id').where('exclusions.rep_id', '=', rep.id))))
        .execute();
      if (waiting.length > 0) throw new Error(`E1 broken: ${rep.id} is free while ${waiting.length} session(s) wait unoffered in their queues`);
      // S1: nor an open invitation they did not send, to a session they are not in, whose offer they never missed.
      const invitations = await this.db
        .selectFrom('invitations')
        .select('id')
        .where('state', '=', 'open')
        .where('queue_id', 'in', mine)
        .where('inviter_id', '!=', rep.id)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('offers').select('id').whereRef('offers.invitation_id', '=', 'invitations.id').where('offers.state', '=', 'pending'))))
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('offers')
                .select('id')
                .whereRef('offers.invitation_id', '=', 'invitations.id')
                .where('offers.rep_id', '=', rep.id)
                .where('offers.state', 'in', ['rejected', 'expired']),
            ),
          ),
        )
        .where((eb) => eb.not(eb.exists(eb.selectFrom('participants').select('user_id').whereRef('participants.session_id', '=', 'invitations.session_id').where('participants.user_id', '=', rep.id))))
        .execute();
      if (invitations.length > 0) throw new Error(`E1 broken: ${rep.id} is free while ${invitations.length} invitation(s) wait unoffered in their queues`);
    }
  }

  /**
   * Stops this engine, closes the store, lets `downMs` pass, and starts again on the
   * reopened store (W4). With `nodes: 2` a second engine starts at the same moment, as a
   * second node sharing the database would, so a timer that could fire twice would.
   */
  async restart(downMs = 0, options: { nodes?: 1 | 2 } = {}): Promise<void> {
    await this.engine.stop();
    for (const e of this.extraEngines.splice(0)) await e.stop();
    await this.testStore.store.close();
    this.clock.advance(downMs);
    const store = await this.testStore.reopen();
    this.engine = new Engine({ store, clock: this.clock, ids: randomIds, logger });
    const engines = [this.engine];
    if (options.nodes === 2) {
      const other = new Engine({ store, clock: this.clock, ids: randomIds, logger });
      this.extraEngines.push(other);
      engines.push(other);
    }
    await Promise.all(engines.map((e) => e.start()));
    await Promise.all(engines.map((e) => e.timersIdle()));
  }

  /** A second engine on the same store, as another node would run. */
  async secondNode(): Promise<Engine> {
    const other = new Engine({ store: this.store, clock: this.clock, ids: randomIds, logger });
    this.extraEngines.push(other);
    return other;
  }

  private extraEngines: Engine[] = [];

  /** Stops every engine of this harness; the store stays open for the next test. */
  async stop(): Promise<void> {
    for (const e of this.extraEngines) await e.stop().catch(() => undefined);
    await this.engine.stop().catch(() => undefined);
  }
}

/** Every table of the store but the migrator's own, read from the database itself. */
async function dataTables(store: Store): Promise<string[]> {
  if (store.kind === 'sqlite') {
    const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(store.db);
    return rows.rows.map((r) => r.name).filter((n) => !n.startsWith('kysely_'));
  }
  const rows = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(store.db);
  return rows.rows.map((r) => r.name).filter((n) => !n.startsWith('kysely_'));
}

/**
 * Empties every table, so that the next test starts from a store as fresh as a new one.
 * Opening a new store per test (a new PostgreSQL schema and its migrations) costs more
 * than most routing scenarios; the tables are read from the database, so a table added by
 * a later migration is emptied too.
 */
async function wipe(store: Store): Promise<void> {
  const tables = await dataTables(store);
  if (store.kind === 'postgres') {
    await sql.raw(`truncate table ${tables.map((t) => `"${t}"`).join(', ')} restart identity cascade`).execute(store.db);
    return;
  }
  await sql`pragma foreign_keys = off`.execute(store.db);
  try {
    await store.routingTransaction(async (tx) => {
      for (const t of tables) await sql.raw(`delete from "${t}"`).execute(tx);
      // Event sequences start again at 1, as in a new database.
      await sql`delete from sqlite_sequence`.execute(tx);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(store.db);
  }
}

/**
 * For a describe block: `const start = useRoutingHarness(kind)`, then in each test
 * `const h = await start(site)`. The block opens one store and empties it before each
 * start; every harness started is stopped after its test, and the store after the block.
 */
export function useRoutingHarness(kind: StoreKind): (site: unknown) => Promise<RoutingHarness> {
  const open: RoutingHarness[] = [];
  let testStore: TestStore | null = null;
  let dirty = false;
  afterEach(async () => {
    while (open.length > 0) await open.pop()!.stop();
  });
  afterAll(async () => {
    await testStore?.close();
    testStore = null;
  });
  return async (site) => {
    const clock = new ManualClock();
    if (testStore === null) testStore = await openTestStore(kind);
    else if (dirty) await wipe(testStore.store);
    dirty = true;
    const imported = await importSiteConfig(testStore.store, site, clock.now());
    const engine = new Engine({ store: testStore.store, clock, ids: randomIds, logger });
    await engine.start();
    const h = new RoutingHarness(kind, testStore, engine, clock, imported);
    open.push(h);
    return h;
  };
}

/** Runs `work`, expecting a LobbyError with `code`; returns it. */
export async function expectLobbyError(work: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await work;
  } catch (err) {
    if (!isLobbyError(err)) throw new Error(`expected LobbyError ${code}, got ${String(err)}`);
    if (err.code !== code) throw new Error(`expected LobbyError ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  throw new Error(`expected LobbyError ${code}, but the command succeeded`);
}
