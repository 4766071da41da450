import type { Db } from '../store.js';
import type { NewSession, SessionRow, SessionTable } from '../schema.js';
import type { Updateable } from 'kysely';
import { isPlainValue, prepared, PreparedQuery } from './prepared.js';
import { rowLimit } from './row-limit.js';

/** Every column, in the order the prepared insert lists them. */
const SESSION_COLUMNS = [
  'id', 'state', 'origin', 'client_type', 'customer_name', 'customer_company', 'customer_details', 'issue_id', 'priority',
  'required_skills', 'attributes', 'first_queue_id', 'queue_id', 'last_queue_id', 'queued_at', 'waiting_since', 'owner_id',
  'overdue', 'overflow_moves', 'customer_token_hash', 'created_at', 'accepted_at', 'ended_at', 'end_reason',
] as const satisfies readonly (keyof SessionTable)[];

const insertFullSession = new PreparedQuery(
  (db: Db, ...values: unknown[]) =>
    db.insertInto('sessions').values(Object.fromEntries(SESSION_COLUMNS.map((c, i) => [c, values[i]])) as unknown as NewSession),
  SESSION_COLUMNS.length,
);

export async function insertSession(tx: Db, session: NewSession): Promise<void> {
  const row = session as Record<string, unknown>;
  // A row with every column set (as the engine makes them) takes the prepared insert; one
  // that leaves some to their defaults is built as given.
  if (Object.keys(row).length === SESSION_COLUMNS.length && SESSION_COLUMNS.every((c) => row[c] !== undefined && isPlainValue(row[c]))) {
    await insertFullSession.execute(tx, ...SESSION_COLUMNS.map((c) => row[c]));
    return;
  }
  await tx.insertInto('sessions').values(session).execute();
}

const sessionById = prepared((db: Db, id: string) => db.selectFrom('sessions').selectAll().where('id', '=', id));

export function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return sessionById.first(db, id);
}

const sessionByTokenHash = prepared((db: Db, tokenHash: string) => db.selectFrom('sessions').selectAll().where('customer_token_hash', '=', tokenHash));

export function findSessionByTokenHash(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  return sessionByTokenHash.first(db, tokenHash);
}

/** Prepared updates, one per set of columns changed. */
const sessionUpdates = new Map<string, PreparedQuery<unknown[], unknown>>();

export async function updateSession(tx: Db, id: string, patch: Updateable<SessionTable>): Promise<void> {
  const values = patch as Record<string, unknown>;
  // Kysely leaves out columns set to undefined; so does the key. An expression (sql`…`)
  // is not a parameter: such a patch is built as given.
  const columns = Object.keys(values).filter((k) => values[k] !== undefined);
  if (!columns.every((c) => isPlainValue(values[c]))) {
    await tx.updateTable('sessions').set(patch).where('id', '=', id).execute();
    return;
  }
  const key = columns.join(',');
  let update = sessionUpdates.get(key);
  if (update === undefined) {
    update = new PreparedQuery(
      (db: Db, ...args: unknown[]) =>
        db
          .updateTable('sessions')
          .set(Object.fromEntries(columns.map((c, i) => [c, args[i + 1]])) as Updateable<SessionTable>)
          .where('id', '=', args[0] as string),
      columns.length + 1,
    );
    sessionUpdates.set(key, update);
  }
  await update.execute(tx, id, ...columns.map((c) => (patch as Record<string, unknown>)[c]));
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
    .limit(rowLimit(limit))
    .execute();
}

const activeSessionsOf = prepared((db: Db, repId: string) =>
  db
    .selectFrom('sessions')
    .selectAll('sessions')
    .innerJoin('participants', 'participants.session_id', 'sessions.id')
    .where('participants.user_id', '=', repId)
    .where('sessions.state', '=', 'active')
    .orderBy('sessions.accepted_at', 'asc'),
);

/** Active sessions the rep owns or has joined. */
export function activeForRep(db: Db, repId: string): Promise<SessionRow[]> {
  return activeSessionsOf.all(db, repId);
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

const insertParticipant = prepared((db: Db, sessionId: string, userId: string, role: string, at: number) =>
  db.insertInto('participants').values({ session_id: sessionId, user_id: userId, role, joined_at: at }),
);

export async function addParticipant(tx: Db, sessionId: string, userId: string, role: string, at: number): Promise<void> {
  await insertParticipant.execute(tx, sessionId, userId, role, at);
}

const participantsBySession = prepared((db: Db, sessionId: string) =>
  db.selectFrom('participants').select(['user_id', 'role', 'joined_at']).where('session_id', '=', sessionId).orderBy('joined_at'),
);

export function participantsOf(db: Db, sessionId: string): Promise<{ user_id: string; role: string; joined_at: number }[]> {
  return participantsBySession.all(db, sessionId);
}
