/** Q9: recent times-to-accept in one queue, from the `session.accepted` events. */
import type { Db } from '../store.js';
import { rowLimit } from './row-limit.js';

export async function recentAcceptWaits(db: Db, queueId: string, since: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('events')
    .select('data')
    .where('queue_id', '=', queueId)
    .where('type', '=', 'session.accepted')
    .where('at', '>=', since)
    .orderBy('seq', 'desc')
    .limit(rowLimit(limit))
    .execute();
  return rows.map((r) => Number((JSON.parse(r.data) as { waitedMs?: unknown }).waitedMs)).filter((n) => Number.isFinite(n));
}
