import type { Db } from '../store.js';
import type { EventRow } from '../schema.js';

/** An event as the rest of the server sees it: JSON payload parsed. */
export interface LobbyEvent {
  seq: number;
  at: number;
  type: string;
  sessionId: string | null;
  queueId: string | null;
  repId: string | null;
  data: Record<string, unknown>;
}

export interface NewEvent {
  type: string;
  sessionId?: string | null;
  queueId?: string | null;
  repId?: string | null;
  data?: Record<string, unknown>;
}

export function toLobbyEvent(row: EventRow): LobbyEvent {
  return {
    seq: row.seq,
    at: row.at,
    type: row.type,
    sessionId: row.session_id,
    queueId: row.queue_id,
    repId: row.rep_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

export async function appendEvent(tx: Db, at: number, event: NewEvent): Promise<LobbyEvent> {
  const row = await tx
    .insertInto('events')
    .values({
      at,
      type: event.type,
      session_id: event.sessionId ?? null,
      queue_id: event.queueId ?? null,
      rep_id: event.repId ?? null,
      data: JSON.stringify(event.data ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLobbyEvent(row);
}

export async function eventsAfter(db: Db, afterSeq: number, limit: number): Promise<LobbyEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  return rows.map(toLobbyEvent);
}

export async function sessionEvents(db: Db, sessionId: string, types?: string[]): Promise<LobbyEvent[]> {
  let q = db.selectFrom('events').selectAll().where('session_id', '=', sessionId);
  if (types) q = q.where('type', 'in', types);
  const rows = await q.orderBy('seq').execute();
  return rows.map(toLobbyEvent);
}

export async function lastSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}
