/**
 * Rep ids, least busy first (E3 (2)–(4)), through the `presence_free` and `presence_by_load`
 * indexes: the first step of a rep read in src/engine/routing-snapshot.ts, which then reads
 * the few rows a snapshot needs. Ids sort by code unit (compareIds), which PostgreSQL does
 * under the "C" collation.
 */
import { sql } from 'kysely';
import type { Db } from '../store.js';
import { PreparedQuery } from './prepared.js';
import { rowLimit } from './row-limit.js';
import { idOrder } from './id-order.js';

/** Where a rep id read looks: every rep, a team's members one by one, or a large team along the load index. */
export type RepIdShape = 'all' | 'members' | 'largeTeam';

/** The rep id reads, prepared once per predicate, shape and whether they are limited. */
const repIdQueries = new Map<string, PreparedQuery<unknown[], { id: string }>>();

export function repIdQuery(predicate: string, shape: RepIdShape, limited: boolean): PreparedQuery<unknown[], { id: string }> {
  const key = `${shape}|${limited}|${predicate}`;
  let q = repIdQueries.get(key);
  if (q === undefined) {
    const arity = (shape === 'all' ? 0 : 1) + (limited ? 1 : 0);
    q = new PreparedQuery((db: Db, ...args: unknown[]) => {
      const teamId = shape === 'all' ? '' : (args[0] as string);
      const query = repIds(db, predicate, shape, teamId);
      return limited ? query.limit(rowLimit(args[arity - 1] as number)) : query;
    }, arity);
    repIdQueries.set(key, q);
  }
  return q;
}

function repIds(db: Db, predicate: string, shape: RepIdShape, teamId: string) {
  const from =
    shape === 'all'
      ? db.selectFrom('presence')
      : shape === 'members'
        ? // SQLite keeps the FROM order of a CROSS JOIN: the team's members, then their presence.
          db.selectFrom('team_members').crossJoin('presence').where('team_members.team_id', '=', teamId).whereRef('presence.user_id', '=', 'team_members.user_id')
        : // Along the load index, members only.
          db
            .selectFrom('presence')
            .where((eb) =>
              eb.exists(
                eb.selectFrom('team_members').select('team_members.user_id').where('team_members.team_id', '=', teamId).whereRef('team_members.user_id', '=', 'presence.user_id'),
              ),
            );
  return from
    .select('presence.user_id as id')
    .where(sql.raw<boolean>(predicate))
    .orderBy(sql`presence.active_sessions`)
    .orderBy('presence.load_since')
    .orderBy(idOrder(db, 'presence.user_id'));
}
