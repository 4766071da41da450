/**
 * The programs of the routing property test (test/engine/routing.property.test.ts): the
 * site they run on, and the random command sequences over it, weighted so that every SPEC
 * rule the invariants check is reached.
 */
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------
// The site: three teams and an embassy, least_busy and skills_least_busy, a mark rule and
// overflow rules (one overflow cycle, general ⇄ tech, stopped by maxOverflowMoves), a small
// skill tree with preferred and ignored levels, and three policies.
// ---------------------------------------------------------------------------------------

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const PASSWORD = 'property test';
const REPS = ['ann', 'bob', 'cara', 'dan', 'eve', 'fay'] as const;
export type Rep = (typeof REPS)[number];

export const SITE = {
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

export type Cmd =
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
export const PROGRAMS = programArb(commandArb());
/**
 * S1–S4 more often: sessions taken by hand and shared, with more reps in the cast, so that
 * invitations meet free members of their teams and are offered, answered and ended.
 */
export const SHARED_PROGRAMS = programArb(
  commandArb({ arrive: 10, acceptSession: 3, getNext: 10, end: 1, transfer: 1, customerLeaves: 1, invite: 14, join: 4, withdraw: 3, leave: 3, tick: 5, disconnect: 1, activity: 10, lock: 2 }, 24),
  { maxCast: 5, owners: true },
);
