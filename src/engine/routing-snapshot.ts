/**
 * Loads what the pure routing rules need, inside the command's transaction: queue
 * settings, rep snapshots, the skill tree, and waiting sessions with their exclusions.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/store.js';
import {
  AUTOMATIC_QUEUE_PREDICATE,
  CONNECTED_REP_PREDICATE,
  FREE_REP_PREDICATE,
  OFFERABLE_SESSION_PREDICATE,
} from '../store/migrations/0004-routing-indexes.js';
import type { QueueRow } from '../store/schema.js';
import { queueHasOfferableSession } from '../store/queries/queue-probes.js';
import { idOrder } from '../store/queries/id-order.js';
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
import { GENERAL_QUEUE_ID, type SiteSettings } from '../core/site-settings.js';
import { siteSettings } from '../store/queries/directory.js';
import { prepared, PreparedList } from '../store/queries/prepared.js';
import { repIdQuery } from '../store/queries/rep-ids.js';
import { rowLimit } from '../store/queries/row-limit.js';

const queueTeamId = prepared((db: Db, queueId: string) => db.selectFrom('queues').select('team_id').where('id', '=', queueId));
const teamSize = prepared((db: Db, teamId: string, upTo: number) =>
  db
    .selectFrom((eb) => eb.selectFrom('team_members').select('user_id').where('team_id', '=', teamId).limit(rowLimit(upTo)).as('m'))
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
    .orderBy(idOrder(db, 'id'))
    .limit(rowLimit(limit))
    .offset(rowLimit(offset)),
);
/** The reps excluded from (E6) and in (participants) the given sessions, in one statement. */
const blockersIn = new PreparedList((db: Db, ids: readonly string[]) =>
  db
    .selectFrom('exclusions')
    .select(['session_id', 'rep_id as user_id', sql.lit(1).as('excluded')])
    .where('session_id', 'in', ids)
    .unionAll(db.selectFrom('participants').select(['session_id', 'user_id', sql.lit(0).as('excluded')]).where('session_id', 'in', ids)),
);
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
/** The skill tree and the given reps' levels, in one statement: tree rows have no `user_id`. */
const skillsAndLevelsIn = new PreparedList(
  (db: Db, ids: readonly string[]) =>
    db
      .selectFrom('skills')
      .select(['id', 'parent_id', 'root_rank', sql<string | null>`null`.as('user_id'), sql<string | null>`null`.as('level')])
      .unionAll(
        db
          .selectFrom('rep_skills')
          .select(['skill_id as id', sql<string | null>`null`.as('parent_id'), sql<number | null>`null`.as('root_rank'), 'user_id', 'level'])
          .where('user_id', 'in', ids),
      ),
  32,
);
const pendingOffersOf = new PreparedList((db: Db, ids: readonly string[]) =>
  db.selectFrom('offers').select(['rep_id', 'session_id', 'invitation_id']).where('state', '=', 'pending').where('rep_id', 'in', ids),
);
/**
 * A queue's team size up to TEAM_FIRST_MEMBERS + 1, beside the queue's row, so that a pass
 * knows how to read a queue's members without two more statements per queue.
 */
const teamSizeColumn = (): RawBuilder<number | string | bigint> =>
  sql`(select count(*) from (select user_id from team_members where team_id = queues.team_id limit ${sql.lit(TEAM_FIRST_MEMBERS + 1)}) as m)`;
const queuesIn = new PreparedList((db: Db, ids: readonly string[]) =>
  db.selectFrom('queues').selectAll().select(teamSizeColumn().as('team_members')).where('id', 'in', ids),
);
const queuesWithOfferableSessions = prepared((db: Db) =>
  db
    .selectFrom('queues')
    .selectAll()
    .select(teamSizeColumn().as('team_members'))
    .where(sql.raw<boolean>(AUTOMATIC_QUEUE_PREDICATE))
    .where(queueHasOfferableSession(db)),
);

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
  /** The site settings, when the caller has read them already in this transaction. */
  site?: SiteSettings;
  /** Snapshots the caller has read already in this transaction (with nothing written since): not read again. */
  known?: ReadonlyMap<string, RepSnapshot>;
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
  const { queue, limit, known } = options;
  if (queue?.kind === 'personal') return [];
  const limits = limit === undefined ? [] : [limit];
  // First the ids, from the index alone; then the few rows a snapshot needs.
  let ids: { id: string }[];
  if (queue === undefined || queue.kind === 'general') {
    ids = await repIdQuery(predicate, 'all', limit !== undefined).all(db, ...limits);
  } else {
    const { teamId, members: size } = options.team ?? (await loadQueueTeam(db, queue));
    if (teamId === null) return [];
    ids = await repIdQuery(predicate, size <= TEAM_FIRST_MEMBERS ? 'members' : 'largeTeam', limit !== undefined).all(db, teamId, ...limits);
  }
  if (ids.length === 0) return [];
  const unknown = known === undefined ? ids.map((r) => r.id) : ids.flatMap((r) => (known.has(r.id) ? [] : [r.id]));
  const rows = unknown.length === 0 ? [] : await repRowsIn.all(db, unknown);
  const fresh = new Map((await snapshotsOf(db, rows, options.site)).map((r) => [r.id, r]));
  return ids.flatMap((r) => fresh.get(r.id) ?? known?.get(r.id) ?? []);
}

async function snapshotsOf(db: Db, rows: readonly RepRow[], knownSite?: SiteSettings): Promise<RepSnapshot[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const holding = rows.filter((r) => r.pending_offers > 0).map((r) => r.id);
  const [memberRows, offerRows, site] = await Promise.all([
    membershipsIn.all(db, ids),
    holding.length === 0 ? Promise.resolve([]) : pendingOffersOf.all(db, holding),
    knownSite ?? siteSettings(db),
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

/** An automatic queue as Equilibrium reads it: its routing settings and its team. */
export interface TeamQueue {
  readonly queue: QueueRouting;
  readonly team: QueueTeam;
}

function toTeamQueue(row: QueueRow & { team_members: number | string | bigint }): TeamQueue {
  return { queue: toQueueRouting(row), team: { teamId: row.team_id, members: Number(row.team_members) } };
}

/** Routing settings of the given queues (configuration: as many as there are teams), with their teams. */
export async function loadQueuesById(db: Db, ids: readonly string[]): Promise<TeamQueue[]> {
  if (ids.length === 0) return [];
  return (await queuesIn.all(db, ids)).map(toTeamQueue);
}

/** Automatic queues (E1) in which some session waits without an offer, with their teams. */
export async function loadQueuesWithOfferableSessions(db: Db): Promise<TeamQueue[]> {
  return (await queuesWithOfferableSessions.all(db)).map(toTeamQueue);
}

/** The skill tree and who holds what; `repIds` limits the rep levels read to those reps. */
export async function loadSkills(db: Db, repIds?: readonly string[]): Promise<SkillData> {
  let skills: { id: string; parent_id: string | null; root_rank: number | null }[];
  let levels: { user_id: string; skill_id: string; level: string }[];
  if (repIds === undefined) {
    [skills, levels] = await Promise.all([skillTree.all(db), db.selectFrom('rep_skills').select(['user_id', 'skill_id', 'level']).execute()]);
  } else if (repIds.length === 0) {
    [skills, levels] = [await skillTree.all(db), []];
  } else {
    const rows = await skillsAndLevelsIn.all(db, repIds);
    skills = rows.filter((r) => r.user_id === null);
    levels = rows.flatMap((r) => (r.user_id === null ? [] : [{ user_id: r.user_id, skill_id: r.id, level: r.level ?? '' }]));
  }
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
  const blockers = await blockersIn.all(db, ids);
  const excluded = groupBy(blockers.filter((b) => Number(b.excluded) === 1), (e) => e.session_id, (e) => e.user_id);
  const joined = groupBy(blockers.filter((b) => Number(b.excluded) === 0), (p) => p.session_id, (p) => p.user_id);
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
