/** Reads of the site's configuration: users, teams, queues, issues, policies, settings. */
import type { Db } from '../store.js';
import type { QueueRow, UserRow } from '../schema.js';
import { DEFAULT_POLICY, type PolicySettings } from '../../core/policy.js';
import { DEFAULT_SITE_SETTINGS, type SiteSettings } from '../../core/site-settings.js';
import type { Membership } from '../../core/queue-visibility.js';
import { prepared, PreparedList } from './prepared.js';

const userByLogin = prepared((db: Db, login: string) => db.selectFrom('users').selectAll().where('login', '=', login));

export function findUserByLogin(db: Db, login: string): Promise<UserRow | undefined> {
  return userByLogin.first(db, login);
}

const userById = prepared((db: Db, id: string) => db.selectFrom('users').selectAll().where('id', '=', id));

export function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  return userById.first(db, id);
}

const membershipsOf = prepared((db: Db, userId: string) =>
  db
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.id', 'team_members.team_id')
    .select(['teams.id as teamId', 'teams.kind as teamKind', 'team_members.role as role'])
    .where('team_members.user_id', '=', userId),
);

export async function memberships(db: Db, userId: string): Promise<(Membership & { role: string })[]> {
  const rows = await membershipsOf.all(db, userId);
  return rows.map((r) => ({ teamId: r.teamId, teamKind: r.teamKind === 'embassy' ? 'embassy' : 'team', role: r.role }));
}

const policySettingsOf = prepared((db: Db, userId: string) =>
  db.selectFrom('users').innerJoin('policies', 'policies.id', 'users.policy_id').select('policies.settings').where('users.id', '=', userId),
);

export async function policyOf(db: Db, userId: string): Promise<PolicySettings> {
  const row = await policySettingsOf.first(db, userId);
  return { ...DEFAULT_POLICY, ...(row ? (JSON.parse(row.settings) as Partial<PolicySettings>) : {}) };
}

const siteSettingsRow = prepared((db: Db) => db.selectFrom('site_settings').select('value').where('key', '=', 'site'));

export async function siteSettings(db: Db): Promise<SiteSettings> {
  const row = await siteSettingsRow.first(db);
  return { ...DEFAULT_SITE_SETTINGS, ...(row ? (JSON.parse(row.value) as Partial<SiteSettings>) : {}) };
}

const queueById = prepared((db: Db, id: string) => db.selectFrom('queues').selectAll().where('id', '=', id));

export function findQueue(db: Db, id: string): Promise<QueueRow | undefined> {
  return queueById.first(db, id);
}

export interface QueueInfo {
  id: string;
  kind: string;
  name: string;
}

const queueNames = new PreparedList((db: Db, ids: readonly string[]) =>
  db
    .selectFrom('queues')
    .leftJoin('teams', 'teams.id', 'queues.team_id')
    .leftJoin('users', 'users.id', 'queues.user_id')
    .select(['queues.id', 'queues.kind', 'teams.name as teamName', 'users.display_name as repName'])
    .where('queues.id', 'in', ids),
);

/** Display names of queues: the team's name, the rep's name, or "General queue". */
export async function queueInfos(db: Db, ids: string[]): Promise<Map<string, QueueInfo>> {
  const out = new Map<string, QueueInfo>();
  if (ids.length === 0) return out;
  const rows = await queueNames.all(db, ids);
  for (const r of rows) {
    const name = r.kind === 'general' ? 'General queue' : r.kind === 'personal' ? `${r.repName ?? '?'} (personal)` : (r.teamName ?? r.id);
    out.set(r.id, { id: r.id, kind: r.kind, name });
  }
  return out;
}

const issueByCode = prepared((db: Db, code: string) => db.selectFrom('issues').selectAll().where('code', '=', code));

export function findIssueByCode(db: Db, code: string) {
  return issueByCode.first(db, code);
}

export function portalIssues(db: Db) {
  return db
    .selectFrom('issues')
    .select(['code', 'title', 'description'])
    .where('shown_on_portal', '=', 1)
    .orderBy('title')
    .execute();
}

const displayNames = new PreparedList((db: Db, ids: readonly string[]) => db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids));

export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const rows = await displayNames.all(db, ids);
  for (const r of rows) out.set(r.id, r.display_name);
  return out;
}
