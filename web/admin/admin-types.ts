/**
 * The shapes the admin pages read (GET /api/admin/config and friends); the server's
 * OpenAPI document is the reference, docs/configuration.md describes every field.
 */

export type Algorithm = 'none' | 'least_busy' | 'skills_least_busy';
export type WaitingAction = 'none' | 'mark' | 'transfer';
export type Role = 'member' | 'lead' | 'manager';

export interface QueueSettings {
  algorithm: Algorithm;
  offerTimeoutSeconds: number;
  persistent: boolean;
  waiting: { action: WaitingAction; afterSeconds: number; overflowQueue: string | null };
}

export interface SiteSettings {
  siteName: string;
  generalQueueEnabled: boolean;
  fallbackQueue: string | null;
  fallbackRulesEnabled: boolean;
  repGraceSeconds: number;
  customerGraceSeconds: number;
  maxOverflowMoves: number;
  maxWaitSeconds: number;
  allowedOrigins: string[];
  customerNotice: string;
  /** Browser sharing in click-to-chat sessions (docs/cobrowse.md). */
  cobrowseEnabled: boolean;
  cobrowseMaskSelector: string;
  cobrowseBudgetMegabytes: number;
  cobrowseStoreRecordings: boolean;
  cobrowseRetentionDays: number;
}

/** GET /api/admin/site: the settings, and how many sessions wait in the general queue now. */
export interface SiteReply {
  site: SiteSettings;
  generalQueueWaiting: number;
}

/** PATCH /api/admin/site: sessions moved out of the general queue it switched off (Q3, C7). */
export interface SiteChangeResult extends ChangeResult {
  site: SiteSettings;
  moved: { sessionIds: string[]; toQueue: string } | null;
}

export type EntryLinkKind = 'button' | 'chat';

/** A support button (C4) or click-to-chat link (C5), as /api/support-buttons and /api/chat-links answer. */
export interface EntryLink {
  id: string;
  kind: EntryLinkKind;
  name: string;
  status: 'active' | 'expired' | 'revoked';
  target: { kind: 'rep' | 'team' | 'issue' | 'general'; id: string | null; name: string | null };
  issue: { code: string; title: string } | null;
  url: string;
  /** Click-to-chat: the script tag a web site embeds. */
  snippet: string | null;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export type Policy = { id: string; name: string } & Record<string, number | boolean | string>;

export interface UserEntry {
  login: string;
  displayName: string;
  displayNumber: number;
  policy: string;
  admin: boolean;
  showOnRepList: boolean;
  disabled: boolean;
  skills: { preferred: string[]; ignored: string[] };
}

export interface AdminUser extends UserEntry {
  id: string;
  teams: { team: string; role: Role }[];
  /** A6 */
  state: string;
  sessionCount: number;
}

export interface Team extends QueueSettings {
  id: string;
  name: string;
  kind: 'team' | 'embassy';
  members: { user: string; role: Role }[];
}

export interface Skill {
  id: string;
  name: string;
  parent: string | null;
}

export interface Issue {
  code: string;
  title: string;
  description: string;
  team: string;
  skills: string[];
  priority: number;
  showOnPortal: boolean;
}

export interface SiteConfig {
  version: number;
  site: SiteSettings;
  generalQueue: QueueSettings;
  policies: Policy[];
  users: UserEntry[];
  teams: Team[];
  skills: Skill[];
  issues: Issue[];
}

export interface Warning {
  path: string;
  message: string;
}

/** What every change answers besides the entity. */
export interface ChangeResult {
  changeId: string | null;
  changes: { entity: string; id: string; before: unknown; after: unknown }[];
  warnings: Warning[];
}

export interface AuditEntry {
  seq: number;
  changeId: string;
  at: number;
  actor: { id: string; login: string };
  action: string;
  entity: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export const POLICY_NUMBERS: { key: string; label: string; hint: string; max: number }[] = [
  { key: 'maxSessions', label: 'Session limit', hint: 'Busy at this many sessions (A4); 0 = no limit', max: 100 },
  { key: 'idleMinutes', label: 'Idle after (minutes)', hint: 'Without activity (A3); 0 = never idle', max: 1440 },
  { key: 'missedOffersBeforeOptOut', label: 'Missed offers before opt-out', hint: 'In a row (E10); 0 = never', max: 100 },
];

export const POLICY_FLAGS: { key: string; label: string }[] = [
  { key: 'unavailableWhenLocked', label: 'Unavailable while the device is locked (A2)' },
  { key: 'canOptOut', label: 'May opt out of automatic assignment (A5)' },
  { key: 'autoAssignOnLogin', label: 'Opted in to automatic assignment at login' },
  { key: 'canSeeGeneralQueue', label: 'Sees the general queue (Q3)' },
  { key: 'canAcceptFromTeamQueues', label: 'May accept from team and general queues (Q7)' },
  { key: 'canGetNext', label: 'May use “get next” (Q8)' },
  { key: 'canBeListed', label: 'May appear on the representative list (C2)' },
  { key: 'canGenerateSessionKeys', label: 'May generate session keys (C1)' },
  { key: 'canTransferToTeams', label: 'May transfer to team queues (T3)' },
  { key: 'canTransferToEmbassies', label: 'May transfer to embassy queues (T3)' },
  { key: 'canTransferToGeneral', label: 'May transfer to the general queue (T3)' },
  { key: 'canTransferToReps', label: 'May transfer to reps (T3)' },
];

export const ALGORITHMS: { value: Algorithm; label: string }[] = [
  { value: 'skills_least_busy', label: 'Best skill fit, then least busy' },
  { value: 'least_busy', label: 'Least busy' },
  { value: 'none', label: 'None (reps take sessions by hand)' },
];
