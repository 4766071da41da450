/**
 * Property tests of Equilibrium routing (SPEC sections 5–7, 9, X5, S1–S4) against the real
 * engine on a real store: random sequences of commands (sessions arrive, reps connect and
 * disconnect, lock, go idle, opt out, accept, reject, take sessions by hand, end and
 * transfer them, invite reps and teams, join, withdraw invitations and leave; time
 * passes), with every invariant below checked after every step by
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
 *  [X5]      at most one pending offer per rep, and per session or invitation; only waiting
 *            sessions and open invitations (S1) to active sessions have one.
 *  [S4]      an invitation is open only while its session is active.
 *  [E2]      every pending offer is to a rep eligible right now: connected, not locked (where
 *            the policy says so), not idle, not opted out, below the session limit (A4), member
 *            of the session's (or invitation's) automatic queue, not excluded (E6), not in the
 *            session, not the invitation's inviter.
 *  [E4]      every pending offer expires in the future (after timers ran), after exactly the
 *            queue's offer timeout, and has its durable expiry timer.
 *  [E3]      every offer made by the step's last transaction went to the best rep by E3 (skill
 *            fit per E8 in skills_least_busy queues, then sessions, then loadSince, then id)
 *            among the reps that were free and eligible when it was made.
 *  [E6]      a rep is excluded for a waiting session exactly when they rejected it, or let its
 *            offer expire, since it entered its current queue.
 *  [Q4]      Equilibrium offers a queue's sessions and invitations in Q4 order (priority, then
 *            waiting since; an invitation since it was made).
 *  [E7]      no waiting session or open invitation in an automatic queue is left unoffered
 *            while a free rep who is eligible for it (and not excluded) exists.
 *  [A4]      accepting an offer never takes a rep above the policy's session limit.
 *  [A3]      a connected rep is idle exactly when idleMinutes passed since their last activity.
 *  [W]       a waiting rule whose time came has fired (mark / overflow / W3 mark after
 *            maxOverflowMoves), and one whose time has not come has its timer.
 *  [F]       a rep logged out by the end of their grace period (A1) is left in no active
 *            session, and nothing waits in their personal queue (F1–F5).
 *  [TIMERS]  after timers ran, no timer row is due; no timer handler failed.
 *  [CMD]     a command that succeeded did what it says (the rep is locked, the session is
 *            owned by whoever accepted it, the transferred session waits in the target …).
 *  [REFUSAL] a command refused with a LobbyError changed nothing (events, sessions, offers,
 *            exclusions, participants, presence, timers).
 *  [CRASH]   no command throws anything but a LobbyError.
 *
 * The model and the invariants are in test/support/routing-model.ts and
 * routing-invariants.ts. Commands the engine refuses with a LobbyError are part of the
 * behaviour; any other exception fails.
 *
 * Knobs: ROUTING_PROP_RUNS and ROUTING_PROP_PG_RUNS set the number of programs on SQLite
 * and PostgreSQL; ROUTING_PROP_SEED fixes the seed; ROUTING_PROP_PROGRAM='[{"t":…},…]'
 * replays a printed counterexample first; ROUTING_PROP_SKIP=E7,A3 leaves invariants out,
 * to look past a known failure.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSiteConfig } from '../../src/config/import-config.js';
import { isLobbyError, type LobbyError } from '../../src/core/errors.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Ids } from '../../src/engine/ids.js';
import type { LobbyEvent } from '../../src/store/queries/events.js';
import type { SessionRow } from '../../src/store/schema.js';
import type { Store, StoreKind } from '../../src/store/store.js';
import { STORE_KINDS, openTestStore, type TestStore } from '../support/test-stores.js';
import { Model, diffStates, digest, readSite, readState, type SiteModel, type State } from '../support/routing-model.js';
import { checkInvariants } from '../support/routing-invariants.js';

const SKIP = new Set((process.env.ROUTING_PROP_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));

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
  site: { siteName: 'Routing properties', repGraceSeconds: 20, customerGraceSeconds: 30, maxOverflowMoves: 2 },
  generalQueue: {
    algorithm: 'least_busy',
    offerTimeoutSeconds: 25,
    waiting: { action: 'transfer', afterSeconds: 45, overflowQueue: 'tech' },
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
      waiting: { action: 'transfer', afterSeconds: 40, overflowQueue: 'general' },
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

/** Issue codes (C3), the general queue through the API (C7), or a rep's personal queue (Q1). */
const ISSUES = ['printer', 'outage', 'win', 'macvpn', 'netwin', 'vipmac', 'vipany', 'erp'] as const;
type Arrival = (typeof ISSUES)[number] | 'general' | `personal:${Rep}`;
const TEAM_TARGETS = ['general', 'team:desk', 'team:tech', 'team:vip', 'team:vendor'] as const;
type TransferTarget = (typeof TEAM_TARGETS)[number] | `rep:${Rep}`;
const INVITE_TARGETS = ['team:desk', 'team:tech', 'team:vip', 'team:vendor'] as const;
type InviteTarget = (typeof INVITE_TARGETS)[number] | `rep:${Rep}`;

// ---------------------------------------------------------------------------------------
// Commands: plain data, so that fast-check prints and shrinks them well. Sessions and
// offers are named by a number resolved against the database when the command runs.
// ---------------------------------------------------------------------------------------

type Cmd =
  | { t: 'arrive'; what: Arrival }
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
  | { t: 'transfer'; pick: number; to: TransferTarget; by: 'owner' | 'api' }
  /** L3: the customer of the pick-th live session opens and closes their page (grace period starts). */
  | { t: 'customerLeaves'; pick: number }
  /** S1: the owner of the pick-th active session invites a team or a rep. */
  | { t: 'invite'; pick: number; to: InviteTarget }
  /** S2: the rep joins through the pick-th open invitation by hand (any invitation when none is open). */
  | { t: 'join'; rep: Rep; pick: number }
  /** S4: the owner withdraws the pick-th open invitation. */
  | { t: 'withdraw'; pick: number }
  /** S3: the rep leaves the pick-th active session they are in (any active session when none). */
  | { t: 'leave'; rep: Rep; pick: number }
  | { t: 'tick'; ms: number };

const repArb = fc.constantFrom(...REPS);
const pickArb = fc.nat(7);
type Weights = Partial<Record<Cmd['t'], number>>;

/**
 * Commands, each kind as often as its weight (the defaults below, or as told); sessions
 * arrive through an issue, the general queue or a personal queue, 8 : 1 : `personal`.
 */
function commandArb(weights: Weights = {}, personal = 1): fc.Arbitrary<Cmd> {
  const w = (t: Cmd['t'], byDefault: number): number => weights[t] ?? byDefault;
  return fc.oneof(
    {
      weight: w('arrive', 10),
      arbitrary: fc.record({
        t: fc.constant('arrive' as const),
        what: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom<Arrival>(...ISSUES) },
          { weight: 1, arbitrary: fc.constant<Arrival>('general') },
          { weight: personal, arbitrary: repArb.map((r): Arrival => `personal:${r}`) },
        ),
      }),
    },
    { weight: w('connect', 12), arbitrary: fc.record({ t: fc.constant('connect' as const), rep: repArb }) },
    { weight: w('disconnect', 4), arbitrary: fc.record({ t: fc.constant('disconnect' as const), rep: repArb }) },
    { weight: w('lock', 5), arbitrary: fc.record({ t: fc.constant('lock' as const), rep: repArb, locked: fc.boolean() }) },
    { weight: w('activity', 6), arbitrary: fc.record({ t: fc.constant('activity' as const), rep: repArb }) },
    { weight: w('optOut', 4), arbitrary: fc.record({ t: fc.constant('optOut' as const), rep: repArb, out: fc.boolean() }) },
    { weight: w('acceptOffer', 9), arbitrary: fc.record({ t: fc.constant('acceptOffer' as const), rep: repArb, own: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }) },
    { weight: w('rejectOffer', 6), arbitrary: fc.record({ t: fc.constant('rejectOffer' as const), rep: repArb, own: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }) },
    { weight: w('acceptSession', 4), arbitrary: fc.record({ t: fc.constant('acceptSession' as const), rep: repArb, pick: pickArb }) },
    { weight: w('getNext', 2), arbitrary: fc.record({ t: fc.constant('getNext' as const), rep: repArb }) },
    { weight: w('end', 5), arbitrary: fc.record({ t: fc.constant('end' as const), pick: pickArb, by: fc.constantFrom('owner' as const, 'owner' as const, 'api' as const, 'ann' as const, 'eve' as const) }) },
    {
      weight: w('transfer', 4),
      arbitrary: fc.record({
        t: fc.constant('transfer' as const),
        pick: pickArb,
        to: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom<TransferTarget>(...TEAM_TARGETS) },
          { weight: 1, arbitrary: repArb.map((r): TransferTarget => `rep:${r}`) },
        ),
        by: fc.constantFrom('owner' as const, 'api' as const),
      }),
    },
    { weight: w('customerLeaves', 2), arbitrary: fc.record({ t: fc.constant('customerLeaves' as const), pick: pickArb }) },
    {
      weight: w('invite', 4),
      arbitrary: fc.record({
        t: fc.constant('invite' as const),
        pick: pickArb,
        to: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom<InviteTarget>(...INVITE_TARGETS) },
          { weight: 1, arbitrary: repArb.map((r): InviteTarget => `rep:${r}`) },
        ),
      }),
    },
    { weight: w('join', 3), arbitrary: fc.record({ t: fc.constant('join' as const), rep: repArb, pick: pickArb }) },
    { weight: w('withdraw', 2), arbitrary: fc.record({ t: fc.constant('withdraw' as const), pick: pickArb }) },
    { weight: w('leave', 2), arbitrary: fc.record({ t: fc.constant('leave' as const), rep: repArb, pick: pickArb }) },
    {
      weight: w('tick', 10),
      arbitrary: fc.record({
        t: fc.constant('tick' as const),
        ms: fc.oneof(
          { weight: 5, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
          { weight: 4, arbitrary: fc.integer({ min: 10_000, max: 40_000 }) },
          { weight: 2, arbitrary: fc.integer({ min: 40_000, max: 150_000 }) },
        ),
      }),
    },
  );
}

/**
 * A program: a cast of two to four reps (so that the same reps meet again and again),
 * some of them logged in first, then commands. Commands name any of the six reps (also in
 * personal queues); each name is mapped onto the cast, so that shrinking can still drop
 * commands one by one. With `owners`, each rep logged in first also takes a session from
 * their personal queue, so that there are sessions to share from the start.
 */
function programArb(commands: fc.Arbitrary<Cmd>, options: { maxCast?: number; owners?: boolean } = {}): fc.Arbitrary<Cmd[]> {
  return fc
    .tuple(
      fc.shuffledSubarray([...REPS], { minLength: 2, maxLength: options.maxCast ?? 4 }),
      fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), { minLength: REPS.length, maxLength: REPS.length }),
      fc.array(commands, { maxLength: 60, size: 'max' }),
    )
    .map(([cast, loggedIn, cmds]) => {
      const role = (rep: Rep): Rep => cast[REPS.indexOf(rep) % cast.length]!;
      const first = cast.filter((_, i) => loggedIn[i]).map((rep): Cmd => ({ t: 'connect', rep }));
      const owning = options.owners
        ? first.flatMap((c): Cmd[] => ('rep' in c ? [{ t: 'arrive', what: `personal:${c.rep}` }, { t: 'getNext', rep: c.rep }] : []))
        : [];
      const cast1 = (c: Cmd): Cmd => {
        if ('rep' in c) return { ...c, rep: role(c.rep) };
        if (c.t === 'arrive' && c.what.startsWith('personal:')) return { ...c, what: `personal:${role(c.what.slice(9) as Rep)}` };
        if (c.t === 'transfer' && c.to.startsWith('rep:')) return { ...c, to: `rep:${role(c.to.slice(4) as Rep)}` };
        if (c.t === 'invite' && c.to.startsWith('rep:')) return { ...c, to: `rep:${role(c.to.slice(4) as Rep)}` };
        if (c.t === 'invite') return { ...c, to: castTeam(c.to as (typeof INVITE_TARGETS)[number], cast) };
        return c;
      };
      return [...first, ...owning, ...cmds.map(cast1)];
    });
}

/**
 * A team to invite with at least two members in the cast (one may own the session, one
 * may be offered the invitation), or the team named when none has: the teams are fixed,
 * and a cast of two or three often has nobody else in the team a command names.
 */
function castTeam(named: (typeof INVITE_TARGETS)[number], cast: readonly Rep[]): InviteTarget {
  const inCast = (queue: string) => (SITE.teams.find((t) => `team:${t.id}` === queue)?.members ?? []).filter((m) => cast.includes(m.user as Rep)).length;
  const shared = INVITE_TARGETS.filter((q) => inCast(q) >= 2);
  if (shared.length === 0 || shared.includes(named)) return named;
  return shared[INVITE_TARGETS.indexOf(named) % shared.length]!;
}

/** Every kind of command, sessions arriving and being answered most. */
const PROGRAMS = programArb(commandArb());
/**
 * S1–S4 more often: sessions taken by hand and shared, with more reps in the cast, so that
 * invitations meet free members of their teams and are offered, answered and ended.
 */
const SHARED_PROGRAMS = programArb(
  commandArb({ arrive: 10, acceptSession: 3, getNext: 10, end: 1, transfer: 1, customerLeaves: 1, invite: 14, join: 4, withdraw: 3, leave: 3, tick: 5, disconnect: 1, activity: 10, lock: 2 }, 24),
  { maxCast: 5, owners: true },
);

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
    for (const table of ['participants', 'offers', 'exclusions', 'invitations', 'timers', 'events', 'session_keys', 'logins', 'customer_connections', 'sessions', 'presence', 'node_connections', 'nodes'] as const) {
      await tx.deleteFrom(table).execute();
    }
  });
}

class StepFailure extends Error {}

/** What the programs reached, so that a generator that stops reaching invitation offers (S1) fails. */
const coverage = { invitationOffers: 0 };

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
  let last = await readState(store, clock.now(), T0);

  const fail = (i: number, cmd: Cmd, what: string): never => {
    throw new StepFailure(`step ${i} ${JSON.stringify(cmd)}: ${what}`);
  };

  /** Reads the state after a step and checks everything. */
  const check = async (i: number, cmd: Cmd, refused: LobbyError | null): Promise<State> => {
    await engine.timersIdle();
    if (logged.length > 0 && !SKIP.has('TIMERS')) fail(i, cmd, `[TIMERS] the engine logged: ${logged.join(' | ')}`);
    const state = await readState(store, clock.now(), T0);
    if (refused && !SKIP.has('REFUSAL') && digest(state) !== digest(last)) {
      fail(i, cmd, `[REFUSAL] refused with ${refused.code} (${refused.message}) but the state changed: ${diffStates(last, state)}`);
    }
    const violations = checkInvariants(site, state, batches, SKIP);
    for (const e of batches.flat()) if (e.type === 'offer.made' && e.data.invitationId !== undefined) coverage.invitationOffers += 1;
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
  }
}

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
  const joined = (invitationId: string, rep: string): Effect => (after) => {
    const i = after.invitations.find((x) => x.id === invitationId);
    const part = after.participants.find((p) => p.session_id === i?.session_id && p.user_id === rep);
    return expect(
      i?.state === 'accepted' && i.accepted_by === rep && part?.role === 'participant',
      `${rep} should have joined through invitation ${invitationId}: ${JSON.stringify(i)}, participant ${JSON.stringify(part)}`,
    );
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
      const offer = s.offers.find((o) => o.id === offerId)!;
      const accepted: Effect = (after) => expect(after.offers.find((o) => o.id === offerId)?.state === 'accepted', `offer ${offerId} should be accepted`);
      // S1, S2: an invitation's offer makes the rep a participant; the session keeps its owner.
      return (after) => accepted(after) ?? (offer.invitation_id === null ? owned(offer.session_id, cmd.rep)(after) : joined(offer.invitation_id, cmd.rep)(after));
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
    case 'invite': {
      const id = pickFrom(byState('active'), cmd.pick);
      const invitation = await engine.inviteToSession(session(s, id)?.owner_id ?? 'ann', id, cmd.to);
      return (after) => {
        const i = after.invitations.find((x) => x.id === invitation.id);
        return expect(i?.state === 'open' && i.queue_id === cmd.to && i.session_id === id, `invitation ${invitation.id} should be open in ${cmd.to}: ${JSON.stringify(i)}`);
      };
    }
    case 'join': {
      const open = s.invitations.filter((i) => i.state === 'open');
      const from = open.length > 0 ? open : s.invitations;
      const id = from.length > 0 ? from[cmd.pick % from.length]!.id : 'no-such-invitation';
      await engine.acceptInvitation(cmd.rep, id);
      return joined(id, cmd.rep);
    }
    case 'withdraw': {
      const open = s.invitations.filter((i) => i.state === 'open');
      const invitation = open.length > 0 ? open[cmd.pick % open.length] : s.invitations.at(cmd.pick % Math.max(1, s.invitations.length));
      const id = invitation?.id ?? 'no-such-invitation';
      await engine.withdrawInvitation((invitation && session(s, invitation.session_id)?.owner_id) ?? 'ann', id);
      return (after) => expect(after.invitations.find((x) => x.id === id)?.state === 'withdrawn', `invitation ${id} should be withdrawn`);
    }
    case 'leave': {
      const mine = byState('active').filter((x) => s.participants.some((p) => p.session_id === x.id && p.user_id === cmd.rep));
      const id = pickFrom(mine, cmd.pick, byState('active'));
      await engine.leaveSession(cmd.rep, id);
      return (after) => expect(!after.participants.some((p) => p.session_id === id && p.user_id === cmd.rep), `${cmd.rep} should have left session ${id}`);
    }
    case 'customerLeaves': {
      const id = pickFrom(s.sessions.filter((x) => x.state !== 'ended'), cmd.pick);
      await engine.customerConnected(id);
      await engine.customerDisconnected(id);
      return () => null;
    }
  }
}

// ---------------------------------------------------------------------------------------
// 200 programs on SQLite and 30 on PostgreSQL, and a third as many with shared sessions:
// 15–30 s and 5–12 s on two cores, and about as much again.
// ---------------------------------------------------------------------------------------

const RUNS: Record<StoreKind, number> = {
  sqlite: Number(process.env.ROUTING_PROP_RUNS ?? 200),
  postgres: Number(process.env.ROUTING_PROP_PG_RUNS ?? 30),
};
const SEED = process.env.ROUTING_PROP_SEED === undefined ? undefined : Number(process.env.ROUTING_PROP_SEED);
/** A counterexample to run first, as printed by a failure (the JSON list of commands). */
const REPLAY = process.env.ROUTING_PROP_PROGRAM === undefined ? undefined : (JSON.parse(process.env.ROUTING_PROP_PROGRAM) as Cmd[]);

describe.each(STORE_KINDS)('Equilibrium under random command sequences on %s', (kind) => {
  let t: TestStore | undefined;
  let site: SiteModel;

  beforeAll(async () => {
    t = await openTestStore(kind);
    await importSiteConfig(t.store, SITE, T0);
    site = await readSite(t.store);
  });

  afterAll(async () => {
    await t?.close();
  });

  const options = (numRuns: number) => ({
    numRuns,
    ...(SEED === undefined ? {} : { seed: SEED }),
    ...(REPLAY === undefined ? {} : { examples: [[REPLAY]] }),
  });

  it(
    'L1, Q4, E2–E7, A3, A4, W1–W3, X5, S1–S4: every invariant holds after every step of any command sequence',
    async () => {
      await fc.assert(
        fc.asyncProperty(PROGRAMS, (program) => runProgram(t!.store, site, program)),
        options(RUNS[kind]),
      );
    },
    600_000,
  );

  it(
    'S1–S4, X5, E2–E7: every invariant holds in sequences where sessions are shared, and invitations offered, answered and ended',
    async () => {
      coverage.invitationOffers = 0;
      const runs = Math.ceil(RUNS[kind] / 3);
      await fc.assert(
        fc.asyncProperty(SHARED_PROGRAMS, (program) => runProgram(t!.store, site, program)),
        options(runs),
      );
      // The generator must keep reaching what this test is for (about one offer of an
      // invitation per program: asked where there are runs enough never to miss by chance).
      if (runs >= 30 && REPLAY === undefined) expect(coverage.invitationOffers).toBeGreaterThan(0);
    },
    600_000,
  );
});
