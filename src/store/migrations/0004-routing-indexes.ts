import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../store.js';

/**
 * Indexes that keep one Equilibrium decision flat in the number of logged-in reps and
 * waiting sessions (docs/performance.md, docs/adr/0001-routing-indexes.md).
 *
 * A decision needs two small sets out of two large ones: the reps who could take an offer
 * now, and the first sessions of each of their queues that hold no offer. Neither can be
 * found by an index over the base tables alone: "holds no pending offer" and "below the
 * session limit" are facts about other tables (offers, participants, policies). So this
 * migration keeps those facts as plain columns beside the rows they describe, and the
 * database keeps them right with triggers, in the same transaction as every write,
 * whichever command or node made it:
 *
 * - `presence.pending_offers`: pending offers the rep holds (0 or 1 by X5);
 * - `presence.active_sessions`: active sessions the rep is in (owned plus joined, E3 (2));
 * - `presence.session_limit`, `presence.lock_blocks`: the rep's policy's `maxSessions`
 *   and `unavailableWhenLocked` (A2, A4), copied from the policy;
 * - `sessions.pending_offers`: pending offers of the session (0 or 1 by X5).
 *
 * They hold no routing rule: which rep is eligible and who ranks first is still decided
 * by src/core from full snapshots; these columns only say which rows to load.
 */

/**
 * A rep who could take an offer now (E2, the clauses that depend on the rep alone). The
 * same text is the partial index's predicate and the query's filter: SQLite uses a partial
 * index only when the query repeats its terms.
 */
export const FREE_REP_PREDICATE =
  'connections > 0 and logged_in = 1 and idle = 0 and opted_out = 0 and pending_offers = 0 ' +
  'and (locked = 0 or lock_blocks = 0) and (session_limit = 0 or active_sessions < session_limit)';

/** A rep whose console is connected (the members an offer explanation compares, E11). */
export const CONNECTED_REP_PREDICATE = 'connections > 0 and logged_in = 1';

/** A queue Equilibrium routes (E1): not a personal queue, algorithm not `none`. */
export const AUTOMATIC_QUEUE_PREDICATE = "kind <> 'personal' and algorithm <> 'none'";

/** A session Equilibrium may offer: waiting, with no pending offer. */
export const OFFERABLE_SESSION_PREDICATE = "state = 'waiting' and pending_offers = 0";

export function routingIndexesSchema(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const column of ['pending_offers', 'active_sessions', 'session_limit']) {
        await db.schema.alterTable('presence').addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable('presence').addColumn('lock_blocks', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('sessions').addColumn('pending_offers', 'integer', (c) => c.notNull().defaultTo(0)).execute();

      if (kind === 'postgres') await postgresTriggers(db);
      else await sqliteTriggers(db);

      // Fill the columns for what is already stored.
      const limit = kind === 'postgres' ? PG_LIMIT : SQLITE_LIMIT;
      const blocks = kind === 'postgres' ? PG_LOCK_BLOCKS : SQLITE_LOCK_BLOCKS;
      await sql
        .raw(
          `update presence set
             pending_offers = (select count(*) from offers o where o.rep_id = presence.user_id and o.state = 'pending'),
             active_sessions = (select count(*) from participants p join sessions s on s.id = p.session_id
                                where p.user_id = presence.user_id and s.state = 'active'),
             session_limit = coalesce((select ${limit} from users u join policies pol on pol.id = u.policy_id where u.id = presence.user_id), 0),
             lock_blocks = coalesce((select ${blocks} from users u join policies pol on pol.id = u.policy_id where u.id = presence.user_id), 1)`,
        )
        .execute(db);
      await sql
        .raw(
          `update sessions set pending_offers = (select count(*) from offers o where o.session_id = sessions.id and o.state = 'pending')
           where exists (select 1 from offers o where o.session_id = sessions.id and o.state = 'pending')`,
        )
        .execute(db);

      // Both rep indexes are in E3 order after skill fit (sessions, loadSince, id), so that
      // the least busy reps come first. Ids sort by code unit (compareIds), which
      // PostgreSQL does under the "C" collation.
      const userId = kind === 'postgres' ? 'user_id collate "C"' : 'user_id';
      // The reps who could take an offer now: usually few, however many are logged in. It
      // leads with a column the query pins (pending_offers = 0), so that SQLite's planner,
      // which has no statistics, prefers it to presence_by_load below, whose predicate the
      // same query also satisfies.
      await sql
        .raw(`create index presence_free on presence (pending_offers, active_sessions, load_since, ${userId}) where ${FREE_REP_PREDICATE}`)
        .execute(db);
      // Connected reps: the members an offer's explanation compares the chosen rep with.
      await sql
        .raw(`create index presence_by_load on presence (active_sessions, load_since, ${userId}) where ${CONNECTED_REP_PREDICATE}`)
        .execute(db);
      // The queues Equilibrium routes: one per team, where the queues table also holds one
      // personal queue per rep.
      await sql.raw(`create index queues_automatic on queues (id) where ${AUTOMATIC_QUEUE_PREDICATE}`).execute(db);
      // Timers are cancelled by what they refer to (an offer's expiry when it is answered, a
      // session's waiting rule when it leaves its queue): without this, every cancel reads
      // every timer, one per pending offer and per waiting session with a rule.
      await sql.raw('create index timers_ref on timers (ref, kind)').execute(db);
      // The head of each queue in Q4 order, sessions that hold an offer left out.
      const id = kind === 'postgres' ? 'id collate "C"' : 'id';
      await sql
        .raw(
          `create index sessions_offerable on sessions (queue_id, priority desc, waiting_since, ${id}) where ${OFFERABLE_SESSION_PREDICATE}`,
        )
        .execute(db);
    },
  };
}

// A policy's settings are JSON text; a key left out takes DEFAULT_POLICY's value.
const SQLITE_LIMIT = "coalesce(json_extract(pol.settings, '$.maxSessions'), 0)";
const SQLITE_LOCK_BLOCKS = "coalesce(json_extract(pol.settings, '$.unavailableWhenLocked'), 1)";
const PG_LIMIT = "coalesce((pol.settings::jsonb ->> 'maxSessions')::numeric::int, 0)";
const PG_LOCK_BLOCKS = "case when coalesce((pol.settings::jsonb ->> 'unavailableWhenLocked')::boolean, true) then 1 else 0 end";

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // Offers: a pending offer counts for its rep and its session.
    `create trigger offers_pending_insert after insert on offers when new.state = 'pending' begin
       update presence set pending_offers = pending_offers + 1 where user_id = new.rep_id;
       update sessions set pending_offers = pending_offers + 1 where id = new.session_id;
     end`,
    `create trigger offers_pending_update after update of state, rep_id, session_id on offers
     when old.state = 'pending' or new.state = 'pending' begin
       update presence set pending_offers = pending_offers - 1 where old.state = 'pending' and user_id = old.rep_id;
       update sessions set pending_offers = pending_offers - 1 where old.state = 'pending' and id = old.session_id;
       update presence set pending_offers = pending_offers + 1 where new.state = 'pending' and user_id = new.rep_id;
       update sessions set pending_offers = pending_offers + 1 where new.state = 'pending' and id = new.session_id;
     end`,
    `create trigger offers_pending_delete after delete on offers when old.state = 'pending' begin
       update presence set pending_offers = pending_offers - 1 where user_id = old.rep_id;
       update sessions set pending_offers = pending_offers - 1 where id = old.session_id;
     end`,
    // Participants of active sessions count toward the rep's load.
    `create trigger participants_load_insert after insert on participants begin
       update presence set active_sessions = active_sessions + 1
       where user_id = new.user_id and exists (select 1 from sessions where id = new.session_id and state = 'active');
     end`,
    `create trigger participants_load_delete after delete on participants begin
       update presence set active_sessions = active_sessions - 1
       where user_id = old.user_id and exists (select 1 from sessions where id = old.session_id and state = 'active');
     end`,
    `create trigger participants_load_update after update of session_id, user_id on participants begin
       update presence set active_sessions = active_sessions - 1
       where user_id = old.user_id and exists (select 1 from sessions where id = old.session_id and state = 'active');
       update presence set active_sessions = active_sessions + 1
       where user_id = new.user_id and exists (select 1 from sessions where id = new.session_id and state = 'active');
     end`,
    `create trigger sessions_load_update after update of state on sessions
     when (old.state = 'active') <> (new.state = 'active') begin
       update presence set active_sessions = active_sessions + (case when new.state = 'active' then 1 else -1 end)
       where user_id in (select user_id from participants where session_id = new.id);
     end`,
    `create trigger sessions_load_delete after delete on sessions when old.state = 'active' begin
       update presence set active_sessions = active_sessions - 1
       where user_id in (select user_id from participants where session_id = old.id);
     end`,
    // A new presence row starts from what is stored about the rep.
    `create trigger presence_init after insert on presence begin
       update presence set
         pending_offers = (select count(*) from offers where rep_id = new.user_id and state = 'pending'),
         active_sessions = (select count(*) from participants p join sessions s on s.id = p.session_id
                            where p.user_id = new.user_id and s.state = 'active'),
         session_limit = coalesce((select ${SQLITE_LIMIT} from users u join policies pol on pol.id = u.policy_id where u.id = new.user_id), 0),
         lock_blocks = coalesce((select ${SQLITE_LOCK_BLOCKS} from users u join policies pol on pol.id = u.policy_id where u.id = new.user_id), 1)
       where user_id = new.user_id;
     end`,
    // Policy settings copied to the reps who have the policy.
    `create trigger users_policy_update after update of policy_id on users begin
       update presence set
         session_limit = coalesce((select ${SQLITE_LIMIT} from policies pol where pol.id = new.policy_id), 0),
         lock_blocks = coalesce((select ${SQLITE_LOCK_BLOCKS} from policies pol where pol.id = new.policy_id), 1)
       where user_id = new.id;
     end`,
    `create trigger policies_settings_update after update of settings on policies begin
       update presence set
         session_limit = (select ${SQLITE_LIMIT} from policies pol where pol.id = new.id),
         lock_blocks = (select ${SQLITE_LOCK_BLOCKS} from policies pol where pol.id = new.id)
       where user_id in (select id from users where policy_id = new.id);
     end`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create function lobby_offers_index() returns trigger language plpgsql as $$
     begin
       if tg_op = 'UPDATE' and old.state = new.state and old.rep_id = new.rep_id and old.session_id = new.session_id then
         return null;
       end if;
       if tg_op in ('UPDATE', 'DELETE') and old.state = 'pending' then
         update presence set pending_offers = pending_offers - 1 where user_id = old.rep_id;
         update sessions set pending_offers = pending_offers - 1 where id = old.session_id;
       end if;
       if tg_op in ('INSERT', 'UPDATE') and new.state = 'pending' then
         update presence set pending_offers = pending_offers + 1 where user_id = new.rep_id;
         update sessions set pending_offers = pending_offers + 1 where id = new.session_id;
       end if;
       return null;
     end $$`,
    `create trigger offers_index after insert or update or delete on offers for each row execute function lobby_offers_index()`,
    `create function lobby_participants_load() returns trigger language plpgsql as $$
     begin
       if tg_op = 'UPDATE' and old.session_id = new.session_id and old.user_id = new.user_id then
         return null;
       end if;
       if tg_op in ('UPDATE', 'DELETE') then
         update presence set active_sessions = active_sessions - 1
         where user_id = old.user_id and exists (select 1 from sessions where id = old.session_id and state = 'active');
       end if;
       if tg_op in ('INSERT', 'UPDATE') then
         update presence set active_sessions = active_sessions + 1
         where user_id = new.user_id and exists (select 1 from sessions where id = new.session_id and state = 'active');
       end if;
       return null;
     end $$`,
    `create trigger participants_load after insert or update or delete on participants for each row execute function lobby_participants_load()`,
    `create function lobby_sessions_load() returns trigger language plpgsql as $$
     begin
       if tg_op = 'DELETE' then
         if old.state = 'active' then
           update presence set active_sessions = active_sessions - 1
           where user_id in (select user_id from participants where session_id = old.id);
         end if;
         return null;
       end if;
       if (old.state = 'active') <> (new.state = 'active') then
         update presence set active_sessions = active_sessions + (case when new.state = 'active' then 1 else -1 end)
         where user_id in (select user_id from participants where session_id = new.id);
       end if;
       return null;
     end $$`,
    `create trigger sessions_load after update of state or delete on sessions for each row execute function lobby_sessions_load()`,
    `create function lobby_presence_init() returns trigger language plpgsql as $$
     declare
       lim integer;
       blocks integer;
     begin
       new.pending_offers := (select count(*) from offers where rep_id = new.user_id and state = 'pending');
       new.active_sessions := (select count(*) from participants p join sessions s on s.id = p.session_id
                               where p.user_id = new.user_id and s.state = 'active');
       select ${PG_LIMIT}, ${PG_LOCK_BLOCKS} into lim, blocks
       from users u join policies pol on pol.id = u.policy_id where u.id = new.user_id;
       new.session_limit := coalesce(lim, 0);
       new.lock_blocks := coalesce(blocks, 1);
       return new;
     end $$`,
    `create trigger presence_init before insert on presence for each row execute function lobby_presence_init()`,
    `create function lobby_users_policy() returns trigger language plpgsql as $$
     begin
       if old.policy_id is distinct from new.policy_id then
         update presence set
           session_limit = coalesce((select ${PG_LIMIT} from policies pol where pol.id = new.policy_id), 0),
           lock_blocks = coalesce((select ${PG_LOCK_BLOCKS} from policies pol where pol.id = new.policy_id), 1)
         where user_id = new.id;
       end if;
       return null;
     end $$`,
    `create trigger users_policy after update of policy_id on users for each row execute function lobby_users_policy()`,
    `create function lobby_policies_settings() returns trigger language plpgsql as $$
     begin
       if old.settings is distinct from new.settings then
         update presence set
           session_limit = (select ${PG_LIMIT} from policies pol where pol.id = new.id),
           lock_blocks = (select ${PG_LOCK_BLOCKS} from policies pol where pol.id = new.id)
         where user_id in (select id from users where policy_id = new.id);
       end if;
       return null;
     end $$`,
    `create trigger policies_settings after update of settings on policies for each row execute function lobby_policies_settings()`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}
