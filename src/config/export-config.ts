/**
 * Exports the site's configuration as YAML (SPEC I3) that imports back to the same
 * configuration. The output is canonical (every setting written out, lists sorted, skills
 * as a depth-first walk of the tree), so export → import → export gives identical text and
 * two exports can be compared with diff. Passwords leave only as hashes (X1).
 */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { DEFAULT_POLICY, type PolicySettings } from '../core/policy.js';
import { DEFAULT_SITE_SETTINGS, GENERAL_QUEUE_ID, type SiteSettings } from '../core/site-settings.js';
import { isPasswordHash } from '../engine/passwords.js';
import type { QueueRow } from '../store/schema.js';
import type { Db, Store } from '../store/store.js';
import {
  CONFIG_VERSION,
  DEFAULT_QUEUE,
  SITE_SETTINGS_KEY,
  type NormalizedSiteConfig,
  type QueueEntry,
  type RoutingAlgorithm,
  type SkillEntry,
  type TeamRole,
  type WaitingAction,
} from './site-config.js';

const HEADER = [
  ` Lobby site configuration (format version ${CONFIG_VERSION}), exported by Lobby.`,
  ' Import it with `lobby config import <file>`; docs/configuration.md explains every field.',
  ' Passwords are exported as hashes only (passwordHash).',
].join('\n');

export async function exportSiteConfig(store: Store): Promise<string> {
  return renderSiteConfig(await readSiteConfig(store));
}

/** The site's configuration as one consistent snapshot, every default filled in. */
export async function readSiteConfig(store: Store): Promise<NormalizedSiteConfig> {
  // One read transaction, so that an import committing meanwhile is seen whole or not at all.
  const tx = store.db.transaction();
  return store.kind === 'postgres'
    ? tx.setIsolationLevel('repeatable read').execute(readSiteConfigIn)
    : tx.execute(readSiteConfigIn);
}

function parseJson(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Known keys only, in the defaults' order, so that the output never depends on stored key order. */
function withDefaults<T extends object>(defaults: T, stored: Record<string, unknown>): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const key of Object.keys(defaults)) if (stored[key] !== undefined) out[key] = stored[key];
  return out as T;
}

/** The same read inside a transaction the caller holds (the admin API reads under the routing lock). */
export async function readSiteConfigIn(db: Db): Promise<NormalizedSiteConfig> {
  const [settingsRow, queues, policies, users, teams, members, skills, repSkills, issues] = await Promise.all([
    db.selectFrom('site_settings').select('value').where('key', '=', SITE_SETTINGS_KEY).executeTakeFirst(),
    db.selectFrom('queues').selectAll().execute(),
    db.selectFrom('policies').selectAll().orderBy('id').execute(),
    db.selectFrom('users').selectAll().orderBy('login').execute(),
    db.selectFrom('teams').selectAll().orderBy('id').execute(),
    db.selectFrom('team_members').selectAll().execute(),
    db.selectFrom('skills').selectAll().orderBy('id').execute(),
    db.selectFrom('rep_skills').selectAll().orderBy('skill_id').execute(),
    db.selectFrom('issues').selectAll().orderBy('code').execute(),
  ]);

  const loginOf = new Map(users.map((u) => [u.id, u.login]));
  /** Queue id → the reference written in the file. */
  const refOf = (queueId: string): string => {
    if (queueId.startsWith('team:')) return queueId.slice('team:'.length);
    if (queueId.startsWith('rep:')) return `rep:${loginOf.get(queueId.slice(4)) ?? queueId.slice(4)}`;
    return queueId;
  };
  const queueById = new Map(queues.map((q) => [q.id, q]));
  const entryOf = (row: QueueRow | undefined): QueueEntry =>
    row === undefined
      ? DEFAULT_QUEUE
      : {
          algorithm: row.algorithm as RoutingAlgorithm,
          offerTimeoutSeconds: row.offer_timeout_seconds,
          persistent: row.persistent === 1,
          waiting: {
            action: row.waiting_action as WaitingAction,
            afterSeconds: row.waiting_after_seconds,
            overflowQueue: row.overflow_queue_id === null ? null : refOf(row.overflow_queue_id),
          },
        };

  const { fallbackQueueId, ...site } = withDefaults<SiteSettings>(DEFAULT_SITE_SETTINGS, parseJson(settingsRow?.value));
  const levels = (userId: string, level: string) =>
    repSkills.filter((r) => r.user_id === userId && r.level === level).map((r) => r.skill_id);

  return {
    version: CONFIG_VERSION,
    site: {
      siteName: site.siteName,
      generalQueueEnabled: site.generalQueueEnabled,
      fallbackQueue: fallbackQueueId === null ? null : refOf(fallbackQueueId),
      fallbackRulesEnabled: site.fallbackRulesEnabled,
      repGraceSeconds: site.repGraceSeconds,
      customerGraceSeconds: site.customerGraceSeconds,
      maxOverflowMoves: site.maxOverflowMoves,
      maxWaitSeconds: site.maxWaitSeconds,
      allowedOrigins: site.allowedOrigins,
      customerNotice: site.customerNotice,
      cobrowseEnabled: site.cobrowseEnabled,
      cobrowseMaskSelector: site.cobrowseMaskSelector,
      cobrowseBudgetMegabytes: site.cobrowseBudgetMegabytes,
      cobrowseStoreRecordings: site.cobrowseStoreRecordings,
      cobrowseRetentionDays: site.cobrowseRetentionDays,
    },
    generalQueue: entryOf(queueById.get(GENERAL_QUEUE_ID)),
    policies: policies.map((p) => ({
      id: p.id,
      name: p.name,
      ...withDefaults<PolicySettings>(DEFAULT_POLICY, parseJson(p.settings)),
    })),
    users: users.map((u) => ({
      login: u.login,
      displayName: u.display_name,
      displayNumber: u.display_number,
      policy: u.policy_id,
      admin: u.is_admin === 1,
      showOnRepList: u.show_on_rep_list === 1,
      disabled: u.disabled === 1,
      // A stored value that is not a hash Lobby knows is left out: re-import keeps it as is.
      ...(isPasswordHash(u.password_hash) ? { passwordHash: u.password_hash } : {}),
      skills: { preferred: levels(u.id, 'preferred'), ignored: levels(u.id, 'ignored') },
    })),
    teams: teams.map((t) => ({
      id: t.id,
      name: t.name,
      kind: t.kind === 'embassy' ? 'embassy' : 'team',
      members: members
        .filter((m) => m.team_id === t.id)
        .map((m) => ({ user: loginOf.get(m.user_id) ?? m.user_id, role: m.role as TeamRole }))
        .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0)),
      ...entryOf(queueById.get(`team:${t.id}`)),
    })),
    skills: treeOrder(skills.map((s) => ({ id: s.id, name: s.name, parent: s.parent_id, rank: s.root_rank }))),
    issues: issues.map((i) => ({
      code: i.code,
      title: i.title,
      description: i.description,
      team: refOf(i.queue_id),
      skills: parseSkillList(i.skills),
      priority: i.priority,
      showOnPortal: i.shown_on_portal === 1,
    })),
  };
}

function parseSkillList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Roots in rank order (the file ranks roots by their order), each followed by its
 * descendants depth first, siblings by id (already sorted). Skills that no walk reaches
 * (a broken tree written by other means) come last, so that nothing is silently lost.
 */
function treeOrder(skills: { id: string; name: string; parent: string | null; rank: number | null }[]): SkillEntry[] {
  const out: SkillEntry[] = [];
  const seen = new Set<string>();
  const walk = (id: string) => {
    for (const s of skills) {
      if (s.parent === id && !seen.has(s.id)) {
        seen.add(s.id);
        out.push({ id: s.id, name: s.name, parent: s.parent });
        walk(s.id);
      }
    }
  };
  const roots = skills
    .filter((s) => s.parent === null)
    .sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER));
  for (const root of roots) {
    seen.add(root.id);
    out.push({ id: root.id, name: root.name, parent: null });
    walk(root.id);
  }
  for (const s of skills) if (!seen.has(s.id)) out.push({ id: s.id, name: s.name, parent: s.parent });
  return out;
}

function queueOut(q: QueueEntry) {
  return {
    algorithm: q.algorithm,
    offerTimeoutSeconds: q.offerTimeoutSeconds,
    persistent: q.persistent,
    waiting: {
      action: q.waiting.action,
      afterSeconds: q.waiting.afterSeconds,
      ...(q.waiting.overflowQueue !== null ? { overflowQueue: q.waiting.overflowQueue } : {}),
    },
  };
}

/**
 * The file shape as a plain object: nulls and empty optional parts left out, which import
 * reads as the same. Validating it gives back the same normalized configuration.
 */
export function siteConfigFile(c: NormalizedSiteConfig) {
  const { fallbackQueue, ...site } = c.site;
  return {
    version: c.version,
    site: { ...site, ...(fallbackQueue !== null ? { fallbackQueue } : {}) },
    generalQueue: queueOut(c.generalQueue),
    policies: c.policies,
    users: c.users.map(({ skills, disabled, password: _password, ...u }) => ({
      ...u,
      ...(disabled ? { disabled } : {}),
      ...(skills.preferred.length + skills.ignored.length > 0
        ? {
            skills: {
              ...(skills.preferred.length > 0 ? { preferred: skills.preferred } : {}),
              ...(skills.ignored.length > 0 ? { ignored: skills.ignored } : {}),
            },
          }
        : {}),
    })),
    teams: c.teams.map((t) => ({ id: t.id, name: t.name, kind: t.kind, members: t.members, ...queueOut(t) })),
    skills: c.skills.map((s) => ({ id: s.id, name: s.name, ...(s.parent !== null ? { parent: s.parent } : {}) })),
    issues: c.issues,
  };
}

export function renderSiteConfig(c: NormalizedSiteConfig): string {
  const doc = new Document(siteConfigFile(c));
  doc.commentBefore = HEADER;
  // Short lists and records read best on one line: `skills: [vpn, wifi]`,
  // `- { user: ann, role: lead }`, `- { id: vpn, name: VPN, parent: networking }`.
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && (pair.key.value === 'members' || pair.key.value === 'skills') && isSeq(pair.value)) {
        for (const item of pair.value.items) if (isMap(item)) item.flow = true;
      }
    },
  });
  // A blank line between top-level sections.
  if (isMap(doc.contents)) {
    doc.contents.items.forEach((pair, i) => {
      if (i > 0 && isScalar(pair.key)) pair.key.spaceBefore = true;
    });
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
