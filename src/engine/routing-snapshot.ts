/**
 * Loads what the pure routing rules need, inside the command's transaction: queue
 * settings, rep snapshots, the skill tree, and waiting sessions with their exclusions.
 */
import type { Db } from '../store/store.js';
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

/**
 * Rep snapshots. `loggedIn` here means "has a live console connection": a rep in the
 * grace period after a dropped connection keeps their sessions (A1) but is offered
 * nothing, because nobody would see the offer.
 */
export async function loadReps(db: Db, options: RepSnapshotOptions = {}): Promise<RepSnapshot[]> {
  let q = db
    .selectFrom('presence')
    .innerJoin('users', 'users.id', 'presence.user_id')
    .innerJoin('policies', 'policies.id', 'users.policy_id')
    .select([
      'presence.user_id as id',
      'presence.connections',
      'presence.logged_in',
      'presence.locked',
      'presence.idle',
      'presence.opted_out',
      'presence.load_since',
      'policies.settings',
    ])
    .where('users.disabled', '=', 0);
  if (options.repIds) {
    if (options.repIds.length === 0) return [];
    q = q.where('presence.user_id', 'in', [...options.repIds]);
  } else {
    q = q.where('presence.connections', '>', 0);
  }
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [memberRows, countRows, offerRows, site] = await Promise.all([
    db
      .selectFrom('team_members')
      .innerJoin('teams', 'teams.id', 'team_members.team_id')
      .select(['team_members.user_id', 'teams.id as teamId', 'teams.kind'])
      .where('team_members.user_id', 'in', ids)
      .execute(),
    db
      .selectFrom('participants')
      .innerJoin('sessions', 'sessions.id', 'participants.session_id')
      .select(['participants.user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('sessions.state', '=', 'active')
      .where('participants.user_id', 'in', ids)
      .groupBy('participants.user_id')
      .execute(),
    db.selectFrom('offers').select(['rep_id', 'session_id']).where('state', '=', 'pending').where('rep_id', 'in', ids).execute(),
    siteSettings(db),
  ]);
  const memberships = new Map<string, Membership[]>();
  for (const m of memberRows) {
    const list = memberships.get(m.user_id) ?? [];
    list.push({ teamId: m.teamId, teamKind: m.kind === 'embassy' ? 'embassy' : 'team' });
    memberships.set(m.user_id, list);
  }
  const counts = new Map(countRows.map((c) => [c.user_id, Number(c.n)]));
  const offers = new Map(offerRows.map((o) => [o.rep_id, o.session_id]));
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
      sessionCount: counts.get(r.id) ?? 0,
      loadSince: r.load_since,
      pendingOfferSessionId: offers.get(r.id) ?? null,
      policy: { ...policy, canSeeGeneralQueue: visible.includes(GENERAL_QUEUE_ID) },
    };
  });
}

export async function loadSkills(db: Db): Promise<SkillData> {
  const [skills, levels] = await Promise.all([
    db.selectFrom('skills').select(['id', 'parent_id', 'root_rank']).execute(),
    db.selectFrom('rep_skills').select(['user_id', 'skill_id', 'level']).execute(),
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

/** Waiting sessions of the given queues, without a pending offer, with their exclusions. */
export async function loadWaiting(db: Db, queueIds: readonly string[]): Promise<SessionSnapshot[]> {
  if (queueIds.length === 0) return [];
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'queue_id', 'priority', 'waiting_since', 'required_skills'])
    .where('state', '=', 'waiting')
    .where('queue_id', 'in', [...queueIds])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('offers')
            .select('offers.id')
            .whereRef('offers.session_id', '=', 'sessions.id')
            .where('offers.state', '=', 'pending'),
        ),
      ),
    )
    .execute();
  if (rows.length === 0) return [];
  const [exclusions, participants] = await Promise.all([
    db
      .selectFrom('exclusions')
      .innerJoin('sessions', 'sessions.id', 'exclusions.session_id')
      .select(['exclusions.session_id', 'exclusions.rep_id'])
      .where('sessions.state', '=', 'waiting')
      .where('sessions.queue_id', 'in', [...queueIds])
      .execute(),
    db
      .selectFrom('participants')
      .innerJoin('sessions', 'sessions.id', 'participants.session_id')
      .select(['participants.session_id', 'participants.user_id'])
      .where('sessions.state', '=', 'waiting')
      .where('sessions.queue_id', 'in', [...queueIds])
      .execute(),
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

function groupBy<T>(items: readonly T[], key: (t: T) => string, value: (t: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    const list = out.get(key(item)) ?? [];
    list.push(value(item));
    out.set(key(item), list);
  }
  return out;
}
