import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreKind } from '../store.js';

/**
 * S1: Equilibrium offers open invitations as it offers waiting sessions.
 *
 * - `offers.invitation_id`: set when the offer is of an invitation; `session_id` is then the
 *   session the invitation is to join, so that everything "about the session" (its end, a
 *   transfer) finds the invitation's offers too.
 * - `invitations.priority`: the session's priority, copied when the invitation is made (a
 *   session's priority never changes), so that an index can give a queue's invitations in
 *   Q4 order as `sessions_offerable` gives its sessions.
 * - `invitations.pending_offers`: pending offers of the invitation (0 or 1), kept by the
 *   offers trigger, as migration 0004 keeps `sessions.pending_offers`. That column now counts
 *   only offers of the session itself: an active session's invitation offers are not its own.
 *   `presence.pending_offers` counts both kinds: a rep holds one pending offer of any kind (X5).
 *
 * As in 0004 the columns hold counts and copies, no routing rule (docs/adr/0001-routing-indexes.md).
 */

/** An invitation Equilibrium may offer: open, with no pending offer (the partial index's predicate, repeated by the query). */
export const OFFERABLE_INVITATION_PREDICATE = "state = 'open' and pending_offers = 0";

export function invitationOffersSchema(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('offers').addColumn('invitation_id', 'text').execute();
      await db.schema.alterTable('invitations').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('invitations').addColumn('pending_offers', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await sql
        .raw('update invitations set priority = coalesce((select s.priority from sessions s where s.id = invitations.session_id), 0)')
        .execute(db);
      // No offer has an invitation yet: the session counts of 0004 stay right, and every
      // invitation starts with none.

      if (kind === 'postgres') await postgresTrigger(db);
      else await sqliteTriggers(db);

      // Rescinding an invitation's offer (withdrawn, accepted by hand) and the reps who
      // missed it (E6 for invitations) are found by the invitation.
      await sql.raw('create index offers_invitation on offers (invitation_id, state) where invitation_id is not null').execute(db);
      // The head of each queue's invitations in Q4 order, those that hold an offer left out.
      const id = kind === 'postgres' ? 'id collate "C"' : 'id';
      await sql
        .raw(`create index invitations_offerable on invitations (queue_id, priority desc, created_at, ${id}) where ${OFFERABLE_INVITATION_PREDICATE}`)
        .execute(db);
    },
  };
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const statements = [
    'drop trigger offers_pending_insert',
    'drop trigger offers_pending_update',
    'drop trigger offers_pending_delete',
    // A pending offer counts for its rep, and for its session or its invitation.
    `create trigger offers_pending_insert after insert on offers when new.state = 'pending' begin
       update presence set pending_offers = pending_offers + 1 where user_id = new.rep_id;
       update sessions set pending_offers = pending_offers + 1 where new.invitation_id is null and id = new.session_id;
       update invitations set pending_offers = pending_offers + 1 where id = new.invitation_id;
     end`,
    `create trigger offers_pending_update after update of state, rep_id, session_id, invitation_id on offers
     when old.state = 'pending' or new.state = 'pending' begin
       update presence set pending_offers = pending_offers - 1 where old.state = 'pending' and user_id = old.rep_id;
       update sessions set pending_offers = pending_offers - 1 where old.state = 'pending' and old.invitation_id is null and id = old.session_id;
       update invitations set pending_offers = pending_offers - 1 where old.state = 'pending' and id = old.invitation_id;
       update presence set pending_offers = pending_offers + 1 where new.state = 'pending' and user_id = new.rep_id;
       update sessions set pending_offers = pending_offers + 1 where new.state = 'pending' and new.invitation_id is null and id = new.session_id;
       update invitations set pending_offers = pending_offers + 1 where new.state = 'pending' and id = new.invitation_id;
     end`,
    `create trigger offers_pending_delete after delete on offers when old.state = 'pending' begin
       update presence set pending_offers = pending_offers - 1 where user_id = old.rep_id;
       update sessions set pending_offers = pending_offers - 1 where old.invitation_id is null and id = old.session_id;
       update invitations set pending_offers = pending_offers - 1 where id = old.invitation_id;
     end`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
}

/** The trigger `offers_index` of 0004 stays; its function now tells the two kinds of offer apart. */
async function postgresTrigger(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `create or replace function lobby_offers_index() returns trigger language plpgsql as $$
       begin
         if tg_op = 'UPDATE' and old.state = new.state and old.rep_id = new.rep_id and old.session_id = new.session_id
            and old.invitation_id is not distinct from new.invitation_id then
           return null;
         end if;
         if tg_op in ('UPDATE', 'DELETE') and old.state = 'pending' then
           update presence set pending_offers = pending_offers - 1 where user_id = old.rep_id;
           if old.invitation_id is null then
             update sessions set pending_offers = pending_offers - 1 where id = old.session_id;
           else
             update invitations set pending_offers = pending_offers - 1 where id = old.invitation_id;
           end if;
         end if;
         if tg_op in ('INSERT', 'UPDATE') and new.state = 'pending' then
           update presence set pending_offers = pending_offers + 1 where user_id = new.rep_id;
           if new.invitation_id is null then
             update sessions set pending_offers = pending_offers + 1 where id = new.session_id;
           else
             update invitations set pending_offers = pending_offers + 1 where id = new.invitation_id;
           end if;
         end if;
         return null;
       end $$`,
    )
    .execute(db);
}
