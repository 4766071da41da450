/**
 * S1: open invitations as Equilibrium candidates (see SessionSnapshot), read like the
 * heads of queues in routing-snapshot.ts, through the index of migration 0007.
 */
import { sql } from 'kysely';
import type { SessionSnapshot } from '../core/routing-types.js';
import { OFFERABLE_INVITATION_PREDICATE } from '../store/migrations/0007-invitation-offers.js';
import { rowLimit } from '../store/queries/row-limit.js';
import type { Db } from '../store/store.js';
import { groupBy } from './routing-snapshot.js';
import { idOrder } from '../store/queries/id-order.js';

/**
 * S1: the first `limit` open invitations of one queue in Q4 order (after skipping
 * `offset`) that Equilibrium may offer, through the `invitations_offerable` index, as
 * candidates (see SessionSnapshot): the session's skills, the invitation's priority (the
 * session's) and time, the reps in the session, and as exclusions the inviter and the reps
 * who rejected the invitation or let its offer expire (E6: for as long as it is open).
 */
export async function loadInvitationHead(db: Db, queueId: string, limit: number, offset = 0): Promise<SessionSnapshot[]> {
  const rows = await db
    .selectFrom('invitations')
    .select(['id', 'session_id', 'inviter_id', 'queue_id', 'priority', 'created_at'])
    .where('queue_id', '=', queueId)
    .where(sql.raw<boolean>(OFFERABLE_INVITATION_PREDICATE))
    .orderBy('priority', 'desc')
    .orderBy('created_at')
    .orderBy(idOrder(db, 'id'))
    .limit(rowLimit(limit))
    .offset(rowLimit(offset))
    .execute();
  if (rows.length === 0) return [];
  const sessionIds = [...new Set(rows.map((r) => r.session_id))];
  const [sessions, participants, missed] = await Promise.all([
    db.selectFrom('sessions').select(['id', 'required_skills']).where('id', 'in', sessionIds).execute(),
    db.selectFrom('participants').select(['session_id', 'user_id']).where('session_id', 'in', sessionIds).execute(),
    db
      .selectFrom('offers')
      .select(['invitation_id', 'rep_id'])
      .where('invitation_id', 'in', rows.map((r) => r.id))
      .where('state', 'in', ['rejected', 'expired'])
      .execute(),
  ]);
  const skillsOf = new Map(sessions.map((s) => [s.id, JSON.parse(s.required_skills) as string[]]));
  const joined = groupBy(participants, (p) => p.session_id, (p) => p.user_id);
  const excluded = groupBy(missed, (o) => o.invitation_id ?? '', (o) => o.rep_id);
  return rows.map((r) => ({
    id: r.session_id,
    invitationId: r.id,
    queueId: r.queue_id,
    priority: r.priority,
    waitingSince: r.created_at,
    requiredSkills: skillsOf.get(r.session_id) ?? [],
    excludedRepIds: [...new Set([r.inviter_id, ...(excluded.get(r.id) ?? [])])],
    participantRepIds: joined.get(r.session_id) ?? [],
    pendingOfferRepId: null,
  }));
}
