/** What the admin pages read: the configuration's entities, with each rep's state (A6). */
import { repState } from '../core/rep-state.js';
import type { QueueRouting } from '../core/routing-types.js';
import { GENERAL_QUEUE_ID, teamQueueId } from '../core/site-settings.js';
import { overflowCycleThrough } from '../core/waiting-rules.js';
import type { NormalizedSiteConfig, QueueEntry, UserEntry } from '../config/site-config.js';
import type { Db } from '../store/store.js';
import { loadReps } from './routing-snapshot.js';

export interface AdminUserView extends Omit<UserEntry, 'password' | 'passwordHash'> {
  id: string;
  teams: { team: string; role: string }[];
  /** A6 */
  state: string;
  sessionCount: number;
}

export async function adminUserViews(db: Db, config: NormalizedSiteConfig): Promise<AdminUserView[]> {
  const ids = new Map((await db.selectFrom('users').select(['id', 'login']).execute()).map((u) => [u.login, u.id]));
  const reps = new Map((await loadReps(db, { repIds: [...ids.values()] })).map((r) => [r.id, r]));
  // Counted from the sessions themselves: a rep without a live console may still have some (A1).
  const counts = new Map(
    (
      await db
        .selectFrom('participants')
        .innerJoin('sessions', 'sessions.id', 'participants.session_id')
        .select(['participants.user_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('sessions.state', '=', 'active')
        .groupBy('participants.user_id')
        .execute()
    ).map((r) => [r.user_id, Number(r.n)]),
  );
  return config.users.map(({ password: _p, passwordHash: _h, ...u }) => {
    const id = ids.get(u.login) ?? u.login;
    const rep = reps.get(id);
    return {
      ...u,
      id,
      teams: config.teams.flatMap((t) => t.members.filter((m) => m.user === u.login).map((m) => ({ team: t.id, role: m.role }))),
      state: rep ? repState(rep) : 'offline',
      sessionCount: counts.get(id) ?? 0,
    };
  });
}

/** The skills tree in file order, roots with their rank (E8). */
export function adminSkillViews(config: NormalizedSiteConfig) {
  let rank = 0;
  return config.skills.map((s) => ({ ...s, rank: s.parent === null ? (rank += 1) : null }));
}

/** The whole configuration as the admin pages read it: no password hashes. */
export function adminConfigView(config: NormalizedSiteConfig) {
  return { ...config, users: config.users.map(({ password: _p, passwordHash: _h, ...u }) => u) };
}

/** W3: the queues on an overflow cycle through `ref` (a queue reference), for the warning shown on save. */
export function overflowCycleOf(config: NormalizedSiteConfig, ref: string): string[] {
  const id = (r: string) => (r === GENERAL_QUEUE_ID || r.startsWith('rep:') ? r : teamQueueId(r));
  const routing = (queueId: string, q: QueueEntry): QueueRouting => ({
    id: queueId,
    kind: queueId === GENERAL_QUEUE_ID ? 'general' : 'team',
    algorithm: q.algorithm,
    offerTimeoutSeconds: q.offerTimeoutSeconds,
    persistent: q.persistent,
    waitingRule: { action: q.waiting.action, afterSeconds: q.waiting.afterSeconds, overflowQueueId: q.waiting.overflowQueue === null ? null : id(q.waiting.overflowQueue) },
  });
  const queues = [routing(GENERAL_QUEUE_ID, config.generalQueue), ...config.teams.map((t) => routing(teamQueueId(t.id), t))];
  return overflowCycleThrough(queues, id(ref)).map((q) => (q.startsWith('team:') ? q.slice('team:'.length) : q));
}
