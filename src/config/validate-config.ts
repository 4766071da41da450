/**
 * Validation of a site configuration (SPEC I3, X3): the schema first, then every cross
 * reference. Pure: no store, no clock. Each problem names the path of the field at fault
 * (`teams[1].members[0].user: unknown user "bob"`) so that an admin can find it in the file.
 */
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { DEFAULT_POLICY, type PolicySettings } from '../core/policy.js';
import { DEFAULT_SITE_SETTINGS } from '../core/site-settings.js';
import { isPasswordHash } from '../engine/passwords.js';
import {
  CONFIG_VERSION,
  DEFAULT_QUEUE,
  SiteConfigSchema,
  type ConfigIssue,
  type NormalizedSiteConfig,
  type PolicyEntry,
  type QueueEntry,
  type SiteConfig,
} from './site-config.js';

export type ValidationResult =
  | { ok: true; config: NormalizedSiteConfig; warnings: ConfigIssue[] }
  | { ok: false; errors: ConfigIssue[] };

/** Enough to fix a file in a few rounds without flooding a terminal. */
const MAX_ISSUES = 100;

export function validateSiteConfig(input: unknown): ValidationResult {
  const schemaErrors = schemaIssues(input);
  // Cross references are only checked on a well-typed document; a half-typed one would
  // produce noise that hides the real problem.
  if (schemaErrors.length > 0) return { ok: false, errors: schemaErrors };
  const config = normalize(input as SiteConfig);
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  checkReferences(config, errors, warnings);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ISSUES) };
  return { ok: true, config, warnings };
}

// ---- Schema ----

function schemaIssues(input: unknown): ConfigIssue[] {
  const byPath = new Map<string, ConfigIssue>();
  for (const error of Value.Errors(SiteConfigSchema, input)) {
    const path = pointerToPath(error.path);
    // TypeBox may report one field twice (missing, then wrong type); the first says most.
    if (!byPath.has(path)) byPath.set(path, { path, message: describe(error) });
    if (byPath.size >= MAX_ISSUES) break;
  }
  return [...byPath.values()];
}

/** `/teams/1/members/0/user` → `teams[1].members[0].user`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function describe(error: ValueError): string {
  const s = error.schema as Record<string, unknown>;
  const got = error.value === undefined ? '' : ` (got ${kindOf(error.value)})`;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known field';
    case ValueErrorType.Object:
      return `must be a mapping of fields${got}`;
    case ValueErrorType.Array:
      return `must be a list${got}`;
    case ValueErrorType.String:
      return `must be text${got}`;
    case ValueErrorType.Integer:
      return `must be a whole number${got}`;
    case ValueErrorType.Boolean:
      return `must be true or false${got}`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      return `must be between ${String(s.minimum)} and ${String(s.maximum)}${got}`;
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? 'must not be empty' : `must be at least ${String(s.minLength)} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(s.maxLength)} characters`;
    case ValueErrorType.StringPattern:
      return `${typeof s.description === 'string' ? s.description : `must match ${String(s.pattern)}`}${got}`;
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}${got}`;
    case ValueErrorType.Union: {
      const options = ((s.anyOf as Record<string, unknown>[] | undefined) ?? []).map((o) =>
        o.const !== undefined ? String(o.const) : String(o.type),
      );
      return `must be one of: ${options.join(', ')}${got}`;
    }
    default:
      return error.message;
  }
}

// ---- Defaults ----

function normalizeQueue(q: Partial<Omit<QueueEntry, 'waiting'>> & { waiting?: Partial<QueueEntry['waiting']> } | undefined): QueueEntry {
  return {
    algorithm: q?.algorithm ?? DEFAULT_QUEUE.algorithm,
    offerTimeoutSeconds: q?.offerTimeoutSeconds ?? DEFAULT_QUEUE.offerTimeoutSeconds,
    persistent: q?.persistent ?? DEFAULT_QUEUE.persistent,
    waiting: {
      action: q?.waiting?.action ?? DEFAULT_QUEUE.waiting.action,
      afterSeconds: q?.waiting?.afterSeconds ?? DEFAULT_QUEUE.waiting.afterSeconds,
      overflowQueue: q?.waiting?.overflowQueue ?? null,
    },
  };
}

function normalizePolicy(p: NonNullable<SiteConfig['policies']>[number]): PolicyEntry {
  const settings: PolicySettings = { ...DEFAULT_POLICY };
  for (const key of Object.keys(DEFAULT_POLICY) as (keyof PolicySettings)[]) {
    const value = p[key];
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  return { id: p.id, name: p.name ?? p.id, ...settings };
}

function normalize(c: SiteConfig): NormalizedSiteConfig {
  const s = c.site;
  const d = DEFAULT_SITE_SETTINGS;
  return {
    version: CONFIG_VERSION,
    site: {
      siteName: s?.siteName ?? d.siteName,
      generalQueueEnabled: s?.generalQueueEnabled ?? d.generalQueueEnabled,
      fallbackQueue: s?.fallbackQueue ?? null,
      fallbackRulesEnabled: s?.fallbackRulesEnabled ?? d.fallbackRulesEnabled,
      repGraceSeconds: s?.repGraceSeconds ?? d.repGraceSeconds,
      customerGraceSeconds: s?.customerGraceSeconds ?? d.customerGraceSeconds,
      maxOverflowMoves: s?.maxOverflowMoves ?? d.maxOverflowMoves,
      maxWaitSeconds: s?.maxWaitSeconds ?? d.maxWaitSeconds,
      allowedOrigins: [...(s?.allowedOrigins ?? d.allowedOrigins)],
      customerNotice: s?.customerNotice ?? d.customerNotice,
      cobrowseEnabled: s?.cobrowseEnabled ?? d.cobrowseEnabled,
      cobrowseMaskSelector: s?.cobrowseMaskSelector ?? d.cobrowseMaskSelector,
      cobrowseBudgetMegabytes: s?.cobrowseBudgetMegabytes ?? d.cobrowseBudgetMegabytes,
      cobrowseStoreRecordings: s?.cobrowseStoreRecordings ?? d.cobrowseStoreRecordings,
      cobrowseRetentionDays: s?.cobrowseRetentionDays ?? d.cobrowseRetentionDays,
    },
    generalQueue: normalizeQueue(c.generalQueue),
    policies: (c.policies ?? []).map(normalizePolicy),
    users: (c.users ?? []).map((u) => ({
      login: u.login,
      displayName: u.displayName,
      displayNumber: u.displayNumber,
      policy: u.policy,
      admin: u.admin ?? false,
      showOnRepList: u.showOnRepList ?? true,
      disabled: u.disabled ?? false,
      ...(u.password !== undefined ? { password: u.password } : {}),
      ...(u.passwordHash !== undefined ? { passwordHash: u.passwordHash } : {}),
      skills: { preferred: [...(u.skills?.preferred ?? [])], ignored: [...(u.skills?.ignored ?? [])] },
    })),
    teams: (c.teams ?? []).map((t) => ({
      id: t.id,
      name: t.name,
      kind: t.kind ?? 'team',
      members: (t.members ?? []).map((m) => ({ user: m.user, role: m.role ?? 'member' })),
      ...normalizeQueue(t),
    })),
    skills: (c.skills ?? []).map((k) => ({ id: k.id, name: k.name, parent: k.parent ?? null })),
    issues: (c.issues ?? []).map((i) => ({
      code: i.code,
      title: i.title,
      description: i.description ?? '',
      team: i.team,
      skills: [...(i.skills ?? [])],
      priority: i.priority ?? 0,
      showOnPortal: i.showOnPortal ?? true,
    })),
  };
}

// ---- Cross references ----

type Report = (path: string, message: string) => void;

/** First index of each key; later duplicates are reported. */
function indexUnique<T>(items: T[], key: (item: T) => string, path: (i: number) => string, what: string, err: Report) {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) err(path(i), `duplicate ${what} "${k}"`);
    else seen.set(k, i);
  });
  return seen;
}

/** Skill lists (a user's, an issue's): every skill known, none twice. */
function checkSkillList(list: string[], path: string, skills: Map<string, number>, err: Report): void {
  const seen = new Set<string>();
  list.forEach((id, j) => {
    if (!skills.has(id)) err(`${path}[${j}]`, `unknown skill "${id}"`);
    else if (seen.has(id)) err(`${path}[${j}]`, `skill "${id}" is listed twice`);
    seen.add(id);
  });
}

function checkReferences(c: NormalizedSiteConfig, errors: ConfigIssue[], warnings: ConfigIssue[]): void {
  const err: Report = (path, message) => errors.push({ path, message });
  const warn: Report = (path, message) => warnings.push({ path, message });

  const policies = indexUnique(c.policies, (p) => p.id, (i) => `policies[${i}].id`, 'policy id', err);
  const users = indexUnique(c.users, (u) => u.login, (i) => `users[${i}].login`, 'login', err);
  const teams = indexUnique(c.teams, (t) => t.id, (i) => `teams[${i}].id`, 'team id', err);
  const skills = indexUnique(c.skills, (s) => s.id, (i) => `skills[${i}].id`, 'skill id', err);
  indexUnique(c.issues, (i) => i.code, (i) => `issues[${i}].code`, 'issue code', err);

  // Display numbers order the representative list (C2), where disabled users never appear.
  const numbers = new Map<number, string>();
  c.users.forEach((u, i) => {
    const p = `users[${i}]`;
    if (!u.disabled) {
      const other = numbers.get(u.displayNumber);
      if (other !== undefined) err(`${p}.displayNumber`, `display number ${u.displayNumber} is already used by "${other}"`);
      else numbers.set(u.displayNumber, u.login);
    }
    if (!policies.has(u.policy)) err(`${p}.policy`, `unknown policy "${u.policy}"`);
    if (u.password !== undefined && u.passwordHash !== undefined) {
      err(`${p}.password`, 'give either password or passwordHash, not both');
    }
    if (u.passwordHash !== undefined && !isPasswordHash(u.passwordHash)) {
      err(`${p}.passwordHash`, 'is not a Lobby password hash (scrypt$N$r$p$salt$hash); give a plain password instead');
    }
    checkSkillList(u.skills.preferred, `${p}.skills.preferred`, skills, err);
    checkSkillList(u.skills.ignored, `${p}.skills.ignored`, skills, err);
    u.skills.ignored.forEach((id, j) => {
      if (u.skills.preferred.includes(id)) err(`${p}.skills.ignored[${j}]`, `skill "${id}" is also listed as preferred`);
    });
  });
  if (!c.users.some((u) => u.admin && !u.disabled)) {
    warn('users', 'no enabled admin: nobody will be able to change the configuration in the admin pages');
  }

  /** A queue reference in its canonical form (`general`, `team:<id>`, `rep:<login>`), or null if unknown. */
  const resolve = (ref: string): string | null => {
    if (ref === 'general') return 'general';
    if (ref.startsWith('rep:')) return users.has(ref.slice(4)) ? ref : null;
    return teams.has(ref) ? `team:${ref}` : null;
  };
  const unknownQueue = (ref: string) => `unknown queue "${ref}" (write general, a team id, or rep:<login>)`;
  const overflowOf = new Map<string, { target: string; path: string }>();
  const checkQueue = (path: string, q: QueueEntry, self: string) => {
    const ref = q.waiting.overflowQueue;
    if (q.waiting.action === 'transfer' && ref === null) {
      err(`${path}.waiting.overflowQueue`, 'is required when the waiting action is transfer');
    }
    if (ref === null) return;
    const target = resolve(ref);
    if (target === null) return err(`${path}.waiting.overflowQueue`, unknownQueue(ref));
    if (target === self) return err(`${path}.waiting.overflowQueue`, 'a queue cannot overflow into itself');
    if (q.waiting.action !== 'transfer') return;
    overflowOf.set(self, { target, path: `${path}.waiting.overflowQueue` });
    if (target === 'general' && !c.site.generalQueueEnabled) {
      warn(`${path}.waiting.overflowQueue`, 'overflows into the general queue, which is switched off (site.generalQueueEnabled)');
    }
    const login = target.startsWith('rep:') ? target.slice(4) : null;
    if (login !== null && c.users[users.get(login) ?? -1]?.disabled) {
      warn(`${path}.waiting.overflowQueue`, `overflows into the personal queue of disabled user "${login}"`);
    }
  };
  checkQueue('generalQueue', c.generalQueue, 'general');

  c.teams.forEach((t, i) => {
    const p = `teams[${i}]`;
    if (t.id === 'general') err(`${p}.id`, '"general" is reserved for the general queue');
    const members = new Set<string>();
    t.members.forEach((m, j) => {
      if (!users.has(m.user)) err(`${p}.members[${j}].user`, `unknown user "${m.user}"`);
      else if (members.has(m.user)) err(`${p}.members[${j}].user`, `user "${m.user}" is listed twice`);
      members.add(m.user);
    });
    checkQueue(p, t, `team:${t.id}`);
  });

  checkSkillTree(c, skills, err);

  c.issues.forEach((issue, i) => {
    if (!teams.has(issue.team)) err(`issues[${i}].team`, `unknown team "${issue.team}"`);
    checkSkillList(issue.skills, `issues[${i}].skills`, skills, err);
  });

  const fallback = c.site.fallbackQueue;
  if (fallback !== null && resolve(fallback) === null) err('site.fallbackQueue', unknownQueue(fallback));
  if (!c.site.generalQueueEnabled && (fallback === null || fallback === 'general')) {
    warn('site.fallbackQueue', 'is the general queue, which is switched off: F4 will never find a queue');
  }

  if (errors.length === 0) warnOverflowCycles(overflowOf, c.site.maxOverflowMoves, warn);
}

/** Every parent exists, and following parents always reaches a root (no cycle). */
function checkSkillTree(c: NormalizedSiteConfig, skills: Map<string, number>, err: Report): void {
  const parentOf = new Map(c.skills.map((s) => [s.id, s.parent]));
  const inReportedCycle = new Set<string>();
  c.skills.forEach((s, i) => {
    if (s.parent === null) return;
    if (!skills.has(s.parent)) return err(`skills[${i}].parent`, `unknown skill "${s.parent}"`);
    if (inReportedCycle.has(s.id)) return;
    const chain = [s.id];
    for (let at: string | null = s.parent; at !== null; at = parentOf.get(at) ?? null) {
      if (at === s.id) {
        chain.forEach((id) => inReportedCycle.add(id));
        return err(`skills[${i}].parent`, `skills form a cycle: ${[...chain, s.id].join(' → ')}`);
      }
      // A cycle above this skill that does not pass through it is reported from its own members.
      if (chain.includes(at)) return;
      chain.push(at);
    }
  });
}

/** W3 (beyond): queues that overflow into each other are allowed, but the admin is told. */
function warnOverflowCycles(
  overflowOf: Map<string, { target: string; path: string }>,
  maxMoves: number,
  warn: Report,
): void {
  const reported = new Set<string>();
  for (const start of overflowOf.keys()) {
    if (reported.has(start)) continue;
    const chain = [start];
    for (let at = overflowOf.get(start)?.target; at !== undefined; at = overflowOf.get(at)?.target) {
      if (at === start) {
        chain.forEach((q) => reported.add(q));
        const names = [...chain, start].map((q) => q.replace(/^team:/, ''));
        warn(
          overflowOf.get(start)?.path ?? 'teams',
          `overflow cycle ${names.join(' → ')}: a waiting session moves round it until accepted, ` +
            `at most ${maxMoves} times (site.maxOverflowMoves), then it is marked overdue`,
        );
        break;
      }
      if (chain.includes(at)) break;
      chain.push(at);
    }
  }
}
