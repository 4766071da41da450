/** C4 support buttons and C5 click-to-chat links. */
import type { Db } from '../store.js';
import { rowLimit } from './row-limit.js';
import type { EntryLinkRow } from '../schema.js';

export async function insertEntryLink(tx: Db, row: EntryLinkRow): Promise<void> {
  await tx.insertInto('entry_links').values(row).execute();
}

export function findEntryLinkByToken(db: Db, kind: string, token: string): Promise<EntryLinkRow | undefined> {
  return db.selectFrom('entry_links').selectAll().where('token', '=', token).where('kind', '=', kind).executeTakeFirst();
}

export function findEntryLink(db: Db, kind: string, id: string): Promise<EntryLinkRow | undefined> {
  return db.selectFrom('entry_links').selectAll().where('id', '=', id).where('kind', '=', kind).executeTakeFirst();
}

/** Newest first. `repId`: only links that rep made or that lead to their personal queue. */
export function listEntryLinks(db: Db, kind: string, repId: string | null, limit = 500): Promise<EntryLinkRow[]> {
  let q = db.selectFrom('entry_links').selectAll().where('kind', '=', kind);
  if (repId !== null) {
    q = q.where((eb) => eb.or([eb('created_by', '=', repId), eb.and([eb('target_kind', '=', 'rep'), eb('target_id', '=', repId)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id').limit(rowLimit(limit)).execute();
}
