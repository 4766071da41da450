/**
 * Loads what the pure routing rules need, inside the command's transaction: queue
 * settings, rep snapshots, the skill tree, and waiting sessions with their exclusions.
 */
import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../store/store.js';
import {
  AUTOMATIC_QUEUE_PREDICATE,
  CONNECTED_REP_PREDICATE,
  FREE_REP_PREDICATE,
  OFFERABLE_SESSION_PREDICATE,
} from '../store/migrations/0004-routing-indexes.js';
import type { QueueRow } from '../store/schema.js';
import type {
  AdminSkillLevel,
  QueueKind,
  QueueRouting,
  RepSnapshot,
  RoutingAlgorithm,
  SessionSnapshot,
  SkillData,
  WaitingAction,
} from '../core/routing-types.js';
import { DEFAULT_POLICY, type PolicySettings } from '../core/policy.js';
import { visibleQueueIds, type Membership } from '../core/queue-visibility.js';
import { GENERAL_QUEUE_ID } from '../core/site-settings.js';
import { siteSettings } from '../store/queries/directory.js';
import { prepared, PreparedList } from '../store/queries/prepared.js';

const queueTeamId = prepared((db: Db, queueId: string) => db.selectFrom('queues').select('team_id').where('id', '=', queueId));
const teamSize = prepared((db: Db, teamId: string, upTo: number) =>
  db
    .selectFrom((eb) => eb.selectFrom('team_members').select('user_id').where('team_id', '=', teamId).limit(upTo).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n')),
);
const queueHead = prepared((db: Db, queueId: string, limit: number, offset: number) =>
  db
    .selectFrom('sessions')
    .select(['id', 'queue_id', 'priority', 'waiting_since', 'required_skills'])
    .where('queue_id', '=', queueId)
    .where(sql.raw<boolean>(OFFERABLE_SESSION_PREDICATE))
    .orderBy('priority', 'desc')
    .orderBy('waiting_since')
    .orderBy(isPostgres(db) ? sql`id collate "C"` : sql`id`)
    .limit(limit)
    .offset(offset),
);
const exclusionsOf = new PreparedList((db: Db, ids: readonly string[]) => db.selectFrom('exclusions').select(['session_id', 'rep_id']).where('session_id', 'in', ids));
const participantsIn = new PreparedList((db: Db, ids: readonly string[]) => db.selectFrom('participants').select(['session_id', 'user_id']).where('session_id', 'in', ids));
const membershipsIn = new PreparedList(
  (db: Db, ids: readonly string[]) =>
    db
      .selectFrom('team_members')
      .innerJoin('teams', 'teams.id', 'team_members.team_id')
      .select(['team_members.user_id', 'teams.id as teamId', 'teams.kind'])
      .where('team_members.user_id', 'in', ids),
  32,
);
const repRowsIn = new PreparedList((db: Db, ids: readonly string[]) => repRows(db).where('presence.user_id', 'in', ids), 32);
const skillTree = prepared((db: Db) => db.selectFrom('skills').select(['id', 'parent_id', 'root_rank']));
const repSkillsIn = new PreparedList((db: Db, ids: readonly string[]) => db.selectFrom('rep_skills').select(['user_id', 'skill_id', 'level']).where('user_id', 'in', ids), 32);


export function toQueueRouting(q: QueueRow): QueueRouting {
  return {
    id: q.id,
    kind: q.kind as QueueKind,
    algorithm: q.algorithm as RoutingAlgorithm,
    offerTimeoutSeconds: q.offer_timeout_seconds,
    persistent: q.persistent === 1,
    waitingRule: {
      action: q.waiting_action as WaitingAction,
      afterSeconds: q.waiting_after_seconds,
      overflowQueueId: q.overflow_queue_id,
    },
  };
}

export async function loadQueues(db: Db): Promise<QueueRouting[]> {
  const rows = await db.selectFrom('queues').selectAll().execute();
  return rows.map(toQueueRouting);
}

export interface RepSnapshotOptions {
  /** Only these reps; default: every rep who is logged in. */
  repIds?: readonly string[];
}

const REP_COLUMNS = [
  'presence.user_id as id',
  'presence.connections',
  'presence.logged_in',
  'presence.locked',
  'presence.idle',
  'presence.opted_out',
  'presence.load_since',
  'presence.active_sessions',
  'presence.pending_offers',
  'policies.settings',
] as const;

/** The columns a rep snapshot is built from: presence, the user and their policy. */
function repRows(db: Db) {
  return db
    .selectFrom('presence')
    .innerJoin('users', 'users.id', 'presence.user_id')
    .innerJoin('policies', 'policies.id', 'users.policy_id')
    .select(REP_COLUMNS)
    .where('users.disabled', '=', 0);
}

type RepRow = Awaited<ReturnType<ReturnType<typeof repRows>['execute']>>[number];

/**
 * Rep snapshots. `loggedIn` here means "has a live console connection": a rep in the
 * grace period after a dropped connection keeps their sessions (A1) but is offered
 * nothing, because nobody would see the offer.
 */
export async function loadReps(db: Db, options: RepSnapshotOptions = {}): Promise<RepSnapshot[]> {
  let q = repRows(db);
  if (options.repIds) {
    if (options.repIds.length === 0) return [];
    q = q.where('presence.user_id', 'in', [...options.repIds]);
  } else {
    q = q.where('presence.connections', '>', 0);
  }
  return snapshotsOf(db, await q.execute());
}

export interface RepQueryOptions {
  /** Only members of this queue's team (team and embassy queues); none of a personal queue. */
  queue?: QueueRouting;
  /** The queue's team, when the caller has read it already (loadQueueTeam). */
  team?: QueueTeam;
  /** At most this many, least busy first (E3 (2)–(4)). */
  limit?: number;
}

/** The team behind a team or embassy queue, and its size up to TEAM_FIRST_MEMBERS + 1. */
export interface QueueTeam {
  readonly teamId: string | null;
  readonly members: number;
}

export async function loadQueueTeam(db: Db, queue: QueueRouting): Promise<QueueTeam> {
  const teamId = (await queueTeamId.first(db, queue.id))?.team_id ?? null;
  if (teamId === null) return { teamId, members: 0 };
  const size = await teamSize.first(db, teamId, TEAM_FIRST_MEMBERS + 1);
  return { teamId, members: Number(size!.n) };
}

/**
 * The reps who could take an offer now (E2's clauses about the rep alone), least busy
 * first, through the `presence_free` index: the rows read are about the rows returned,
 * however many reps are logged in. The snapshots are built from the base tables as
 * loadReps builds them, and planOffers checks them again: the index only picks the rows.
 */
export function loadFreeReps(db: Db, options: RepQueryOptions = {}): Promise<RepSnapshot[]> {
  return repsByLoad(db, FREE_REP_PREDICATE, options);
}

/**
 * Connected reps, least busy first, through the `presence_by_load` index: with a queue and
 * a limit, the members an offer's explanation compares the chosen rep with (E11).
 */
export function loadConnectedReps(db: Db, options: RepQueryOptions = {}): Promise<RepSnapshot[]> {
  return repsByLoad(db, CONNECTED_REP_PREDICATE, options);
}

/**
 * A team of up to this many members is read member by member (then sorted by load); a
 * larger one along the load index, skipping non-members until enough are found. Either
 * way a read touches at most a few hundred rows for the few members a pass asks for: a
 * team this large is at least 1 in 20 of the 10,000 reps benchmarked.
 */
const TEAM_FIRST_MEMBERS = 500;

async function repsByLoad(db: Db, predicate: string, options: RepQueryOptions): Promise<RepSnapshot[]> {
  const { queue, limit } = options;
  if (queue?.kind === 'personal') return [];
  const byId = isPostgres(db) ? sql`presence.user_id collate "C"` : sql`presence.user_id`;
  const filter = sql.raw<boolean>(predicate);
  const upTo = <T extends { limit(n: number): T }>(q: T): T => (limit === undefined ? q : q.limit(limit));
  // First the ids, from the index alone; then the few rows a snapshot needs.
  let ids: { id: string }[];
  if (queue === undefined || queue.kind === 'general') {
    ids = await upTo(
      db.selectFrom('presence').select('presence.user_id as id').where(filter).orderBy(sql`presence.active_sessions`).orderBy('presence.load_since').orderBy(byId),
    ).execute();
  } else {
    const { teamId, members: size } = options.team ?? (await loadQueueTeam(db, queue));
    if (teamId === null) return [];
    const members =
      size <= TEAM_FIRST_MEMBERS
        ? // SQLite keeps the FROM order of a CROSS JOIN: the team's members, then their presence.
          db.selectFrom('team_members').crossJoin('presence').where('team_members.team_id', '=', teamId).whereRef('presence.user_id', '=', 'team_members.user_id')
        : // Along the load index, members only.
          db
            .selectFrom('presence')
            .where((eb) =>
              eb.exists(
                eb.selectFrom('team_members').select('team_members.user_id').where('team_members.team_id', '=', teamId).whereRef('team_members.user_id', '=', 'presence.user_id'),
              ),
            );
    ids = await upTo(
      members.select('presence.user_id as id').where(filter).orderBy(sql`presence.active_sessions`).orderBy('presence.load_since').orderBy(byId),
    ).execute();
  }
  if (ids.length === 0) return [];
  const rows = await repRowsIn.all(db, ids.map((r) => r.id));
  const byUser = new Map(rows.map((r) => [r.id, r]));
  return snapshotsOf(db, ids.flatMap((r) => byUser.get(r.id) ?? []));
}

/** PostgreSQL sorts ids by code unit only under the "C" collation (compareIds). */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

async function snapshotsOf(db: Db, rows: readonly RepRow[]): Promise<RepSnapshot[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const holding = rows.filter((r) => r.pending_offers > 0).map((r) => r.id);
  const [memberRows, offerRows, site] = await Promise.all([
    membershipsIn.all(db, ids),
    holding.length === 0
      ? Promise.resolve([])
      : db.selectFrom('offers').select(['rep_id', 'session_id', 'invitation_id']).where('state', '=', 'pending').where('rep_id', 'in', holding).execute(),
    siteSettings(db),
  ]);
  const memberships = new Map<string, Membership[]>();
  for (const m of memberRows) {
    const list = memberships.get(m.user_id) ?? [];
    list.push({ teamId: m.teamId, teamKind: m.kind === 'embassy' ? 'embassy' : 'team' });
    memberships.set(m.user_id, list);
  }
  const offers = new Map(offerRows.map((o) => [o.rep_id, o]));
  return rows.map((r) => {
    const policy: PolicySettings = { ...DEFAULT_POLICY, ...(JSON.parse(r.settings) as Partial<PolicySettings>) };
    // Q6 decides both what a rep sees and where they may be offered sessions.
    const visible = visibleQueueIds({
      repId: r.id,
      memberships: memberships.get(r.id) ?? [],
      generalQueueEnabled: site.generalQueueEnabled,
      canSeeGeneralQueue: policy.canSeeGeneralQueue,
    });
    return {
      id: r.id,
      queueIds: visible.filter((id) => id !== GENERAL_QUEUE_ID),
      loggedIn: r.connections > 0 && r.logged_in === 1,
      locked: r.locked === 1,
      idle: r.idle === 1,
      optedOut: r.opted_out === 1,
      sessionCount: r.active_sessions,
      loadSince: r.load_since,
      pendingOfferSessionId: offers.get(r.id)?.session_id ?? null,
      pendingOfferInvitationId: offers.get(r.id)?.invitation_id ?? null,
      policy: { ...policy, canSeeGeneralQueue: visible.includes(GENERAL_QUEUE_ID) },
    };
  });
}

/** Routing settings of the given queues (configuration: as many as there are teams). */
export async function loadQueuesById(db: Db, ids: readonly string[]): Promise<QueueRouting[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('queues').selectAll().where('id', 'in', [...ids]).execute();
  return rows.map(toQueueRouting);
}

/** Automatic queues (E1) in which some session waits without an offer. */
export async function loadQueuesWithOfferableSessions(db: Db): Promise<QueueRouting[]> {
  const rows = await db
    .selectFrom('queues')
    .selectAll()
    .where(sql.raw<boolean>(AUTOMATIC_QUEUE_PREDICATE))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('sessions')
          .select('sessions.id')
          .whereRef('sessions.queue_id', '=', 'queues.id')
          .where(sql.raw<boolean>(OFFERABLE_SESSION_PREDICATE)),
      ),
    )
    .execute();
  return rows.map(toQueueRouting);
}

/** The skill tree and who holds what; `repIds` limits the rep levels read to those reps. */
export async function loadSkills(db: Db, repIds?: readonly string[]): Promise<SkillData> {
  const levelsQuery = db.selectFrom('rep_skills').select(['user_id', 'skill_id', 'level']);
  const [skills, levels] = await Promise.all([
    skillTree.all(db),
    repIds === undefined
      ? levelsQuery.execute()
      : repIds.length === 0
        ? Promise.resolve([])
        : repSkillsIn.all(db, repIds),
  ]);
  const tree = new Map(skills.map((s) => [s.id, { id: s.id, parentId: s.parent_id, rank: s.root_rank }]));
  const repSkills = new Map<string, Map<string, AdminSkillLevel>>();
  for (const l of levels) {
    const m = repSkills.get(l.user_id) ?? new Map<string, AdminSkillLevel>();
    m.set(l.skill_id, l.level === 'ignored' ? 'ignored' : 'preferred');
    repSkills.set(l.user_id, m);
  }
  return { tree, repSkills };
}

/**
 * The first `limit` sessions of one queue in Q4 order (after skipping `offset`) that
 * Equilibrium may offer, with their exclusions, through the `sessions_offerable` index:
 * the rows read are the rows returned, however many wait behind them or hold an offer.
 */
export async function loadQueueHead(db: Db, queueId: string, limit: number, offset = 0): Promise<SessionSnapshot[]> {
  const rows = await queueHead.all(db, queueId, limit, offset);
  return withExclusions(db, rows);
}

async function withExclusions(
  db: Db,
  rows: readonly { id: string; queue_id: string | null; priority: number; waiting_since: number; required_skills: string }[],
): Promise<SessionSnapshot[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [exclusions, participants] = await Promise.all([
    exclusionsOf.all(db, ids),
    participantsIn.all(db, ids),
  ]);
  const excluded = groupBy(exclusions, (e) => e.session_id, (e) => e.rep_id);
  const joined = groupBy(participants, (p) => p.session_id, (p) => p.user_id);
  return rows.map((r) => ({
    id: r.id,
    queueId: r.queue_id!,
    priority: r.priority,
    waitingSince: r.waiting_since,
    requiredSkills: JSON.parse(r.required_skills) as string[],
    excludedRepIds: excluded.get(r.id) ?? [],
    participantRepIds: joined.get(r.id) ?? [],
    pendingOfferRepId: null,
  }));
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string, value: (t: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    const list = out.get(key(item)) ?? [];
    list.push(value(item));
    out.set(key(item), list);
  }
  return out;
}
