/**
 * Imports a site configuration (SPEC I3). The file replaces the site's configuration;
 * docs/configuration.md ("Import semantics") says what happens to what the file omits.
 * Validation comes first and everything is written in one routing transaction, so an
 * import either applies whole or leaves the database untouched (X3).
 */
import { LineCounter, isNode, parseDocument } from 'yaml';
import { DEFAULT_POLICY, type PolicySettings } from '../core/policy.js';
import { GENERAL_QUEUE_ID, personalQueueId, teamQueueId, type SiteSettings } from '../core/site-settings.js';
import { hashPassword } from '../engine/passwords.js';
import type { Db, Store } from '../store/store.js';
import type { QueueTable } from '../store/schema.js';
import {
  SITE_SETTINGS_KEY,
  formatIssue,
  type ConfigIssue,
  type NormalizedSiteConfig,
  type QueueEntry,
} from './site-config.js';
import { validateSiteConfig } from './validate-config.js';

export class ConfigError extends Error {
  readonly errors: ConfigIssue[];

  constructor(errors: ConfigIssue[]) {
    super(`invalid site configuration:\n${errors.map((e) => `  ${formatIssue(e)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.errors = errors;
  }
}

export interface ImportSummary {
  policies: number;
  users: number;
  teams: number;
  skills: number;
  issues: number;
  /** Logins created by this import. */
  usersCreated: string[];
  /** Logins that were enabled before and are disabled now (left out of the file, or `disabled: true`). */
  usersDisabled: string[];
  /** Teams and embassies deleted because the file no longer lists them. */
  teamsRemoved: string[];
  /** Accepted but worth telling the admin (an overflow cycle, no admin left, …). */
  warnings: ConfigIssue[];
}

// ---- YAML text ----

interface ParsedYaml {
  value: unknown;
  /** Line of the node at `path` (or its nearest existing ancestor). */
  lineOf(path: string): number | undefined;
}

function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // uniqueKeys: a key written twice is almost always a mistake, and YAML would keep the last.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: '', message: e.message, line: pos.line, column: pos.col };
      }),
    );
  }
  // maxAliasCount guards against alias expansion ("billion laughs").
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return {
    value,
    lineOf(path) {
      const segments = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
      for (let n = path === '(root)' ? 0 : segments.length; n >= 0; n -= 1) {
        const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** Parses site configuration YAML text; a syntax error throws ConfigError naming its line. */
export function parseSiteConfigYaml(text: string): unknown {
  return parseYaml(text).value;
}

// ---- Import ----

/** A validated configuration, ready to be applied inside a routing transaction. */
export interface PreparedSiteConfig {
  config: NormalizedSiteConfig;
  warnings: ConfigIssue[];
  /** Hashes of the plain passwords of users that do not exist yet, made before any lock. */
  hashes: Map<string, string>;
}

/**
 * Validates `input` (the parsed document, or YAML text: then issues also carry line
 * numbers) and hashes new users' passwords. Throws ConfigError; writes nothing.
 */
export async function prepareSiteConfig(store: Store, input: unknown): Promise<PreparedSiteConfig> {
  const parsed = typeof input === 'string' ? parseYaml(input) : null;
  const withLine = (issue: ConfigIssue): ConfigIssue => {
    const line = parsed?.lineOf(issue.path);
    return line === undefined ? issue : { ...issue, line };
  };
  const result = validateSiteConfig(parsed ? parsed.value : input);
  if (!result.ok) throw new ConfigError(result.errors.map(withLine));
  const config = result.config;

  // scrypt costs ~50 ms a password: hash before taking the routing lock, for users that do
  // not exist yet (a plain password only sets a new user's initial password).
  const known = new Set((await store.db.selectFrom('users').select('login').execute()).map((r) => r.login));
  const hashes = new Map<string, string>();
  await Promise.all(
    config.users.map(async (u) => {
      if (u.password !== undefined && !known.has(u.login)) hashes.set(u.login, await hashPassword(u.password));
    }),
  );
  return { config, warnings: result.warnings.map(withLine), hashes };
}

/**
 * Writes a prepared configuration inside the caller's routing transaction `tx` (the admin
 * API runs it as one engine command). Throws ConfigError, before writing anything, when the
 * change would strand customers (see "Import semantics" in docs/configuration.md).
 */
export function applySiteConfig(
  tx: Db,
  prepared: Pick<PreparedSiteConfig, 'config' | 'hashes'>,
  now: number,
): Promise<Omit<ImportSummary, 'warnings'>> {
  return writeConfig(tx, prepared.config, prepared.hashes, now);
}

/**
 * `input` is the parsed document, or YAML text (then issues also carry line numbers).
 * `now` stamps users created by this import.
 */
export async function importSiteConfig(store: Store, input: unknown, now: number): Promise<ImportSummary> {
  const prepared = await prepareSiteConfig(store, input);
  const summary = await store.routingTransaction(async (tx) => {
    await refuseClosingBusyGeneralQueue(tx, prepared.config);
    return applySiteConfig(tx, prepared, now);
  });
  return { ...summary, warnings: prepared.warnings };
}

/**
 * Q3: the admin API moves the sessions waiting in a general queue it switches off to the
 * fallback queue (src/engine/admin-general-queue.ts, with events for the consoles). This
 * import runs outside the engine (the CLI), so it refuses instead of leaving them where
 * nobody sees them.
 */
async function refuseClosingBusyGeneralQueue(tx: Db, c: NormalizedSiteConfig): Promise<void> {
  if (c.site.generalQueueEnabled) return;
  const row = await tx.selectFrom('site_settings').select('value').where('key', '=', SITE_SETTINGS_KEY).executeTakeFirst();
  const wasEnabled = (row ? (JSON.parse(row.value) as Partial<SiteSettings>).generalQueueEnabled : undefined) ?? true;
  if (!wasEnabled) return;
  const waiting = await tx
    .selectFrom('sessions')
    .select('id')
    .where('state', '=', 'waiting')
    .where('queue_id', '=', GENERAL_QUEUE_ID)
    .execute();
  if (waiting.length === 0) return;
  throw new ConfigError([
    {
      path: 'site.generalQueueEnabled',
      message:
        `${waiting.length} session(s) are waiting in the general queue: switch it off in the admin pages or import through the admin API ` +
        '(which move them to the fallback queue), or handle them first',
    },
  ]);
}

function queueRow(id: string, kind: string, teamId: string | null, userId: string | null, q: QueueEntry, overflowId: string | null): QueueTable {
  return {
    id,
    kind,
    team_id: teamId,
    user_id: userId,
    persistent: q.persistent ? 1 : 0,
    algorithm: q.algorithm,
    offer_timeout_seconds: q.offerTimeoutSeconds,
    waiting_action: q.waiting.action,
    waiting_after_seconds: q.waiting.afterSeconds,
    overflow_queue_id: overflowId,
  };
}

async function upsertQueue(tx: Db, row: QueueTable): Promise<void> {
  const { id: _id, ...rest } = row;
  await tx.insertInto('queues').values(row).onConflict((oc) => oc.column('id').doUpdateSet(rest)).execute();
}

/** Personal queues hold sessions for one rep; they route by hand only (SPEC Q1, E1). */
const PERSONAL_QUEUE: QueueEntry = {
  algorithm: 'none',
  offerTimeoutSeconds: 30,
  persistent: false,
  waiting: { action: 'none', afterSeconds: 300, overflowQueue: null },
};

async function writeConfig(
  tx: Db,
  c: NormalizedSiteConfig,
  hashes: Map<string, string>,
  now: number,
): Promise<Omit<ImportSummary, 'warnings'>> {
  const existingUsers = await tx.selectFrom('users').select(['id', 'login', 'disabled']).execute();
  const byLogin = new Map(existingUsers.map((u) => [u.login, u]));
  // Users made elsewhere may have other ids; import-made users use the login as id.
  const idOf = (login: string): string => byLogin.get(login)?.id ?? login;
  const toQueueId = (ref: string): string =>
    ref === GENERAL_QUEUE_ID ? ref : ref.startsWith('rep:') ? personalQueueId(idOf(ref.slice(4))) : teamQueueId(ref);
  const overflowId = (q: QueueEntry): string | null => (q.waiting.overflowQueue === null ? null : toQueueId(q.waiting.overflowQueue));

  // ---- Refusals that depend on live data. Nothing is written before this point. ----
  const errors: ConfigIssue[] = [];
  const fileLogins = new Set(c.users.map((u) => u.login));
  c.users.forEach((u, i) => {
    if (!byLogin.has(u.login) && u.password === undefined && u.passwordHash === undefined) {
      errors.push({ path: `users[${i}]`, message: `new user "${u.login}" needs a password or passwordHash` });
    }
  });
  const toDisable = [
    ...existingUsers.filter((u) => u.disabled === 0 && !fileLogins.has(u.login)).map((u) => ({ ...u, path: 'users' })),
    ...c.users.flatMap((u, i) => {
      const row = byLogin.get(u.login);
      return u.disabled && row?.disabled === 0 ? [{ ...row, path: `users[${i}].disabled` }] : [];
    }),
  ];
  errors.push(...(await liveUserProblems(tx, toDisable)));
  const fileTeams = new Set(c.teams.map((t) => t.id));
  const removedTeams = (await tx.selectFrom('teams').select('id').execute()).map((t) => t.id).filter((id) => !fileTeams.has(id));
  errors.push(...(await waitingInRemovedTeams(tx, removedTeams)));
  if (errors.length > 0) throw new ConfigError(errors);

  // ---- Policies, then users (users.policy_id references policies). ----
  for (const p of c.policies) {
    const settings: Record<string, unknown> = {};
    for (const key of Object.keys(DEFAULT_POLICY) as (keyof PolicySettings)[]) settings[key] = p[key];
    const row = { id: p.id, name: p.name, settings: JSON.stringify(settings) };
    await tx.insertInto('policies').values(row).onConflict((oc) => oc.column('id').doUpdateSet({ name: row.name, settings: row.settings })).execute();
  }
  const usersCreated: string[] = [];
  for (const u of c.users) {
    const fields = {
      display_name: u.displayName,
      display_number: u.displayNumber,
      policy_id: u.policy,
      is_admin: u.admin ? 1 : 0,
      show_on_rep_list: u.showOnRepList ? 1 : 0,
      disabled: u.disabled ? 1 : 0,
    };
    const existing = byLogin.get(u.login);
    if (existing) {
      // A plain password is an initial password only: an existing user keeps theirs.
      const hash = u.passwordHash !== undefined ? { password_hash: u.passwordHash } : {};
      await tx.updateTable('users').set({ ...fields, ...hash }).where('id', '=', existing.id).execute();
    } else {
      const hash = u.passwordHash ?? hashes.get(u.login) ?? (await hashPassword(u.password ?? ''));
      await tx.insertInto('users').values({ id: u.login, login: u.login, ...fields, password_hash: hash, created_at: now }).execute();
      usersCreated.push(u.login);
    }
  }
  const disabledIds = toDisable.map((u) => u.id);
  if (disabledIds.length > 0) {
    await tx.updateTable('users').set({ disabled: 1 }).where('id', 'in', disabledIds).execute();
    // A disabled user is signed out everywhere.
    await tx.deleteFrom('logins').where('user_id', 'in', disabledIds).execute();
  }
  // A policy left out of the file goes, unless a user kept in the database still uses it.
  const policyIds = c.policies.map((p) => p.id);
  let unusedPolicies = tx.deleteFrom('policies').where('id', 'not in', (eb) => eb.selectFrom('users').select('policy_id'));
  if (policyIds.length > 0) unusedPolicies = unusedPolicies.where('id', 'not in', policyIds);
  await unusedPolicies.execute();

  // ---- Issues reference team queues, so they go before teams and queues change. ----
  await tx.deleteFrom('issues').execute();

  // ---- Teams, members and queues. ----
  await tx.deleteFrom('team_members').execute();
  if (removedTeams.length > 0) await tx.deleteFrom('teams').where('id', 'in', removedTeams).execute();
  for (const t of c.teams) {
    await tx.insertInto('teams').values({ id: t.id, name: t.name, kind: t.kind })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: t.name, kind: t.kind })).execute();
  }
  const members = c.teams.flatMap((t) => t.members.map((m) => ({ team_id: t.id, user_id: idOf(m.user), role: m.role })));
  if (members.length > 0) await tx.insertInto('team_members').values(members).execute();

  await upsertQueue(tx, queueRow(GENERAL_QUEUE_ID, 'general', null, null, c.generalQueue, overflowId(c.generalQueue)));
  for (const t of c.teams) await upsertQueue(tx, queueRow(teamQueueId(t.id), t.kind, t.id, null, t, overflowId(t)));
  for (const u of c.users) {
    const id = idOf(u.login);
    await upsertQueue(tx, queueRow(personalQueueId(id), 'personal', null, id, PERSONAL_QUEUE, null));
  }
  await retireTeamQueues(tx, removedTeams.map(teamQueueId));

  // ---- Skills tree and rep skills, replaced whole. ----
  await tx.deleteFrom('rep_skills').execute();
  await tx.deleteFrom('skills').execute();
  let rank = 0;
  const skillRows = c.skills.map((s) => ({ id: s.id, name: s.name, parent_id: s.parent, root_rank: s.parent === null ? (rank += 1) : null }));
  if (skillRows.length > 0) await tx.insertInto('skills').values(skillRows).execute();
  const repSkills = c.users.flatMap((u) => [
    ...u.skills.preferred.map((skill) => ({ user_id: idOf(u.login), skill_id: skill, level: 'preferred' })),
    ...u.skills.ignored.map((skill) => ({ user_id: idOf(u.login), skill_id: skill, level: 'ignored' })),
  ]);
  if (repSkills.length > 0) await tx.insertInto('rep_skills').values(repSkills).execute();

  // ---- Issues: the code is the id, so a session's issue_id keeps meaning across imports. ----
  const issueRows = c.issues.map((i) => ({
    id: i.code,
    code: i.code,
    title: i.title,
    description: i.description,
    queue_id: teamQueueId(i.team),
    skills: JSON.stringify(i.skills),
    priority: i.priority,
    shown_on_portal: i.showOnPortal ? 1 : 0,
  }));
  if (issueRows.length > 0) await tx.insertInto('issues').values(issueRows).execute();

  // ---- Site settings: one JSON value, in SiteSettings' own shape. ----
  const { fallbackQueue, ...site } = c.site;
  const settings: SiteSettings = { ...site, fallbackQueueId: fallbackQueue === null ? null : toQueueId(fallbackQueue) };
  const value = JSON.stringify(settings);
  await tx.insertInto('site_settings').values({ key: SITE_SETTINGS_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();

  return {
    policies: c.policies.length,
    users: c.users.length,
    teams: c.teams.length,
    skills: c.skills.length,
    issues: c.issues.length,
    usersCreated,
    usersDisabled: toDisable.map((u) => u.login),
    teamsRemoved: removedTeams,
  };
}

/**
 * Disabling a rep who is working would strand customers: the fallback rules (SPEC F) are
 * the engine's, not the importer's. So a user with live work is refused, not disabled.
 */
async function liveUserProblems(tx: Db, users: { id: string; login: string; path: string }[]): Promise<ConfigIssue[]> {
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const loggedIn = new Set(
    (await tx.selectFrom('presence').select('user_id').where('user_id', 'in', ids).where('logged_in', '=', 1).execute()).map((r) => r.user_id),
  );
  const live = await tx
    .selectFrom('participants')
    .innerJoin('sessions', 'sessions.id', 'participants.session_id')
    .select(['participants.user_id as user_id', 'sessions.id as session_id'])
    .where('participants.user_id', 'in', ids)
    .where('sessions.state', '!=', 'ended')
    .execute();
  const owned = await tx.selectFrom('sessions').select(['owner_id', 'id']).where('owner_id', 'in', ids).where('state', '!=', 'ended').execute();
  const waiting = await tx.selectFrom('sessions').select('queue_id').where('state', '=', 'waiting').where('queue_id', 'in', ids.map(personalQueueId)).execute();
  const offers = new Set(
    (await tx.selectFrom('offers').select('rep_id').where('rep_id', 'in', ids).where('state', '=', 'pending').execute()).map((r) => r.rep_id),
  );
  return users.flatMap((u) => {
    const sessions = new Set([...live.filter((r) => r.user_id === u.id).map((r) => r.session_id), ...owned.filter((r) => r.owner_id === u.id).map((r) => r.id)]);
    const queued = waiting.filter((r) => r.queue_id === personalQueueId(u.id)).length;
    const reasons = [
      ...(loggedIn.has(u.id) ? ['is logged in'] : []),
      ...(sessions.size > 0 ? [`takes part in ${sessions.size} live session(s)`] : []),
      ...(queued > 0 ? [`has ${queued} session(s) waiting in their personal queue`] : []),
      ...(offers.has(u.id) ? ['holds a pending offer'] : []),
    ];
    if (reasons.length === 0) return [];
    return [{ path: u.path, message: `cannot disable "${u.login}": the user ${reasons.join(', ')}; try again when they are offline and their sessions are handed on` }];
  });
}

async function waitingInRemovedTeams(tx: Db, teamIds: string[]): Promise<ConfigIssue[]> {
  if (teamIds.length === 0) return [];
  const rows = await tx.selectFrom('sessions').select('queue_id').where('state', '=', 'waiting').where('queue_id', 'in', teamIds.map(teamQueueId)).execute();
  return teamIds.flatMap((id) => {
    const count = rows.filter((r) => r.queue_id === teamQueueId(id)).length;
    if (count === 0) return [];
    return [{ path: 'teams', message: `team "${id}" is left out of the file, but ${count} session(s) wait in its queue: transfer them first, or keep the team` }];
  });
}

/**
 * The queue of a removed team stays only while sessions or session keys still name it
 * (their history and F2/F3 look it up); it no longer routes or moves anything. Otherwise
 * it is deleted.
 */
async function retireTeamQueues(tx: Db, queueIds: string[]): Promise<void> {
  if (queueIds.length === 0) return;
  const sessions = await tx
    .selectFrom('sessions')
    .select(['queue_id', 'first_queue_id', 'last_queue_id'])
    .where((eb) => eb.or([eb('queue_id', 'in', queueIds), eb('first_queue_id', 'in', queueIds), eb('last_queue_id', 'in', queueIds)]))
    .execute();
  const keys = await tx.selectFrom('session_keys').select('queue_id').where('queue_id', 'in', queueIds).execute();
  const referenced = new Set([...sessions.flatMap((s) => [s.queue_id, s.first_queue_id, s.last_queue_id]), ...keys.map((k) => k.queue_id)]);
  const keep = queueIds.filter((id) => referenced.has(id));
  const drop = queueIds.filter((id) => !referenced.has(id));
  if (keep.length > 0) {
    await tx.updateTable('queues')
      .set({ persistent: 0, algorithm: 'none', waiting_action: 'none', overflow_queue_id: null })
      .where('id', 'in', keep).execute();
  }
  if (drop.length > 0) await tx.deleteFrom('queues').where('id', 'in', drop).execute();
}
