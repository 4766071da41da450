/**
 * Row types of every table, as Kysely sees them. Times are integers: milliseconds since
 * the epoch, passed in by the engine from the injected clock (SQL never calls now()).
 * JSON columns are stored as text on both stores so that one query code serves both.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface PolicyTable {
  id: string;
  name: string;
  /** JSON of PolicySettings (src/core/policy.ts). */
  settings: string;
}

export interface UserTable {
  id: string;
  login: string;
  display_name: string;
  display_number: number;
  policy_id: string;
  password_hash: string;
  is_admin: number;
  show_on_rep_list: number;
  disabled: number;
  created_at: number;
}

export interface TeamTable {
  id: string;
  name: string;
  /** 'team' | 'embassy' */
  kind: string;
}

export interface TeamMemberTable {
  team_id: string;
  user_id: string;
  /** 'member' | 'lead' | 'manager' */
  role: string;
}

/**
 * Every place a session can wait. Ids are derived so that they read well in events and
 * logs: `general`, `team:<teamId>`, `rep:<userId>`. Routing and waiting settings live on
 * the queue, not the team, because the general queue has them too.
 */
export interface QueueTable {
  id: string;
  /** 'personal' | 'team' | 'embassy' | 'general' */
  kind: string;
  team_id: string | null;
  user_id: string | null;
  persistent: number;
  algorithm: string;
  offer_timeout_seconds: number;
  waiting_action: string;
  waiting_after_seconds: number;
  overflow_queue_id: string | null;
}

export interface SkillTable {
  id: string;
  name: string;
  parent_id: string | null;
  /** Rank among root skills: 1 is the highest. Null below the root. */
  root_rank: number | null;
}

export interface RepSkillTable {
  user_id: string;
  skill_id: string;
  /** 'preferred' | 'ignored' */
  level: string;
}

export interface IssueTable {
  id: string;
  code: string;
  title: string;
  description: string;
  queue_id: string;
  /** JSON array of skill ids, in order of importance. */
  skills: string;
  priority: number;
  shown_on_portal: number;
}

export interface SiteSettingTable {
  key: string;
  /** JSON value. */
  value: string;
}

export interface SessionTable {
  id: string;
  /** 'waiting' | 'active' | 'ended' */
  state: string;
  /** 'session_key' | 'rep_list' | 'issue' | 'button' | 'chat' | 'api' */
  origin: string;
  client_type: string;
  customer_name: string;
  customer_company: string;
  customer_details: string;
  issue_id: string | null;
  priority: number;
  required_skills: string;
  attributes: string;
  first_queue_id: string;
  queue_id: string | null;
  /** The last queue it waited in: F2's target once it is active. */
  last_queue_id: string;
  queued_at: number | null;
  waiting_since: number;
  owner_id: string | null;
  overdue: number;
  overflow_moves: number;
  customer_token_hash: string;
  created_at: number;
  accepted_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
}

export interface ParticipantTable {
  session_id: string;
  user_id: string;
  /** 'owner' | 'participant' */
  role: string;
  joined_at: number;
}

export interface SessionKeyTable {
  key: string;
  rep_id: string;
  queue_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  session_id: string | null;
}

export interface OfferTable {
  id: string;
  session_id: string;
  rep_id: string;
  /** 'pending' | 'accepted' | 'rejected' | 'expired' | 'rescinded' */
  state: string;
  made_at: number;
  expires_at: number;
  ended_at: number | null;
  explanation: string;
  /** S1 (migration 0007): the invitation offered; null for an offer of a waiting session. */
  invitation_id: string | null;
}

export interface ExclusionTable {
  session_id: string;
  rep_id: string;
}

export interface EventTable {
  seq: Generated<number>;
  at: number;
  type: string;
  session_id: string | null;
  queue_id: string | null;
  rep_id: string | null;
  /** JSON payload. */
  data: string;
}

/** Durable timers (DESIGN: timers are rows). */
export interface TimerTable {
  id: string;
  kind: string;
  ref: string;
  due_at: number;
}

export interface PresenceTable {
  user_id: string;
  connections: number;
  logged_in: number;
  locked: number;
  idle: number;
  opted_out: number;
  last_activity_at: number;
  load_since: number;
  missed_offers: number;
  /** Derived, kept by the triggers of migration 0004 (ADR 0001). */
  active_sessions: Generated<number>;
  pending_offers: Generated<number>;
}

export interface LoginTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

/** S1–S4 */
export interface InvitationTable {
  id: string;
  session_id: string;
  inviter_id: string;
  queue_id: string;
  /** 'open' | 'accepted' | 'withdrawn' | 'ended' */
  state: string;
  created_at: number;
  ended_at: number | null;
  accepted_by: string | null;
  /** The session's priority, copied when invited (migration 0007): Q4 order among a queue's invitations. */
  priority: number;
}

export interface Database {
  policies: PolicyTable;
  users: UserTable;
  teams: TeamTable;
  team_members: TeamMemberTable;
  queues: QueueTable;
  skills: SkillTable;
  rep_skills: RepSkillTable;
  issues: IssueTable;
  site_settings: SiteSettingTable;
  sessions: SessionTable;
  participants: ParticipantTable;
  session_keys: SessionKeyTable;
  offers: OfferTable;
  exclusions: ExclusionTable;
  events: EventTable;
  timers: TimerTable;
  presence: PresenceTable;
  logins: LoginTable;
  invitations: InvitationTable;
  entry_links: EntryLinkTable;
  customer_connections: CustomerConnectionTable;
}

export type SessionRow = Selectable<SessionTable>;
export type NewSession = Insertable<SessionTable>;
export type EventRow = Selectable<EventTable>;
export type UserRow = Selectable<UserTable>;
export type QueueRow = Selectable<QueueTable>;

/** The admin audit log (migration 0003): one row per changed configuration entity. */
export interface AuditLogTable {
  seq: Generated<number>;
  /** Rows written by one admin command share it. */
  change_id: string;
  at: number;
  actor_id: string;
  /** The actor's login when they made the change (logins never change, but users may be disabled). */
  actor_login: string;
  /** What the admin did: `team.update`, `user.create`, `config.import`, … */
  action: string;
  /** `site`, `queue`, `policy`, `user`, `team`, `skill`, `issue` */
  entity: string;
  entity_id: string;
  /** JSON of the entity before the change; null when it was created. */
  before: string | null;
  /** JSON of the entity after the change; null when it was removed. */
  after: string | null;
}

// Declaration merging adds the admin tables without editing the interface above.
export interface Database {
  audit_log: AuditLogTable;
}

export type AuditLogRow = Selectable<AuditLogTable>;

/** C4 support buttons and C5 click-to-chat links: an opaque token URL that starts a session. */
export interface EntryLinkTable {
  id: string;
  /** 'button' | 'chat' */
  kind: string;
  token: string;
  name: string;
  /** 'rep' | 'team' | 'issue' | 'general' */
  target_kind: string;
  /** The user id, team id or issue id; null for the general queue. */
  target_id: string | null;
  /** Optional issue whose skills and priority the session takes (the queue stays the target's). */
  issue_id: string | null;
  created_by: string;
  created_at: number;
  /** Null: never expires (click-to-chat links only). */
  expires_at: number | null;
  revoked_at: number | null;
}

/** L3: live customer connections per session, for the disconnect grace period. */
export interface CustomerConnectionTable {
  session_id: string;
  connections: number;
  disconnected_at: number | null;
}

export type EntryLinkRow = Selectable<EntryLinkTable>;

/** Browser sharing (migration 0006): stored frames of a shared page, where the site keeps them. */
export interface CobrowseFrameTable {
  seq: Generated<number>;
  session_id: string;
  at: number;
  batch: number;
  part: number;
  parts: number;
  /** 1 when the batch starts a full snapshot of the page. */
  checkout: number;
  data: string;
}

export interface Database {
  cobrowse_frames: CobrowseFrameTable;
}

export type CobrowseFrameRow = Selectable<CobrowseFrameTable>;

/** Nodes on one database and the connections each holds (migration 0008). */
export interface NodeTable {
  id: string;
  started_at: number;
  /** On the liveness clock (wall time), not the routing clock. */
  heartbeat_at: number;
}

export interface NodeConnectionTable {
  node_id: string;
  kind: 'rep' | 'customer';
  subject_id: string;
  connections: number;
}

export interface Database {
  nodes: NodeTable;
  node_connections: NodeConnectionTable;
}
