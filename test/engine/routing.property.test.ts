/**
 * Property tests of Equilibrium routing (SPEC sections 5–7, 9, X5) against the real engine
 * on a real store: random sequences of commands (sessions arrive, reps connect and
 * disconnect, lock, go idle, opt out, accept, reject, take sessions by hand, end and
 * transfer them; time passes), with every invariant below checked after every step by
 * reading the database directly. Eligibility, ranking and skill fit are recomputed here
 * from the rows, from the SPEC's words, without calling src/core.
 *
 * A step is one command (one transaction), or one stretch of time: time moves to the next
 * due timer at a time, so that the invariants are also checked between timer runs.
 *
 * Invariants (the id in brackets is what a failure names):
 *  [L1]      a waiting session is in exactly one existing queue; active and ended ones in none.
 *  [OWNER]   an active session has exactly one owner, a participant with role owner; a
 *            waiting session has no owner and no participants.
 *  [X5]      at most one pending offer per session and per rep; only waiting sessions have one.
 *  [E2]      every pending offer is to a rep eligible right now: connected, not locked (where
 *            the policy says so), not idle, not opted out, below the session limit (A4), member
 *            of the session's automatic queue, not excluded (E6), not in the session.
 *  [E4]      every pending offer expires in the future (after timers ran), after exactly the
 *            queue's offer timeout, and has its durable expiry timer.
 *  [E3]      every offer made by the step's last transaction went to the best rep by E3 (skill
 *            fit per E8 in skills_least_busy queues, then sessions, then loadSince, then id)
 *            among the reps that were free and eligible when it was made.
 *  [E6]      a rep is excluded for a waiting session exactly when they rejected it, or let its
 *            offer expire, since it entered its current queue.
 *  [Q4]      Equilibrium offers a queue's sessions in Q4 order (priority, then waiting since).
 *  [E7]      no waiting session in an automatic queue is left unoffered while a free rep who
 *            is eligible for it (and not excluded) exists.
 *  [A4]      accepting an offer never takes a rep above the policy's session limit.
 *  [A3]      a connected rep is idle exactly when idleMinutes passed since their last activity.
 *  [W]       a waiting rule whose time came has fired (mark / overflow / W3 mark after
 *            maxOverflowMoves), and one whose time has not come has its timer.
 *  [TIMERS]  after timers ran, no timer row is due; no timer handler failed.
 *  [CMD]     a command that succeeded did what it says (the rep is locked, the session is
 *            owned by whoever accepted it, the transferred session waits in the target …).
 *  [REFUSAL] a command refused with a LobbyError changed nothing (events, sessions, offers,
 *            exclusions, participants, presence, timers).
 *  [CRASH]   no command throws anything but a LobbyError.
 *
 * ROUTING_PROP_RUNS overrides the number of runs, ROUTING_PROP_SEED fixes the seed, and
 * ROUTING_PROP_SKIP (comma-separated ids) leaves invariants out, to look past a known failure.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import type { Selectable } from 'kysely';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { importSiteConfig } from '../../src/config/import-config.js';
import { isLobbyError, type LobbyError } from '../../src/core/errors.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Ids } from '../../src/engine/ids.js';
import type { LobbyEvent } from '../../src/store/queries/events.js';
import type {
  ExclusionTable,
  OfferTable,
  ParticipantTable,
  PresenceTable,
  QueueRow,
  SessionRow,
  TimerTable,
} from '../../src/store/schema.js';
import type { Store, StoreKind } from '../../src/store/store.js';
import { STORE_KINDS, openTestStore, type TestStore } from '../support/test-stores.js';

// ---------------------------------------------------------------------------------------
// The site: three teams and an embassy, least_busy and skills_least_busy, a mark rule and
// overflow rules (one overflow cycle, general ⇄ tech, stopped by maxOverflowMoves), a small
// skill tree with preferred and ignored levels, and three policies.
// ---------------------------------------------------------------------------------------

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const PASSWORD = 'property test';
const REPS = ['ann', 'bob', 'cara', 'dan', 'eve', 'fay'] as const;
type Rep = (typeof REPS)[number];

const SITE = {
  version: 1,
  site: { siteName: 'Routing properties', repGraceSeconds: 20, customerGraceSeconds: 30, maxOverflowMoves: 3 },
  generalQueue: {
    algorithm: 'least_busy',
    offerTimeoutSeconds: 25,
    waiting: { action: 'transfer', afterSeconds: 100, overflowQueue: 'tech' },
  },
  policies: [
    { id: 'solo', name: 'One at a time', maxSessions: 1, idleMinutes: 1, missedOffersBeforeOptOut: 2 },
    {
      id: 'duo',
      name: 'Two at a time, lock does not count',
      maxSessions: 2,
      idleMinutes: 2,
      unavailableWhenLocked: false,
      canOptOut: false,
      missedOffersBeforeOptOut: 0,
    },
    { id: 'late', name: 'Opts in by hand', maxSessions: 2, idleMinutes: 1, canSeeGeneralQueue: false, autoAssignOnLogin: false },
  ],
  users: [
    { login: 'ann', displayName: 'Ann', displayNumber: 1, policy: 'solo', password: PASSWORD, skills: { preferred: ['os'], ignored: ['mac'] } },
    { login: 'bob', displayName: 'Bob', displayNumber: 2, policy: 'duo', password: PASSWORD, skills: { preferred: ['windows', 'vpn'] } },
    { login: 'cara', displayName: 'Cara', displayNumber: 3, policy: 'late', password: PASSWORD, skills: { preferred: ['net'] } },
    { login: 'dan', displayName: 'Dan', displayNumber: 4, policy: 'solo', password: PASSWORD, skills: { preferred: ['win11', 'mac'] } },
    { login: 'eve', displayName: 'Eve', displayNumber: 5, policy: 'duo', password: PASSWORD, skills: { preferred: ['os', 'net'], ignored: ['win11'] } },
    { login: 'fay', displayName: 'Fay', displayNumber: 6, policy: 'solo', password: PASSWORD, skills: { preferred: ['vpn'] } },
  ],
  teams: [
    {
      id: 'desk',
      name: 'Desk',
      algorithm: 'least_busy',
      offerTimeoutSeconds: 20,
      waiting: { action: 'mark', afterSeconds: 60 },
      members: [{ user: 'ann' }, { user: 'bob' }, { user: 'cara', role: 'lead' }],
    },
    {
      id: 'tech',
      name: 'Tech',
      algorithm: 'skills_least_busy',
      offerTimeoutSeconds: 30,
      waiting: { action: 'transfer', afterSeconds: 90, overflowQueue: 'general' },
      members: [{ user: 'bob' }, { user: 'cara' }, { user: 'dan' }, { user: 'eve', role: 'manager' }],
    },
    {
      id: 'vip',
      name: 'VIP',
      algorithm: 'skills_least_busy',
      offerTimeoutSeconds: 15,
      waiting: { action: 'transfer', afterSeconds: 45, overflowQueue: 'desk' },
      members: [{ user: 'ann' }, { user: 'eve' }],
    },
    { id: 'vendor', name: 'Vendor', kind: 'embassy', algorithm: 'least_busy', offerTimeoutSeconds: 20, members: [{ user: 'fay' }] },
  ],
  skills: [
    { id: 'os', name: 'Operating systems' },
    { id: 'windows', name: 'Windows', parent: 'os' },
    { id: 'win11', name: 'Windows 11', parent: 'windows' },
    { id: 'mac', name: 'macOS', parent: 'os' },
    { id: 'net', name: 'Networks' },
    { id: 'vpn', name: 'VPN', parent: 'net' },
  ],
  issues: [
    { code: 'printer', title: 'Printer', team: 'desk', priority: 0 },
    { code: 'outage', title: 'Outage', team: 'desk', priority: 5 },
    { code: 'win', title: 'Windows 11', team: 'tech', skills: ['win11'] },
    { code: 'macvpn', title: 'Mac on VPN', team: 'tech', skills: ['mac', 'vpn'], priority: 1 },
    { code: 'netwin', title: 'Network for Windows', team: 'tech', skills: ['vpn', 'windows'] },
    { code: 'vipmac', title: 'VIP Mac', team: 'vip', skills: ['mac'], priority: 3 },
    { code: 'vipany', title: 'VIP', team: 'vip' },
    { code: 'erp', title: 'ERP', team: 'vendor' },
  ],
};

const ARRIVALS = ['printer', 'outage', 'win', 'macvpn', 'netwin', 'vipmac', 'vipany', 'erp', 'general', 'personal:dan'] as const;
const TRANSFER_TARGETS = ['general', 'team:desk', 'team:tech', 'team:vip', 'team:vendor', 'rep:bob'] as const;

// ---------------------------------------------------------------------------------------
// Commands: plain data, so that fast-check prints and shrinks them well. Sessions and
// offers are named by a number resolved against the database when the command runs.
// ---------------------------------------------------------------------------------------

type Cmd =
  | { t: 'arrive'; what: (typeof ARRIVALS)[number] }
  | { t: 'connect'; rep: Rep }
  | { t: 'disconnect'; rep: Rep }
  | { t: 'lock'; rep: Rep; locked: boolean }
  | { t: 'activity'; rep: Rep }
  | { t: 'optOut'; rep: Rep; out: boolean }
  /** own=false: try to answer somebody else's offer (a refusal). */
  | { t: 'acceptOffer'; rep: Rep; own: boolean }
  | { t: 'rejectOffer'; rep: Rep; own: boolean }
  /** Q7: take the pick-th waiting session by hand (any session when none waits). */
  | { t: 'acceptSession'; rep: Rep; pick: number }
  | { t: 'getNext'; rep: Rep }
  /** by 'owner': the owner of the pick-th active session; a rep name: that rep; 'api'. */
  | { t: 'end'; pick: number; by: 'owner' | 'api' | Rep }
  | { t: 'transfer'; pick: number; to: (typeof TRANSFER_TARGETS)[number]; by: 'owner' | 'api' }
  /** L3: the customer of the pick-th live session opens and closes their page (grace period starts). */
  | { t: 'customerLeaves'; pick: number }
  | { t: 'tick'; ms: number };

const repArb = fc.constantFrom(...REPS);
const pickArb = fc.nat(7);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('arrive' as const), what: fc.constantFrom(...ARRIVALS) }) },
  { weight: 12, arbitrary: fc.record({ t: fc.constant('connect' as const), rep: repArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('disconnect' as const), rep: repArb }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('lock' as const), rep: repArb, locked: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('activity' as const), rep: repArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('optOut' as const), rep: repArb, out: fc.boolean() }) },
  { weight: 9, arbitrary: fc.record({ t: fc.constant('acceptOffer' as const), rep: repArb, own: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('rejectOffer' as const), rep: repArb, own: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('acceptSession' as const), rep: repArb, pick: pickArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('getNext' as const), rep: repArb }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('end' as const), pick: pickArb, by: fc.constantFrom('owner' as const, 'owner' as const, 'api' as const, 'ann' as const, 'eve' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('transfer' as const), pick: pickArb, to: fc.constantFrom(...TRANSFER_TARGETS), by: fc.constantFrom('owner' as const, 'api' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('customerLeaves' as const), pick: pickArb }) },
  {
    weight: 10,
    arbitrary: fc.record({
      t: fc.constant('tick' as const),
      ms: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
        { weight: 4, arbitrary: fc.integer({ min: 10_000, max: 40_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 40_000, max: 150_000 }) },
      ),
    }),
  },
);
/**
 * A program: a cast of two to four reps (so that the same reps meet again and again),
 * some of them logged in first, then commands. Commands name any of the six reps; each name
 * is mapped onto the cast, so that shrinking can still drop commands one by one.
 */
const programArb: fc.Arbitrary<Cmd[]> = fc
  .tuple(
    fc.shuffledSubarray([...REPS], { minLength: 2, maxLength: 4 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    fc.array(cmdArb, { maxLength: 45, size: 'max' }),
  )
  .map(([cast, loggedIn, cmds]) => {
    const role = (rep: Rep): Rep => cast[REPS.indexOf(rep) % cast.length]!;
    const first = cast.filter((_, i) => loggedIn[i]).map((rep): Cmd => ({ t: 'connect', rep }));
    return [...first, ...cmds.map((c): Cmd => ('rep' in c ? { ...c, rep: role(c.rep) } : c))];
  });

// ---------------------------------------------------------------------------------------
// The site as the test reads it back from the database (configuration rows only).
// ---------------------------------------------------------------------------------------

interface PolicyModel {
  maxSessions: number;
  idleMinutes: number;
  unavailableWhenLocked: boolean;
  canSeeGeneralQueue: boolean;
}

interface SiteModel {
  repIds: string[];
  disabled: Set<string>;
  policy: Map<string, PolicyModel>;
  teamsOf: Map<string, { teamId: string; kind: string }[]>;
  queues: Map<string, QueueRow>;
  generalQueueEnabled: boolean;
  maxOverflowMoves: number;
  skillParent: Map<string, string | null>;
  rootRank: Map<string, number | null>;
  repSkills: Map<string, Map<string, string>>;
}

async function readSite(store: Store): Promise<SiteModel> {
  const db = store.db;
  const [users, policies, members, queues, skills, repSkills, site] = await Promise.all([
    db.selectFrom('users').select(['id', 'policy_id', 'disabled']).execute(),
    db.selectFrom('policies').selectAll().execute(),
    db.selectFrom('team_members').innerJoin('teams', 'teams.id', 'team_members.team_id').select(['team_members.user_id', 'teams.id', 'teams.kind']).execute(),
    db.selectFrom('queues').selectAll().execute(),
    db.selectFrom('skills').selectAll().execute(),
    db.selectFrom('rep_skills').selectAll().execute(),
    db.selectFrom('site_settings').select('value').where('key', '=', 'site').executeTakeFirstOrThrow(),
  ]);
  const settings = JSON.parse(site.value) as { generalQueueEnabled?: boolean; maxOverflowMoves?: number };
  const policyById = new Map(
    policies.map((p) => {
      const s = JSON.parse(p.settings) as Partial<PolicyModel>;
      // SPEC section 7 defaults, for settings a policy row leaves out.
      const model: PolicyModel = {
        maxSessions: s.maxSessions ?? 0,
        idleMinutes: s.idleMinutes ?? 15,
        unavailableWhenLocked: s.unavailableWhenLocked ?? true,
        canSeeGeneralQueue: s.canSeeGeneralQueue ?? true,
      };
      return [p.id, model] as const;
    }),
  );
  const teamsOf = new Map<string, { teamId: string; kind: string }[]>();
  for (const m of members) teamsOf.set(m.user_id, [...(teamsOf.get(m.user_id) ?? []), { teamId: m.id, kind: m.kind }]);
  const levels = new Map<string, Map<string, string>>();
  for (const l of repSkills) {
    const m = levels.get(l.user_id) ?? new Map<string, string>();
    m.set(l.skill_id, l.level);
    levels.set(l.user_id, m);
  }
  return {
    repIds: users.map((u) => u.id),
    disabled: new Set(users.filter((u) => u.disabled !== 0).map((u) => u.id)),
    policy: new Map(users.map((u) => [u.id, policyById.get(u.policy_id)!])),
    teamsOf,
    queues: new Map(queues.map((q) => [q.id, q])),
    generalQueueEnabled: settings.generalQueueEnabled ?? true,
    maxOverflowMoves: settings.maxOverflowMoves ?? 10,
    skillParent: new Map(skills.map((s) => [s.id, s.parent_id])),
    rootRank: new Map(skills.map((s) => [s.id, s.root_rank])),
    repSkills: levels,
  };
}

// ---------------------------------------------------------------------------------------
// The routing state, read straight from the tables after each step.
// ---------------------------------------------------------------------------------------

type OfferRow = Selectable<OfferTable>;
type PresenceRow = Selectable<PresenceTable>;

interface State {
  now: number;
  maxSeq: number;
  sessions: SessionRow[];
  offers: OfferRow[];
  exclusions: Selectable<ExclusionTable>[];
  participants: Selectable<ParticipantTable>[];
  presence: PresenceRow[];
  timers: Selectable<TimerTable>[];
  /** Sequence of each session's last `session.queued` event, and of each `offer.made`. */
  queuedSeq: Map<string, number>;
  offerSeq: Map<string, number>;
}

async function readState(store: Store, now: number): Promise<State> {
  const db = store.db;
  const [sessions, offers, exclusions, participants, presence, timers, seq, marks] = await Promise.all([
    db.selectFrom('sessions').selectAll().orderBy('id').execute(),
    db.selectFrom('offers').selectAll().orderBy('id').execute(),
    db.selectFrom('exclusions').selectAll().orderBy('session_id').orderBy('rep_id').execute(),
    db.selectFrom('participants').selectAll().orderBy('session_id').orderBy('user_id').execute(),
    db.selectFrom('presence').selectAll().orderBy('user_id').execute(),
    db.selectFrom('timers').selectAll().orderBy('id').execute(),
    db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst(),
    db.selectFrom('events').select(['seq', 'type', 'session_id', 'data']).where('type', 'in', ['session.queued', 'offer.made']).orderBy('seq').execute(),
  ]);
  const queuedSeq = new Map<string, number>();
  const offerSeq = new Map<string, number>();
  for (const e of marks) {
    if (e.type === 'session.queued' && e.session_id !== null) queuedSeq.set(e.session_id, Number(e.seq));
    else offerSeq.set(String((JSON.parse(e.data) as { offerId?: unknown }).offerId), Number(e.seq));
  }
  return { now, maxSeq: Number(seq?.seq ?? 0), sessions, offers, exclusions, participants, presence, timers, queuedSeq, offerSeq };
}

/** Everything a refused command must leave as it was. */
function digest(s: State): string {
  return JSON.stringify([s.maxSeq, s.sessions, s.offers, s.exclusions, s.participants, s.presence, s.timers]);
}

// ---------------------------------------------------------------------------------------
// The model: E2 eligibility, E3 ranking and E8 skill fit, from the SPEC's words.
// ---------------------------------------------------------------------------------------

class Model {
  private readonly presenceOf: Map<string, PresenceRow>;
  private readonly sessionCount = new Map<string, number>();
  private readonly pendingOf = new Map<string, OfferRow[]>();
  private readonly excluded = new Set<string>();
  private readonly inSession = new Set<string>();

  constructor(
    readonly site: SiteModel,
    readonly state: State,
  ) {
    this.presenceOf = new Map(state.presence.map((p) => [p.user_id, p]));
    const active = new Set(state.sessions.filter((s) => s.state === 'active').map((s) => s.id));
    for (const p of state.participants) {
      if (active.has(p.session_id)) this.sessionCount.set(p.user_id, (this.sessionCount.get(p.user_id) ?? 0) + 1);
      this.inSession.add(`${p.session_id}/${p.user_id}`);
    }
    for (const o of state.offers) if (o.state === 'pending') this.pendingOf.set(o.rep_id, [...(this.pendingOf.get(o.rep_id) ?? []), o]);
    for (const e of state.exclusions) this.excluded.add(`${e.session_id}/${e.rep_id}`);
  }

  count(rep: string): number {
    return this.sessionCount.get(rep) ?? 0;
  }

  pendingOffers(rep: string): OfferRow[] {
    return this.pendingOf.get(rep) ?? [];
  }

  isExcluded(sessionId: string, rep: string): boolean {
    return this.excluded.has(`${sessionId}/${rep}`);
  }

  isInSession(sessionId: string, rep: string): boolean {
    return this.inSession.has(`${sessionId}/${rep}`);
  }

  /** A1: a live console connection (a rep in the grace period sees no offer). */
  connected(rep: string): boolean {
    const p = this.presenceOf.get(rep);
    return p !== undefined && p.connections > 0 && p.logged_in === 1 && !this.site.disabled.has(rep);
  }

  /** Why the rep can take no automatic offer at all (A2–A5), or null. */
  unavailable(rep: string): string | null {
    const p = this.presenceOf.get(rep);
    const policy = this.site.policy.get(rep)!;
    if (!p || !this.connected(rep)) return 'offline';
    if (p.locked === 1 && policy.unavailableWhenLocked) return 'locked';
    if (p.idle === 1) return 'idle';
    if (p.opted_out === 1) return 'opted_out';
    if (policy.maxSessions > 0 && this.count(rep) >= policy.maxSessions) return 'at_session_limit';
    return null;
  }

  /** Available, with no pending offer. */
  isFree(rep: string): boolean {
    return this.unavailable(rep) === null && this.pendingOffers(rep).length === 0;
  }

  isEmbassyMember(rep: string): boolean {
    return (this.site.teamsOf.get(rep) ?? []).some((t) => t.kind === 'embassy');
  }

  /** E2 membership (Q3, Q6: embassy members see only embassy queues). */
  isMember(rep: string, queue: QueueRow): boolean {
    if (queue.kind === 'general') {
      return this.site.generalQueueEnabled && this.site.policy.get(rep)!.canSeeGeneralQueue && !this.isEmbassyMember(rep);
    }
    if (queue.kind === 'personal') return false;
    const teams = this.site.teamsOf.get(rep) ?? [];
    if (!teams.some((t) => t.teamId === queue.team_id)) return false;
    return !this.isEmbassyMember(rep) || queue.kind === 'embassy';
  }

  /** E2 without "no other pending offer": the caller knows the rep was free then. */
  whyNotEligibleIgnoringOffers(rep: string, session: SessionRow): string | null {
    const queue = session.queue_id === null ? undefined : this.site.queues.get(session.queue_id);
    if (!queue || !this.isMember(rep, queue)) return 'not_member';
    const u = this.unavailable(rep);
    if (u !== null) return u;
    if (this.isExcluded(session.id, rep)) return 'excluded';
    if (this.isInSession(session.id, rep)) return 'already_in_session';
    return null;
  }

  /** E2 in full. */
  whyNotEligible(rep: string, session: SessionRow): string | null {
    const why = this.whyNotEligibleIgnoringOffers(rep, session);
    if (why !== null) return why;
    if (this.pendingOffers(rep).some((o) => o.session_id !== session.id)) return 'has_pending_offer';
    return null;
  }

  // ---- E8 ----

  private parentOf(skill: string): string | null {
    return this.site.skillParent.get(skill) ?? null;
  }

  /** preferred where set; less_preferred below a preferred skill; ignored = not held. */
  level(rep: string, skill: string): 'preferred' | 'less_preferred' | null {
    const own = this.site.repSkills.get(rep)?.get(skill);
    if (own === 'preferred') return 'preferred';
    if (own === 'ignored') return null;
    for (let p = this.parentOf(skill); p !== null; p = this.parentOf(p)) {
      if (this.site.repSkills.get(rep)?.get(p) === 'preferred') return 'less_preferred';
    }
    return null;
  }

  private rankOfRoot(skill: string): number {
    let s = skill;
    for (let p = this.parentOf(s); p !== null; p = this.parentOf(s)) s = p;
    return this.site.rootRank.get(s) ?? Number.POSITIVE_INFINITY;
  }

  /**
   * E8 relaxation over the eligible reps: unheld requirements climb to their parent, unheld
   * roots are dropped (lowest ranked first), until some rep matches all. Where every
   * requirement is held by someone but nobody holds them all, SPEC is silent; this follows
   * the choice recorded in src/core/skill-fit.ts: the lowest-ranked requirement (by its
   * root's rank, then later in the list) climbs, or is dropped when it is a root.
   */
  relax(required: readonly string[], reps: readonly string[]): string[] {
    let reqs = [...new Set(required)];
    const replace = (from: string, to: string): void => {
      reqs = reqs.includes(to) ? reqs.filter((s) => s !== from) : reqs.map((s) => (s === from ? to : s));
    };
    for (let guard = 0; reqs.length > 0; guard += 1) {
      if (guard > 100) throw new Error('skill relaxation does not end');
      const current = reqs;
      if (reps.some((r) => current.every((s) => this.level(r, s) !== null))) break;
      const unheld = current.filter((s) => !reps.some((r) => this.level(r, s) !== null));
      const liftable = unheld.filter((s) => this.parentOf(s) !== null);
      if (liftable.length > 0) {
        for (const s of liftable) replace(s, this.parentOf(s)!);
        continue;
      }
      const pool = unheld.length > 0 ? unheld : current;
      let victim = pool[0]!;
      for (const s of pool) {
        const rs = this.rankOfRoot(s);
        const rv = this.rankOfRoot(victim);
        if (rs > rv || (rs === rv && current.indexOf(s) > current.indexOf(victim))) victim = s;
      }
      const parent = this.parentOf(victim);
      if (parent === null) reqs = reqs.filter((s) => s !== victim);
      else replace(victim, parent);
    }
    return reqs;
  }

  /** 0 when the rep does not hold every remaining requirement, else 1 + preferred matches. */
  skillScore(rep: string, requirements: readonly string[]): number {
    const levels = requirements.map((s) => this.level(rep, s));
    if (levels.some((l) => l === null)) return 0;
    return 1 + levels.filter((l) => l === 'preferred').length;
  }

  /** E3 over `candidates` for `session`: negative when a ranks before b. */
  ranker(session: SessionRow, candidates: readonly string[]): (a: string, b: string) => number {
    const queue = this.site.queues.get(session.queue_id!)!;
    const withSkills = queue.algorithm === 'skills_least_busy';
    const reqs = withSkills ? this.relax(JSON.parse(session.required_skills) as string[], candidates) : [];
    const score = new Map(candidates.map((r) => [r, withSkills ? this.skillScore(r, reqs) : 0]));
    const loadSince = (r: string): number => this.presenceOf.get(r)!.load_since;
    return (a, b) => {
      const sa = score.get(a)!;
      const sb = score.get(b)!;
      if (sa !== sb) return sb - sa;
      if (this.count(a) !== this.count(b)) return this.count(a) - this.count(b);
      if (loadSince(a) !== loadSince(b)) return loadSince(a) - loadSince(b);
      return a === b ? 0 : a < b ? -1 : 1;
    };
  }

  describeRep(rep: string): string {
    const p = this.presenceOf.get(rep);
    return p
      ? `${rep}{conn=${p.connections},in=${p.logged_in},locked=${p.locked},idle=${p.idle},out=${p.opted_out},sessions=${this.count(rep)},loadSince=+${p.load_since - T0}}`
      : `${rep}{no presence}`;
  }
}

function isAutomatic(queue: QueueRow | undefined): boolean {
  return queue !== undefined && queue.kind !== 'personal' && queue.algorithm !== 'none';
}

/** Q4: higher priority, then longer waiting, then id. */
function compareQueueOrder(a: SessionRow, b: SessionRow): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.waiting_since !== b.waiting_since) return a.waiting_since - b.waiting_since;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

// ---------------------------------------------------------------------------------------
// Invariant checks.
// ---------------------------------------------------------------------------------------

const SKIP = new Set((process.env.ROUTING_PROP_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));

interface Violation {
  id: string;
  detail: string;
}

/**
 * `lastBatchOffers`: ids of the offers made by the step's last transaction that wrote
 * events. Its Equilibrium run was that transaction's last write, so the state read now is
 * the state the run saw, but for the offers it made.
 */
function checkInvariants(site: SiteModel, s: State, lastBatchOffers: readonly string[]): Violation[] {
  const out: Violation[] = [];
  const v = (id: string, detail: string): void => {
    if (!SKIP.has(id)) out.push({ id, detail });
  };
  const m = new Model(site, s);
  const sessionById = new Map(s.sessions.map((x) => [x.id, x]));
  const pending = s.offers.filter((o) => o.state === 'pending');
  const timersOf = (kind: string, ref: string) => s.timers.filter((t) => t.kind === kind && t.ref === ref);

  // [L1] and [OWNER]
  for (const x of s.sessions) {
    const parts = s.participants.filter((p) => p.session_id === x.id);
    if (x.state === 'waiting') {
      if (x.queue_id === null || !site.queues.has(x.queue_id)) v('L1', `waiting session ${x.id} is in queue ${String(x.queue_id)}`);
      if (x.owner_id !== null || parts.length > 0) v('OWNER', `waiting session ${x.id} has owner ${String(x.owner_id)} and ${parts.length} participant(s)`);
    } else if (x.state === 'active' || x.state === 'ended') {
      if (x.queue_id !== null) v('L1', `${x.state} session ${x.id} is still in queue ${x.queue_id}`);
    } else {
      v('L1', `session ${x.id} has state ${x.state}`);
    }
    if (x.state === 'active') {
      const owners = parts.filter((p) => p.role === 'owner');
      if (x.owner_id === null || owners.length !== 1 || owners[0]!.user_id !== x.owner_id) {
        v('OWNER', `active session ${x.id}: owner_id=${String(x.owner_id)}, owner participants=${JSON.stringify(owners.map((p) => p.user_id))}`);
      }
    }
  }

  // [X5]
  const perSession = new Map<string, number>();
  const perRep = new Map<string, number>();
  for (const o of pending) {
    perSession.set(o.session_id, (perSession.get(o.session_id) ?? 0) + 1);
    perRep.set(o.rep_id, (perRep.get(o.rep_id) ?? 0) + 1);
    const session = sessionById.get(o.session_id);
    if (!session || session.state !== 'waiting') v('X5', `pending offer ${o.id} is for ${session?.state ?? 'unknown'} session ${o.session_id}`);
  }
  for (const [id, n] of perSession) if (n > 1) v('X5', `session ${id} has ${n} pending offers`);
  for (const [id, n] of perRep) if (n > 1) v('X5', `rep ${id} holds ${n} pending offers`);

  for (const o of pending) {
    const session = sessionById.get(o.session_id);
    if (!session || session.state !== 'waiting') continue;
    const queue = session.queue_id === null ? undefined : site.queues.get(session.queue_id);
    // [E2]
    if (!isAutomatic(queue)) v('E2', `pending offer ${o.id} of session ${session.id} in non-automatic queue ${String(session.queue_id)}`);
    const why = m.whyNotEligible(o.rep_id, session);
    if (why !== null) v('E2', `pending offer ${o.id} of session ${session.id} (${String(session.queue_id)}) to ${m.describeRep(o.rep_id)}, who is not eligible: ${why}`);
    // [E4]
    if (o.expires_at <= s.now) v('E4', `pending offer ${o.id} expired at +${o.expires_at - T0} but now is +${s.now - T0}`);
    if (queue && o.expires_at !== o.made_at + queue.offer_timeout_seconds * 1000) {
      v('E4', `offer ${o.id} expires ${o.expires_at - o.made_at} ms after it was made; ${queue.id} says ${queue.offer_timeout_seconds} s`);
    }
    const timers = timersOf('offer.expire', o.id);
    if (timers.length !== 1 || timers[0]!.due_at !== o.expires_at) v('E4', `pending offer ${o.id} has expiry timers ${JSON.stringify(timers.map((t) => t.due_at - T0))}`);
  }

  // [E6]: a rep is excluded exactly when they rejected the session, or let its offer
  // expire, since it entered the queue it waits in now (a move clears exclusions).
  for (const x of s.sessions) {
    if (x.state !== 'waiting') continue;
    const queuedAt = s.queuedSeq.get(x.id) ?? 0;
    const missed = new Set(
      s.offers
        .filter((o) => o.session_id === x.id && (o.state === 'rejected' || o.state === 'expired') && (s.offerSeq.get(o.id) ?? 0) > queuedAt)
        .map((o) => o.rep_id),
    );
    const excluded = new Set(s.exclusions.filter((e) => e.session_id === x.id).map((e) => e.rep_id));
    for (const r of excluded) if (!missed.has(r)) v('E6', `${r} is excluded for session ${x.id} in ${String(x.queue_id)} but missed no offer of it there`);
    for (const r of missed) if (!excluded.has(r)) v('E6', `${r} missed an offer of session ${x.id} in ${String(x.queue_id)} but is not excluded`);
  }

  // [E3]: offers made by the last transaction went to the best rep that was free then.
  const madeNow = pending.filter((o) => lastBatchOffers.includes(o.id));
  for (const o of madeNow) {
    const session = sessionById.get(o.session_id)!;
    if (session.state !== 'waiting' || m.whyNotEligible(o.rep_id, session) !== null) continue; // reported above
    // Free when the run reached this session: free now, or offered later in the same run.
    const laterInRun = new Set(
      madeNow
        .filter((p) => p.id !== o.id && compareQueueOrder(sessionById.get(p.session_id)!, session) > 0)
        .map((p) => p.rep_id),
    );
    const candidates = site.repIds.filter(
      (r) => (r === o.rep_id || m.isFree(r) || laterInRun.has(r)) && m.whyNotEligibleIgnoringOffers(r, session) === null,
    );
    const rank = m.ranker(session, candidates);
    const better = candidates.filter((r) => rank(r, o.rep_id) < 0).sort(rank);
    if (better.length > 0) {
      v(
        'E3',
        `session ${session.id} in ${String(session.queue_id)} (skills ${session.required_skills}) was offered to ${m.describeRep(o.rep_id)} ` +
          `while ${better.map((r) => m.describeRep(r)).join(', ')} ranked higher and was free`,
      );
    }
  }

  // [Q4]: Equilibrium offers the sessions of a queue in Q4 order: a rep offered a session
  // in the last run was not eligible for any session ahead of it in the same queue that is
  // still unoffered.
  for (const o of madeNow) {
    const session = sessionById.get(o.session_id)!;
    const skipped = s.sessions.filter(
      (x) =>
        x.state === 'waiting' &&
        x.queue_id === session.queue_id &&
        compareQueueOrder(x, session) < 0 &&
        !pending.some((p) => p.session_id === x.id) &&
        m.whyNotEligibleIgnoringOffers(o.rep_id, x) === null,
    );
    if (skipped.length > 0) {
      v('Q4', `${o.rep_id} was offered session ${session.id} (priority ${session.priority}, waiting since +${session.waiting_since - T0}) in ${String(session.queue_id)} ` +
        `ahead of ${skipped.map((x) => `${x.id} (priority ${x.priority}, waiting since +${x.waiting_since - T0})`).join(', ')}, which wait(s) unoffered`);
    }
  }

  // [E7]
  for (const x of s.sessions) {
    if (x.state !== 'waiting' || x.queue_id === null || !isAutomatic(site.queues.get(x.queue_id))) continue;
    if (pending.some((o) => o.session_id === x.id)) continue;
    const free = site.repIds.filter((r) => m.isFree(r) && m.whyNotEligible(r, x) === null);
    if (free.length > 0) {
      v('E7', `session ${x.id} waits unoffered in ${x.queue_id} while ${free.map((r) => m.describeRep(r)).join(', ')} is free and eligible`);
    }
  }

  // [A3]
  for (const p of s.presence) {
    const policy = site.policy.get(p.user_id)!;
    if (!m.connected(p.user_id) || policy.idleMinutes === 0) continue;
    const shouldBeIdle = s.now >= p.last_activity_at + policy.idleMinutes * 60_000;
    if ((p.idle === 1) !== shouldBeIdle) {
      v('A3', `${m.describeRep(p.user_id)}: last activity at +${p.last_activity_at - T0}, idleMinutes ${policy.idleMinutes}, now +${s.now - T0}, idle=${p.idle}`);
    }
  }

  // [W]
  for (const x of s.sessions) {
    if (x.state !== 'waiting' || x.queue_id === null) continue;
    const queue = site.queues.get(x.queue_id);
    if (!queue || queue.waiting_action === 'none' || x.queued_at === null) continue;
    const dueAt = x.queued_at + queue.waiting_after_seconds * 1000;
    const moves =
      queue.waiting_action === 'transfer' &&
      queue.overflow_queue_id !== null &&
      queue.overflow_queue_id !== queue.id &&
      x.overflow_moves < site.maxOverflowMoves;
    const fired = moves ? false : x.overdue === 1;
    if (!moves && x.overdue === 1 && dueAt > s.now) v('W', `session ${x.id} is overdue in ${queue.id} before its time (+${dueAt - T0})`);
    if (moves && x.overdue === 1) v('W', `session ${x.id} is marked overdue in ${queue.id} but should still overflow`);
    if (!fired) {
      if (dueAt <= s.now) v('W', `session ${x.id} still waits in ${queue.id} (${queue.waiting_action}) past its rule's time +${dueAt - T0}; now +${s.now - T0}`);
      else if (timersOf('waiting.rule', x.id).length === 0) v('W', `session ${x.id} in ${queue.id} has no waiting-rule timer`);
    }
  }

  // [TIMERS]
  const overdue = s.timers.filter((t) => t.due_at <= s.now);
  if (overdue.length > 0) v('TIMERS', `timers due but not run: ${JSON.stringify(overdue.map((t) => [t.kind, t.ref, t.due_at - T0]))}`);
  return out;
}

// ---------------------------------------------------------------------------------------
// Running one program on a fresh site state.
// ---------------------------------------------------------------------------------------

/** Deterministic ids, so that a counterexample replays the same way (Q4 ties go by id). */
function counterIds(): Ids {
  let n = 0;
  return {
    id: () => `x${String(++n).padStart(5, '0')}`,
    token: () => randomBytes(16).toString('base64url'),
    sessionKey: () => String(1_000_000 + n).slice(-7),
  };
}

async function resetSite(store: Store): Promise<void> {
  await store.routingTransaction(async (tx) => {
    for (const table of ['participants', 'offers', 'exclusions', 'timers', 'events', 'session_keys', 'logins', 'customer_connections', 'sessions', 'presence'] as const) {
      await tx.deleteFrom(table).execute();
    }
  });
}

class StepFailure extends Error {}

async function runProgram(store: Store, site: SiteModel, program: readonly Cmd[]): Promise<void> {
  await resetSite(store);
  const clock = new ManualClock(T0);
  const logged: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
  const engine = new Engine({ store, clock, ids: counterIds(), logger });
  // Events of one transaction are published together, synchronously: a microtask closes a batch.
  let batches: LobbyEvent[][] = [];
  let open: LobbyEvent[] | null = null;
  engine.bus.subscribe((e) => {
    if (open === null) {
      const batch: LobbyEvent[] = [];
      open = batch;
      batches.push(batch);
      queueMicrotask(() => {
        open = null;
      });
    }
    open.push(e);
  });
  await engine.start();
  let last = await readState(store, clock.now());

  const fail = (i: number, cmd: Cmd, what: string): never => {
    throw new StepFailure(`step ${i} ${JSON.stringify(cmd)}: ${what}`);
  };

  /** Reads the state after a step and checks everything. */
  const check = async (i: number, cmd: Cmd, refused: LobbyError | null): Promise<State> => {
    await engine.timersIdle();
    if (logged.length > 0 && !SKIP.has('TIMERS')) fail(i, cmd, `[TIMERS] the engine logged: ${logged.join(' | ')}`);
    const state = await readState(store, clock.now());
    if (refused && !SKIP.has('REFUSAL') && digest(state) !== digest(last)) {
      fail(i, cmd, `[REFUSAL] refused with ${refused.code} (${refused.message}) but the state changed: ${diffStates(last, state)}`);
    }
    const lastBatch = [...batches].reverse().find((b) => b.length > 0) ?? [];
    const offers = lastBatch.filter((e) => e.type === 'offer.made').map((e) => String(e.data.offerId));
    const violations = checkInvariants(site, state, offers);
    if (violations.length > 0) fail(i, cmd, violations.map((x) => `[${x.id}] ${x.detail}`).join('\n  '));
    last = state;
    batches = [];
    return state;
  };

  try {
    for (const [i, cmd] of program.entries()) {
      batches = [];
      if (cmd.t === 'tick') {
        // Time moves to each due timer in turn; the invariants hold between timer runs too.
        const target = clock.now() + cmd.ms;
        for (let guard = 0; ; guard += 1) {
          if (guard > 500) fail(i, cmd, 'timers keep falling due');
          const next = await store.db.selectFrom('timers').select((eb) => eb.fn.min('due_at').as('due')).executeTakeFirst();
          const due = next?.due == null ? Infinity : Number(next.due);
          clock.set(Math.max(clock.now(), Math.min(due, target)));
          await check(i, cmd, null);
          if (due >= target) break;
        }
        continue;
      }
      const before = last;
      let refused: LobbyError | null = null;
      let effect: Effect = () => null;
      try {
        effect = await execute(engine, before, cmd);
      } catch (err) {
        if (!isLobbyError(err)) fail(i, cmd, `[CRASH] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        refused = err as LobbyError;
      }
      const after = await check(i, cmd, refused);
      const wrong = refused === null && !SKIP.has('CMD') ? effect(after) : null;
      if (wrong !== null) fail(i, cmd, `[CMD] ${wrong}`);
      if (cmd.t === 'acceptOffer' && refused === null && !SKIP.has('A4')) {
        const limit = site.policy.get(cmd.rep)!.maxSessions;
        const n = new Model(site, after).count(cmd.rep);
        if (limit > 0 && n > limit) fail(i, cmd, `[A4] ${cmd.rep} accepted an offer and now has ${n} sessions; the limit is ${limit}`);
      }
    }
  } finally {
    await engine.stop();
    const ev = await store.db.selectFrom('events').select(['type']).execute();
    for (const e of ev) STATS.set(e.type, (STATS.get(e.type) ?? 0) + 1);
    STATS.set('runs', (STATS.get('runs') ?? 0) + 1);
  }
}
export const STATS = new Map<string, number>();

/** What a command that succeeded must have done, checked on the state after it; null when it did. */
type Effect = (after: State) => string | null;

/**
 * One command against the engine; sessions and offers are resolved against the state
 * before it. Returns the command's own effect, for [CMD].
 */
async function execute(engine: Engine, s: State, cmd: Exclude<Cmd, { t: 'tick' }>): Promise<Effect> {
  const byState = (state: string) => s.sessions.filter((x) => x.state === state);
  const pickFrom = (list: SessionRow[], pick: number, fallback: SessionRow[] = s.sessions): string => {
    const from = list.length > 0 ? list : fallback;
    return from.length > 0 ? from[pick % from.length]!.id : 'no-such-session';
  };
  const offerFor = (rep: Rep, own: boolean): string => {
    const mine = s.offers.filter((o) => o.rep_id === rep);
    if (own) return (mine.find((o) => o.state === 'pending') ?? mine.at(-1))?.id ?? 'no-such-offer';
    return s.offers.find((o) => o.state === 'pending' && o.rep_id !== rep)?.id ?? mine.at(-1)?.id ?? 'no-such-offer';
  };
  const presence = (state: State, rep: string) => state.presence.find((p) => p.user_id === rep);
  const session = (state: State, id: string) => state.sessions.find((x) => x.id === id);
  const expect = (ok: boolean, what: string): string | null => (ok ? null : what);
  const owned = (id: string, rep: string): Effect => (after) => {
    const x = session(after, id);
    return expect(x?.state === 'active' && x.owner_id === rep, `session ${id} should be active and owned by ${rep}: ${x?.state}/${String(x?.owner_id)}`);
  };
  switch (cmd.t) {
    case 'arrive': {
      const customer = { customerName: 'Customer', details: 'help' };
      let created;
      if (cmd.what === 'general') created = await engine.createSession({ ...customer, origin: 'api', queueId: null });
      else if (cmd.what.startsWith('personal:')) created = await engine.createSession({ ...customer, origin: 'api', queueId: `rep:${cmd.what.slice(9)}` });
      else created = await engine.submitIssue(cmd.what, customer);
      const id = created.session.id;
      return (after) => expect(session(after, id)?.state === 'waiting', `new session ${id} should wait`);
    }
    case 'connect': {
      const was = presence(s, cmd.rep)?.connections ?? 0;
      if (process.env.AVOID_SECOND && was > 0) return () => null;
      await engine.repConnected(cmd.rep);
      return (after) => {
        const p = presence(after, cmd.rep);
        return expect(p?.connections === was + 1 && p.logged_in === 1 && p.idle === 0, `${cmd.rep} should be logged in with ${was + 1} connection(s), not idle: ${JSON.stringify(p)}`);
      };
    }
    case 'disconnect': {
      const was = presence(s, cmd.rep)?.connections ?? 0;
      await engine.repDisconnected(cmd.rep);
      return (after) => expect((presence(after, cmd.rep)?.connections ?? 0) === Math.max(0, was - 1), `${cmd.rep} should have ${Math.max(0, was - 1)} connection(s)`);
    }
    case 'lock':
      await engine.setLocked(cmd.rep, cmd.locked);
      return (after) => expect(presence(after, cmd.rep)?.locked === (cmd.locked ? 1 : 0), `${cmd.rep} should be ${cmd.locked ? 'locked' : 'unlocked'}`);
    case 'activity':
      await engine.reportActivity(cmd.rep);
      return (after) => {
        const p = presence(after, cmd.rep);
        return expect(p?.idle === 0 && p.last_activity_at === after.now, `${cmd.rep} should be active now: ${JSON.stringify(p)}`);
      };
    case 'optOut':
      await engine.setOptedOut(cmd.rep, cmd.out);
      return (after) => expect(presence(after, cmd.rep)?.opted_out === (cmd.out ? 1 : 0), `${cmd.rep} should be opted ${cmd.out ? 'out' : 'in'}`);
    case 'acceptOffer': {
      const offerId = offerFor(cmd.rep, cmd.own);
      await engine.acceptOffer(cmd.rep, offerId);
      const sessionId = s.offers.find((o) => o.id === offerId)!.session_id;
      return (after) =>
        expect(after.offers.find((o) => o.id === offerId)?.state === 'accepted', `offer ${offerId} should be accepted`) ?? owned(sessionId, cmd.rep)(after);
    }
    case 'rejectOffer': {
      const offerId = offerFor(cmd.rep, cmd.own);
      await engine.rejectOffer(cmd.rep, offerId);
      return (after) => expect(after.offers.find((o) => o.id === offerId)?.state === 'rejected', `offer ${offerId} should be rejected`);
    }
    case 'acceptSession': {
      const id = pickFrom(byState('waiting'), cmd.pick);
      await engine.acceptSession(cmd.rep, id);
      return owned(id, cmd.rep);
    }
    case 'getNext': {
      const taken = await engine.getNext(cmd.rep);
      return taken === null ? () => null : owned(taken.id, cmd.rep);
    }
    case 'end': {
      let id: string;
      if (cmd.by === 'owner') {
        id = pickFrom(byState('active'), cmd.pick);
        await engine.endSession(id, { kind: 'rep', repId: session(s, id)?.owner_id ?? 'ann' }, 'completed');
      } else if (cmd.by === 'api') {
        id = pickFrom(s.sessions.filter((x) => x.state !== 'ended'), cmd.pick);
        await engine.endSession(id, { kind: 'api' }, 'abandoned');
      } else {
        id = pickFrom(byState('active'), cmd.pick);
        await engine.endSession(id, { kind: 'rep', repId: cmd.by }, 'completed');
      }
      return (after) => expect(session(after, id)?.state === 'ended', `session ${id} should have ended`);
    }
    case 'transfer': {
      const live = s.sessions.filter((x) => x.state !== 'ended');
      const id = pickFrom(cmd.by === 'owner' ? byState('active') : live, cmd.pick);
      const owner = session(s, id)?.owner_id ?? null;
      const actor = cmd.by === 'api' || owner === null ? ({ kind: 'api' } as const) : ({ kind: 'rep', repId: owner } as const);
      await engine.transferSession(actor, id, cmd.to);
      return (after) => {
        const x = session(after, id);
        return expect(x?.state === 'waiting' && x.queue_id === cmd.to, `session ${id} should wait in ${cmd.to}: ${x?.state}/${String(x?.queue_id)}`);
      };
    }
    case 'customerLeaves': {
      const id = pickFrom(s.sessions.filter((x) => x.state !== 'ended'), cmd.pick);
      await engine.customerConnected(id);
      await engine.customerDisconnected(id);
      return () => null;
    }
  }
}

function diffStates(a: State, b: State): string {
  const parts: string[] = [];
  if (a.maxSeq !== b.maxSeq) parts.push(`events ${a.maxSeq} → ${b.maxSeq}`);
  for (const key of ['sessions', 'offers', 'exclusions', 'participants', 'presence', 'timers'] as const) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) parts.push(`${key} changed`);
  }
  return parts.join(', ');
}

// ---------------------------------------------------------------------------------------

const RUNS: Record<StoreKind, number> = {
  sqlite: Number(process.env.ROUTING_PROP_RUNS ?? 200),
  postgres: Math.min(30, Number(process.env.ROUTING_PROP_RUNS ?? 30)),
};
const SEED = process.env.ROUTING_PROP_SEED === undefined ? undefined : Number(process.env.ROUTING_PROP_SEED);

describe.each(STORE_KINDS)('Equilibrium under random command sequences on %s', (kind) => {
  let t: TestStore | undefined;
  let site: SiteModel;

  beforeAll(async () => {
    t = await openTestStore(kind);
    await importSiteConfig(t.store, SITE, T0);
    site = await readSite(t.store);
  });

  afterAll(async () => {
    console.log(kind, JSON.stringify([...STATS].sort()));
    STATS.clear();
    await t?.close();
  });

  it(
    'L1, X5, E2–E7, A3, A4, W1–W3: every invariant holds after every step of any command sequence',
    async () => {
      await fc.assert(
        fc.asyncProperty(programArb, (program) => runProgram(t!.store, site, program)),
        { numRuns: RUNS[kind], ...(SEED === undefined ? {} : { seed: SEED }), ...(process.env.PROG ? { examples: [[JSON.parse(process.env.PROG) as Cmd[]]] } : {}) },
      );
    },
    600_000,
  );
});
