/**
 * One admin change to the site configuration, as a pure edit of the normalized
 * configuration (docs/admin.md): the admin API reads the whole configuration under the
 * routing lock, applies one of these, validates the result as a whole with
 * validateSiteConfig and writes it back. No store, no clock.
 *
 * Each edit refuses what validation cannot say well (an unknown entity, a duplicate id, a
 * policy still in use) with a LobbyError naming the request's field, and returns where the
 * edited entity now is (`teams[3]`) so that validation errors under it can name the
 * request's own fields too. The edited entity goes last in its list (order means nothing
 * there, except for root skills), so that a duplicate is reported on it, not on another.
 */
import { LobbyError } from '../core/errors.js';
import { DEFAULT_POLICY, type PolicySettings } from '../core/policy.js';
import {
  DEFAULT_QUEUE,
  type IssueEntry,
  type NormalizedSiteConfig,
  type PolicyEntry,
  type QueueEntry,
  type RoutingAlgorithm,
  type SiteEntry,
  type SkillEntry,
  type TeamEntry,
  type TeamRole,
  type UserEntry,
  type WaitingAction,
} from './site-config.js';

export interface Edited {
  config: NormalizedSiteConfig;
  /** Path of the edited entity in `config`, or null when the edit removed it. */
  path: string | null;
}

export interface QueuePatch {
  algorithm?: RoutingAlgorithm;
  offerTimeoutSeconds?: number;
  persistent?: boolean;
  waiting?: { action?: WaitingAction; afterSeconds?: number; overflowQueue?: string | null };
}

export interface MembershipInput {
  team: string;
  role?: TeamRole;
}

export interface UserPatch {
  displayName?: string;
  displayNumber?: number;
  policy?: string;
  admin?: boolean;
  showOnRepList?: boolean;
  disabled?: boolean;
  /** The user's teams and role in each: replaces every membership of the user. */
  teams?: MembershipInput[];
  skills?: { preferred?: string[]; ignored?: string[] };
}

export interface NewUser extends Omit<UserPatch, 'disabled'> {
  login: string;
  displayName: string;
  displayNumber: number;
  policy: string;
  /** Made by the caller before the routing lock: scrypt is slow on purpose (X1). */
  passwordHash: string;
}

export type PolicyPatch = Partial<PolicySettings> & { name?: string };
export type NewPolicy = PolicyPatch & { id: string };

export interface TeamPatch extends QueuePatch {
  name?: string;
  kind?: 'team' | 'embassy';
  /** Replaces the members. */
  members?: { user: string; role?: TeamRole }[];
}
export type NewTeam = TeamPatch & { id: string; name: string };

export interface SkillPatch {
  name?: string;
  /** Moves the skill; null makes it a root. */
  parent?: string | null;
  /** Position among the root skills, 1 = highest ranked (E8); roots only. */
  rank?: number;
}
export type NewSkill = SkillPatch & { id: string; name: string };

export type IssuePatch = Partial<Omit<IssueEntry, 'code'>>;
export type NewIssue = IssuePatch & { code: string; title: string; team: string };

const copy = (c: NormalizedSiteConfig): NormalizedSiteConfig => structuredClone(c);

function notFound(what: string, id: string): LobbyError {
  return new LobbyError('not_found', `There is no ${what} "${id}".`);
}

/** Moves item `index` to the end of `list`, returning its new index. */
function moveLast<T>(list: T[], index: number): number {
  const [item] = list.splice(index, 1);
  list.push(item as T);
  return list.length - 1;
}

function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function mergeQueue(q: QueueEntry, patch: QueuePatch): QueueEntry {
  const w = patch.waiting ?? {};
  return {
    algorithm: patch.algorithm ?? q.algorithm,
    offerTimeoutSeconds: patch.offerTimeoutSeconds ?? q.offerTimeoutSeconds,
    persistent: patch.persistent ?? q.persistent,
    waiting: {
      action: w.action ?? q.waiting.action,
      afterSeconds: w.afterSeconds ?? q.waiting.afterSeconds,
      overflowQueue: w.overflowQueue === undefined ? q.waiting.overflowQueue : w.overflowQueue,
    },
  };
}

// ---- Site and general queue ----

export function updateSite(current: NormalizedSiteConfig, patch: Partial<SiteEntry>): Edited {
  const c = copy(current);
  c.site = { ...c.site, ...defined(patch) };
  if (patch.fallbackQueue === null) c.site.fallbackQueue = null;
  return { config: c, path: 'site' };
}

export function updateGeneralQueue(current: NormalizedSiteConfig, patch: QueuePatch): Edited {
  const c = copy(current);
  c.generalQueue = mergeQueue(c.generalQueue, patch);
  return { config: c, path: 'generalQueue' };
}

// ---- Users ----

/** Replaces the teams `login` belongs to, with a role in each. */
function setMemberships(c: NormalizedSiteConfig, login: string, list: MembershipInput[]): void {
  const seen = new Set<string>();
  list.forEach((m, i) => {
    if (!c.teams.some((t) => t.id === m.team)) throw new LobbyError('invalid_input', `teams[${i}].team: unknown team "${m.team}"`, `teams[${i}].team`);
    if (seen.has(m.team)) throw new LobbyError('invalid_input', `teams[${i}].team: team "${m.team}" is listed twice`, `teams[${i}].team`);
    seen.add(m.team);
  });
  for (const team of c.teams) {
    const wanted = list.find((m) => m.team === team.id);
    const existing = team.members.find((m) => m.user === login);
    team.members = team.members.filter((m) => m.user !== login);
    if (wanted) team.members.push({ user: login, role: wanted.role ?? existing?.role ?? 'member' });
  }
}

function applyUserPatch(c: NormalizedSiteConfig, user: UserEntry, patch: UserPatch): void {
  const { teams, skills, ...fields } = patch;
  Object.assign(user, defined(fields));
  if (skills) user.skills = { preferred: [...(skills.preferred ?? user.skills.preferred)], ignored: [...(skills.ignored ?? user.skills.ignored)] };
  if (teams) setMemberships(c, user.login, teams);
}

export function createUser(current: NormalizedSiteConfig, input: NewUser): Edited {
  const c = copy(current);
  if (c.users.some((u) => u.login === input.login)) {
    throw new LobbyError('conflict', `A user with login "${input.login}" already exists (disabled users keep their login).`, 'login');
  }
  const user: UserEntry = {
    login: input.login,
    displayName: input.displayName,
    displayNumber: input.displayNumber,
    policy: input.policy,
    admin: false,
    showOnRepList: true,
    disabled: false,
    passwordHash: input.passwordHash,
    skills: { preferred: [], ignored: [] },
  };
  const { login: _login, passwordHash: _hash, ...patch } = input;
  c.users.push(user);
  applyUserPatch(c, user, patch);
  return { config: c, path: `users[${c.users.length - 1}]` };
}

function findUserIndex(c: NormalizedSiteConfig, login: string): number {
  const i = c.users.findIndex((u) => u.login === login);
  if (i < 0) throw notFound('user', login);
  return i;
}

export function updateUser(current: NormalizedSiteConfig, login: string, patch: UserPatch): Edited {
  const c = copy(current);
  const i = moveLast(c.users, findUserIndex(c, login));
  applyUserPatch(c, c.users[i]!, patch);
  return { config: c, path: `users[${i}]` };
}

export function setPasswordHash(current: NormalizedSiteConfig, login: string, passwordHash: string): Edited {
  const c = copy(current);
  const i = findUserIndex(c, login);
  c.users[i]!.passwordHash = passwordHash;
  return { config: c, path: `users[${i}]` };
}

// ---- Policies ----

function policyEntry(id: string, name: string, settings: PolicySettings): PolicyEntry {
  const out: Record<string, unknown> = { id, name };
  for (const key of Object.keys(DEFAULT_POLICY) as (keyof PolicySettings)[]) out[key] = settings[key];
  return out as unknown as PolicyEntry;
}

export function createPolicy(current: NormalizedSiteConfig, input: NewPolicy): Edited {
  const c = copy(current);
  if (c.policies.some((p) => p.id === input.id)) throw new LobbyError('conflict', `A policy with id "${input.id}" already exists.`, 'id');
  const { id, name, ...settings } = input;
  c.policies.push(policyEntry(id, name ?? id, { ...DEFAULT_POLICY, ...defined(settings) }));
  return { config: c, path: `policies[${c.policies.length - 1}]` };
}

export function updatePolicy(current: NormalizedSiteConfig, id: string, patch: PolicyPatch): Edited {
  const c = copy(current);
  const found = c.policies.findIndex((p) => p.id === id);
  if (found < 0) throw notFound('policy', id);
  const i = moveLast(c.policies, found);
  const { name, ...settings } = patch;
  const old = c.policies[i]!;
  c.policies[i] = policyEntry(id, name ?? old.name, { ...old, ...defined(settings) });
  return { config: c, path: `policies[${i}]` };
}

export function deletePolicy(current: NormalizedSiteConfig, id: string): Edited {
  const c = copy(current);
  if (!c.policies.some((p) => p.id === id)) throw notFound('policy', id);
  const users = c.users.filter((u) => u.policy === id).map((u) => u.login);
  if (users.length > 0) {
    throw new LobbyError('conflict', `Policy "${id}" is used by ${users.join(', ')}: give them another policy first.`);
  }
  c.policies = c.policies.filter((p) => p.id !== id);
  return { config: c, path: null };
}

// ---- Teams and embassies ----

function applyTeamPatch(team: TeamEntry, patch: TeamPatch): TeamEntry {
  const { name, kind, members, ...queue } = patch;
  return {
    ...team,
    ...(name !== undefined ? { name } : {}),
    ...(kind !== undefined ? { kind } : {}),
    ...(members !== undefined ? { members: members.map((m) => ({ user: m.user, role: m.role ?? 'member' })) } : {}),
    ...mergeQueue(team, queue),
  };
}

export function createTeam(current: NormalizedSiteConfig, input: NewTeam): Edited {
  const c = copy(current);
  if (c.teams.some((t) => t.id === input.id)) throw new LobbyError('conflict', `A team or embassy with id "${input.id}" already exists.`, 'id');
  const { id, ...patch } = input;
  c.teams.push(applyTeamPatch({ id, name: input.name, kind: 'team', members: [], ...structuredClone(DEFAULT_QUEUE) }, patch));
  return { config: c, path: `teams[${c.teams.length - 1}]` };
}

export function updateTeam(current: NormalizedSiteConfig, id: string, patch: TeamPatch): Edited {
  const c = copy(current);
  const found = c.teams.findIndex((t) => t.id === id);
  if (found < 0) throw notFound('team or embassy', id);
  const i = moveLast(c.teams, found);
  c.teams[i] = applyTeamPatch(c.teams[i]!, patch);
  return { config: c, path: `teams[${i}]` };
}

/** A team that issues, overflow rules or the fallback queue still name is kept: say which. */
export function deleteTeam(current: NormalizedSiteConfig, id: string): Edited {
  const c = copy(current);
  if (!c.teams.some((t) => t.id === id)) throw notFound('team or embassy', id);
  const users: string[] = [
    ...c.issues.filter((i) => i.team === id).map((i) => `issue "${i.code}"`),
    ...(c.generalQueue.waiting.overflowQueue === id ? ['the general queue’s waiting rule'] : []),
    ...c.teams.filter((t) => t.id !== id && t.waiting.overflowQueue === id).map((t) => `the waiting rule of "${t.id}"`),
    ...(c.site.fallbackQueue === id ? ['the site’s fallback queue'] : []),
  ];
  if (users.length > 0) throw new LobbyError('conflict', `"${id}" is still used by ${users.join(', ')}: change them first.`);
  c.teams = c.teams.filter((t) => t.id !== id);
  return { config: c, path: null };
}

// ---- Skills ----

/** Puts root `id` at `rank` among the roots (1 = first); past the end means last. */
function placeRoot(skills: SkillEntry[], id: string, rank: number): SkillEntry[] {
  const skill = skills.find((s) => s.id === id)!;
  const rest = skills.filter((s) => s.id !== id);
  const before = rest.filter((s) => s.parent === null)[rank - 1];
  const at = before ? rest.indexOf(before) : rest.length;
  return [...rest.slice(0, at), skill, ...rest.slice(at)];
}

function applySkillPatch(c: NormalizedSiteConfig, id: string, patch: SkillPatch): void {
  const skill = c.skills.find((s) => s.id === id)!;
  if (patch.name !== undefined) skill.name = patch.name;
  if (patch.parent !== undefined) skill.parent = patch.parent;
  if (patch.rank !== undefined) {
    if (skill.parent !== null) throw new LobbyError('invalid_input', 'rank: only root skills are ranked (E8)', 'rank');
    c.skills = placeRoot(c.skills, id, patch.rank);
  } else if (patch.parent === null) {
    c.skills = placeRoot(c.skills, id, Number.MAX_SAFE_INTEGER);
  }
}

const skillPath = (c: NormalizedSiteConfig, id: string): string => `skills[${c.skills.findIndex((s) => s.id === id)}]`;

export function createSkill(current: NormalizedSiteConfig, input: NewSkill): Edited {
  const c = copy(current);
  if (c.skills.some((s) => s.id === input.id)) throw new LobbyError('conflict', `A skill with id "${input.id}" already exists.`, 'id');
  c.skills.push({ id: input.id, name: input.name, parent: input.parent ?? null });
  const { parent: _parent, ...patch } = input;
  applySkillPatch(c, input.id, patch);
  return { config: c, path: skillPath(c, input.id) };
}

export function updateSkill(current: NormalizedSiteConfig, id: string, patch: SkillPatch): Edited {
  const c = copy(current);
  if (!c.skills.some((s) => s.id === id)) throw notFound('skill', id);
  applySkillPatch(c, id, patch);
  return { config: c, path: skillPath(c, id) };
}

/** Reps lose the skill; a skill with children, or that an issue requires, is kept. */
export function deleteSkill(current: NormalizedSiteConfig, id: string): Edited {
  const c = copy(current);
  if (!c.skills.some((s) => s.id === id)) throw notFound('skill', id);
  const children = c.skills.filter((s) => s.parent === id).map((s) => s.id);
  if (children.length > 0) throw new LobbyError('conflict', `Skill "${id}" has child skills (${children.join(', ')}): move or delete them first.`);
  const issues = c.issues.filter((i) => i.skills.includes(id)).map((i) => i.code);
  if (issues.length > 0) throw new LobbyError('conflict', `Skill "${id}" is required by issue(s) ${issues.join(', ')}: change them first.`);
  c.skills = c.skills.filter((s) => s.id !== id);
  for (const u of c.users) {
    u.skills = { preferred: u.skills.preferred.filter((s) => s !== id), ignored: u.skills.ignored.filter((s) => s !== id) };
  }
  return { config: c, path: null };
}

// ---- Issues ----

export function createIssue(current: NormalizedSiteConfig, input: NewIssue): Edited {
  const c = copy(current);
  if (c.issues.some((i) => i.code === input.code)) throw new LobbyError('conflict', `An issue with code "${input.code}" already exists.`, 'code');
  c.issues.push({ description: '', skills: [], priority: 0, showOnPortal: true, ...defined(input) } as IssueEntry);
  return { config: c, path: `issues[${c.issues.length - 1}]` };
}

export function updateIssue(current: NormalizedSiteConfig, code: string, patch: IssuePatch): Edited {
  const c = copy(current);
  const found = c.issues.findIndex((i) => i.code === code);
  if (found < 0) throw notFound('issue', code);
  const i = moveLast(c.issues, found);
  c.issues[i] = { ...c.issues[i]!, ...defined(patch) };
  return { config: c, path: `issues[${i}]` };
}

export function deleteIssue(current: NormalizedSiteConfig, code: string): Edited {
  const c = copy(current);
  if (!c.issues.some((i) => i.code === code)) throw notFound('issue', code);
  c.issues = c.issues.filter((i) => i.code !== code);
  return { config: c, path: null };
}
