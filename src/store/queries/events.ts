import type { Db } from '../store.js';
import type { EventRow } from '../schema.js';
import { prepared } from './prepared.js';
import { rowLimit } from './row-limit.js';

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

const insertEvent = prepared((db: Db, at: number, type: string, sessionId: string | null, queueId: string | null, repId: string | null, data: string) =>
  db.insertInto('events').values({ at, type, session_id: sessionId, queue_id: queueId, rep_id: repId, data }).returning('seq'),
);

/**
 * Appends one event. Only its sequence is read back: the rest of the row is what was
 * written, and the payload is parsed from the very text stored, as a read would give it.
 */
export async function appendEvent(tx: Db, at: number, event: NewEvent): Promise<LobbyEvent> {
  const data = JSON.stringify(event.data ?? {});
  const row = await insertEvent.first(tx, at, event.type, event.sessionId ?? null, event.queueId ?? null, event.repId ?? null, data);
  if (row === undefined) throw new Error('the event was not stored');
  return {
    seq: Number(row.seq),
    at,
    type: event.type,
    sessionId: event.sessionId ?? null,
    queueId: event.queueId ?? null,
    repId: event.repId ?? null,
    data: JSON.parse(data) as Record<string, unknown>,
  };
}

const eventsAfterSeq = prepared((db: Db, afterSeq: number, limit: number) =>
  db.selectFrom('events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(rowLimit(limit)),
);

export async function eventsAfter(db: Db, afterSeq: number, limit: number): Promise<LobbyEvent[]> {
  const rows = await eventsAfterSeq.all(db, afterSeq, limit);
  return rows.map(toLobbyEvent);
}

export async function sessionEvents(db: Db, sessionId: string, types?: string[]): Promise<LobbyEvent[]> {
  let q = db.selectFrom('events').selectAll().where('session_id', '=', sessionId);
  if (types) q = q.where('type', 'in', types);
  const rows = await q.orderBy('seq').execute();
  return rows.map(toLobbyEvent);
}

const maxSeq = prepared((db: Db) => db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')));

export async function lastSeq(db: Db): Promise<number> {
  const row = await maxSeq.first(db);
  return Number(row?.seq ?? 0);
}
