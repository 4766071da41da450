import type { Db } from '../store.js';
import type { NewSession, SessionRow, SessionTable } from '../schema.js';
import type { Updateable } from 'kysely';

export async function insertSession(tx: Db, session: NewSession): Promise<void> {
  await tx.insertInto('sessions').values(session).execute();
}

export function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSessionByTokenHash(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('customer_token_hash', '=', tokenHash).executeTakeFirst();
}

export async function updateSession(tx: Db, id: string, patch: Updateable<SessionTable>): Promise<void> {
  await tx.updateTable('sessions').set(patch).where('id', '=', id).execute();
}

/** Waiting sessions of the given queues in Q4 order (priority, then waiting-since). */
export function waitingInQueues(db: Db, queueIds: string[], limit = 500): Promise<SessionRow[]> {
  if (queueIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('state', '=', 'waiting')
    .where('queue_id', 'in', queueIds)
    .orderBy('priority', 'desc')
    .orderBy('waiting_since', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
}

/** Active sessions the rep owns or has joined. */
export function activeForRep(db: Db, repId: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll('sessions')
    .innerJoin('participants', 'participants.session_id', 'sessions.id')
    .where('participants.user_id', '=', repId)
    .where('sessions.state', '=', 'active')
    .orderBy('sessions.accepted_at', 'asc')
    .execute();
}

/** Q9: 1-based place in line: sessions ahead of this one in Q4 order in the same queue. */
export async function queuePosition(db: Db, s: SessionRow): Promise<number | null> {
  if (s.state !== 'waiting' || s.queue_id === null) return null;
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'waiting')
    .where('queue_id', '=', s.queue_id)
    .where((eb) =>
      eb.or([
        eb('priority', '>', s.priority),
        eb.and([eb('priority', '=', s.priority), eb('waiting_since', '<', s.waiting_since)]),
        eb.and([eb('priority', '=', s.priority), eb('waiting_since', '=', s.waiting_since), eb('id', '<', s.id)]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n) + 1;
}

export async function addParticipant(tx: Db, sessionId: string, userId: string, role: string, at: number): Promise<void> {
  await tx.insertInto('participants').values({ session_id: sessionId, user_id: userId, role, joined_at: at }).execute();
}

export function participantsOf(db: Db, sessionId: string): Promise<{ user_id: string; role: string; joined_at: number }[]> {
  return db
    .selectFrom('participants')
    .select(['user_id', 'role', 'joined_at'])
    .where('session_id', '=', sessionId)
    .orderBy('joined_at')
    .execute();
}
