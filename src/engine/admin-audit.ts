/**
 * The admin audit log (SPEC I3, docs/admin.md): which configuration entities an admin
 * command changed, each before and after. Entities are compared in the normalized
 * configuration's own shape, so a row reads like the YAML file; passwords (even hashed)
 * never enter the log, only the fact that one changed.
 */
import type { NormalizedSiteConfig } from '../config/site-config.js';
import type { Db } from '../store/store.js';
import type { AuditLogRow } from '../store/schema.js';
import type { CommandContext } from './command-runner.js';

/**
 * Configuration entities, plus what admin pages change outside the configuration file:
 * support buttons and click-to-chat links, and sessions a change moved (the general queue
 * switched off, admin-general-queue.ts).
 */
export type AuditEntity = 'site' | 'queue' | 'policy' | 'user' | 'team' | 'skill' | 'issue' | 'support-button' | 'chat-link' | 'session';

export interface EntityChange {
  entity: AuditEntity;
  id: string;
  /** Null when the entity was created. */
  before: Record<string, unknown> | null;
  /** Null when the entity was removed. */
  after: Record<string, unknown> | null;
}

export interface AdminActor {
  id: string;
  login: string;
}

type Entities = Map<string, { entity: AuditEntity; id: string; value: Record<string, unknown>; password?: string }>;

/** Every entity of a configuration, keyed `entity:id`, in the shape the audit log shows. */
function entities(c: NormalizedSiteConfig): Entities {
  const out: Entities = new Map();
  const put = (entity: AuditEntity, id: string, value: object, password?: string) =>
    out.set(`${entity}:${id}`, { entity, id, value: value as Record<string, unknown>, ...(password !== undefined ? { password } : {}) });
  put('site', 'site', c.site);
  put('queue', 'general', c.generalQueue);
  for (const p of c.policies) put('policy', p.id, p);
  for (const u of c.users) {
    const { passwordHash, password: _password, ...rest } = u;
    const teams = c.teams.flatMap((t) => t.members.filter((m) => m.user === u.login).map((m) => ({ team: t.id, role: m.role })));
    put('user', u.login, { ...rest, teams }, passwordHash);
  }
  for (const t of c.teams) put('team', t.id, t);
  let rank = 0;
  for (const s of c.skills) put('skill', s.id, { ...s, rank: s.parent === null ? (rank += 1) : null });
  for (const i of c.issues) put('issue', i.code, i);
  return out;
}

/** The entities that differ between two configurations, in a stable order. */
export function diffConfigs(before: NormalizedSiteConfig, after: NormalizedSiteConfig): EntityChange[] {
  const a = entities(before);
  const b = entities(after);
  const changes: EntityChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const old = a.get(key);
    const now = b.get(key);
    const passwordChanged = old !== undefined && now !== undefined && old.password !== now.password;
    if (old && now && !passwordChanged && JSON.stringify(old.value) === JSON.stringify(now.value)) continue;
    const { entity, id } = (now ?? old)!;
    changes.push({
      entity,
      id,
      before: old ? old.value : null,
      after: now ? { ...now.value, ...(passwordChanged ? { passwordChanged: true } : {}) } : null,
    });
  }
  return changes;
}

/** One row per changed entity, all with the same change id. */
export async function writeAudit(ctx: CommandContext, actor: AdminActor, action: string, changeId: string, changes: EntityChange[]): Promise<void> {
  if (changes.length === 0) return;
  await ctx.tx
    .insertInto('audit_log')
    .values(
      changes.map((c) => ({
        change_id: changeId,
        at: ctx.now,
        actor_id: actor.id,
        actor_login: actor.login,
        action,
        entity: c.entity,
        entity_id: c.id,
        before: c.before === null ? null : JSON.stringify(c.before),
        after: c.after === null ? null : JSON.stringify(c.after),
      })),
    )
    .execute();
}

export interface AuditEntry {
  seq: number;
  changeId: string;
  at: number;
  actor: AdminActor;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  /** Newest first; only rows older than this sequence number (paging). */
  beforeSeq?: number;
  limit: number;
  entity?: string;
  entityId?: string;
}

function toEntry(r: AuditLogRow): AuditEntry {
  return {
    seq: r.seq,
    changeId: r.change_id,
    at: r.at,
    actor: { id: r.actor_id, login: r.actor_login },
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  };
}

export async function listAudit(db: Db, query: AuditQuery): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(query.limit);
  if (query.beforeSeq !== undefined) q = q.where('seq', '<', query.beforeSeq);
  if (query.entity !== undefined) q = q.where('entity', '=', query.entity);
  if (query.entityId !== undefined) q = q.where('entity_id', '=', query.entityId);
  return (await q.execute()).map(toEntry);
}
