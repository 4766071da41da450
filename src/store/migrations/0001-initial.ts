import type { Kysely, Migration } from 'kysely';
import type { StoreKind } from '../store.js';

/**
 * The first schema. Times are bigint milliseconds; JSON is text. The only column whose
 * type differs between the stores is the event sequence (autoincrement vs bigserial).
 */
export function initialSchema(kind: StoreKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('login', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('display_number', 'integer', (c) => c.notNull())
        .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('show_on_rep_list', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('team_members')
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
        .execute();
      await db.schema.createIndex('team_members_user').on('team_members').column('user_id').execute();
      await db.schema
        .createTable('queues')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('persistent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('offer_timeout_seconds', 'integer', (c) => c.notNull())
        .addColumn('waiting_action', 'text', (c) => c.notNull())
        .addColumn('waiting_after_seconds', 'integer', (c) => c.notNull())
        .addColumn('overflow_queue_id', 'text')
        .execute();
      await db.schema
        .createTable('skills')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'text')
        .addColumn('root_rank', 'integer')
        .execute();
      await db.schema
        .createTable('rep_skills')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('skill_id', 'text', (c) => c.notNull().references('skills.id').onDelete('cascade'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rep_skills_pk', ['user_id', 'skill_id'])
        .execute();
      await db.schema
        .createTable('issues')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id'))
        .addColumn('skills', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('shown_on_portal', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('site_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('client_type', 'text', (c) => c.notNull())
        .addColumn('customer_name', 'text', (c) => c.notNull())
        .addColumn('customer_company', 'text', (c) => c.notNull())
        .addColumn('customer_details', 'text', (c) => c.notNull())
        .addColumn('issue_id', 'text')
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('required_skills', 'text', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('first_queue_id', 'text', (c) => c.notNull())
        .addColumn('queue_id', 'text')
        .addColumn('last_queue_id', 'text', (c) => c.notNull())
        .addColumn('queued_at', 'bigint')
        .addColumn('waiting_since', 'bigint', (c) => c.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('overflow_moves', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('customer_token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('end_reason', 'text')
        .execute();
      // Q4 order inside a queue is served straight from this index.
      await db.schema
        .createIndex('sessions_queue_order')
        .on('sessions')
        .columns(['queue_id', 'priority', 'waiting_since'])
        .execute();
      await db.schema.createIndex('sessions_owner').on('sessions').column('owner_id').execute();
      await db.schema
        .createTable('participants')
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('participants_pk', ['session_id', 'user_id'])
        .execute();
      await db.schema.createIndex('participants_user').on('participants').column('user_id').execute();
      await db.schema
        .createTable('session_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('queue_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('session_id', 'text')
        .execute();
      await db.schema
        .createTable('offers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('made_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('explanation', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('offers_session').on('offers').columns(['session_id', 'state']).execute();
      await db.schema.createIndex('offers_rep').on('offers').columns(['rep_id', 'state']).execute();
      await db.schema
        .createTable('exclusions')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('exclusions_pk', ['session_id', 'rep_id'])
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) =>
          kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text')
        .addColumn('queue_id', 'text')
        .addColumn('rep_id', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_session').on('events').columns(['session_id', 'seq']).execute();
      await db.schema
        .createTable('timers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('timers_due').on('timers').column('due_at').execute();
      await db.schema
        .createTable('presence')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('connections', 'integer', (c) => c.notNull())
        .addColumn('logged_in', 'integer', (c) => c.notNull())
        .addColumn('locked', 'integer', (c) => c.notNull())
        .addColumn('idle', 'integer', (c) => c.notNull())
        .addColumn('opted_out', 'integer', (c) => c.notNull())
        .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
        .addColumn('load_since', 'bigint', (c) => c.notNull())
        .addColumn('missed_offers', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('logins')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
