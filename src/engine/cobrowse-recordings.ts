/**
 * Stored recordings of shared pages (site setting `cobrowseStoreRecordings`, off by default).
 * Frames are written as they are relayed, outside the routing lock: they decide nothing, and
 * a recording is a copy for the report, not the truth of any routing state.
 */
import type { Db } from '../store/store.js';
import type { CobrowseDataFrame } from '../core/cobrowse-protocol.js';

const DAY_MS = 86_400_000;

export interface StoredFrame {
  seq: number;
  at: number;
  batch: number;
  part: number;
  parts: number;
  checkout: boolean;
  data: string;
}

export async function storeCobrowseFrame(db: Db, sessionId: string, at: number, frame: CobrowseDataFrame): Promise<void> {
  await db
    .insertInto('cobrowse_frames')
    .values({ session_id: sessionId, at, batch: frame.seq, part: frame.part, parts: frame.parts, checkout: frame.checkout ? 1 : 0, data: frame.data })
    .execute();
}

/** A page of a session's stored frames, in the order they were received. */
export async function cobrowseFramesOf(db: Db, sessionId: string, afterSeq = 0, limit = 500): Promise<StoredFrame[]> {
  const rows = await db
    .selectFrom('cobrowse_frames')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: Number(r.at),
    batch: Number(r.batch),
    part: r.part,
    parts: r.parts,
    checkout: r.checkout === 1,
    data: r.data,
  }));
}

/** Deletes frames older than the retention period; returns how many went. */
export async function purgeCobrowseFrames(db: Db, now: number, retentionDays: number): Promise<number> {
  const result = await db.deleteFrom('cobrowse_frames').where('at', '<', now - retentionDays * DAY_MS).executeTakeFirst();
  return Number(result.numDeletedRows);
}
