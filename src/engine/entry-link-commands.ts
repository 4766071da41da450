/**
 * C4, C5: admins and reps make support buttons and click-to-chat links, change them and
 * revoke them. Every change is written to the audit log (docs/admin.md), like the admin
 * pages' other changes: a link is a way into the queues, so who aimed it where matters.
 */
import { LobbyError } from '../core/errors.js';
import {
  editedLinkExpiry,
  linkLifetimeMinutes,
  linkName,
  namesTarget,
  planLinkTarget,
  type EntryLinkKind,
  type LinkActor,
  type LinkTargetRequest,
} from '../core/entry-links.js';
import type { EntryLinkRow } from '../store/schema.js';
import { findIssueByCode, findUser } from '../store/queries/directory.js';
import { findEntryLink, insertEntryLink } from '../store/queries/entry-links.js';
import { writeAudit, type AuditEntity } from './admin-audit.js';
import type { CommandContext } from './command-runner.js';

/** Who makes or changes a link: the rules' actor, with the login the audit log shows. */
export interface LinkEditor extends LinkActor {
  login: string;
}

export interface NewEntryLink extends LinkTargetRequest {
  kind: EntryLinkKind;
  name: string;
  expiresInMinutes?: number | undefined;
}

/** An edit: fields left out stay; any target field replaces the target whole (as when creating). */
export interface EntryLinkEdit extends LinkTargetRequest {
  name?: string | undefined;
  /** A new lifetime counted from now; null = never expires (click-to-chat links only). */
  expiresInMinutes?: number | null | undefined;
}

type LinkTarget = Pick<EntryLinkRow, 'target_kind' | 'target_id' | 'issue_id'>;

/** Where a link leads, checked against what exists now. */
async function resolveTarget(ctx: CommandContext, kind: EntryLinkKind, actor: LinkActor, request: LinkTargetRequest): Promise<LinkTarget> {
  const plan = planLinkTarget(kind, actor, request);
  let targetId = plan.targetId;
  if (plan.targetKind === 'rep' && targetId !== null) {
    const rep = await findUser(ctx.tx, targetId);
    if (!rep || rep.disabled === 1) throw new LobbyError('invalid_input', 'There is no such rep.', 'repId');
  }
  if (plan.targetKind === 'team' && targetId !== null) {
    const team = await ctx.tx.selectFrom('teams').select('id').where('id', '=', targetId).executeTakeFirst();
    if (!team) throw new LobbyError('invalid_input', 'There is no such team.', 'teamId');
  }
  let issueId: string | null = null;
  if (plan.issueCode !== null) {
    const issue = await findIssueByCode(ctx.tx, plan.issueCode);
    if (!issue) throw new LobbyError('unknown_issue', 'There is no issue with that code.', 'issueCode');
    issueId = issue.id;
    if (plan.targetKind === 'issue') targetId = issue.id;
  }
  return { target_kind: plan.targetKind, target_id: targetId, issue_id: issueId };
}

export async function createEntryLink(ctx: CommandContext, actor: LinkEditor, input: NewEntryLink): Promise<EntryLinkRow> {
  const name = linkName(input.name);
  const target = await resolveTarget(ctx, input.kind, actor, input);
  const minutes = linkLifetimeMinutes(input.kind, input.expiresInMinutes);
  const row: EntryLinkRow = {
    id: ctx.ids.id(),
    kind: input.kind,
    token: ctx.ids.token(),
    name,
    ...target,
    created_by: actor.repId,
    created_at: ctx.now,
    expires_at: minutes === null ? null : ctx.now + minutes * 60_000,
    revoked_at: null,
  };
  await insertEntryLink(ctx.tx, row);
  await auditLink(ctx, actor, 'create', null, row);
  return row;
}

/** Whether `actor` may see, change and revoke `link`: admins all; reps the ones they made or that lead to them. */
export function mayManageLink(actor: LinkActor, link: EntryLinkRow): boolean {
  return actor.isAdmin || link.created_by === actor.repId || (link.target_kind === 'rep' && link.target_id === actor.repId);
}

async function manageableLink(ctx: CommandContext, actor: LinkEditor, kind: EntryLinkKind, id: string): Promise<EntryLinkRow> {
  const link = await findEntryLink(ctx.tx, kind, id);
  // A link the actor may not manage is reported as missing, so ids cannot be probed.
  if (!link || !mayManageLink(actor, link)) throw new LobbyError('not_found', 'There is no such link.');
  return link;
}

/**
 * Renames a link, aims it elsewhere or gives it a new lifetime. The token stays, so a
 * button already handed out and a snippet already on a web site lead to the new target:
 * that is why an admin edits a link rather than making a new one. A revoked link stays
 * revoked (revoking is final); an expired one works again when given a new lifetime.
 */
export async function updateEntryLink(ctx: CommandContext, actor: LinkEditor, kind: EntryLinkKind, id: string, edit: EntryLinkEdit): Promise<EntryLinkRow> {
  const link = await manageableLink(ctx, actor, kind, id);
  // A rep's link an admin has aimed at a team or another rep is the admin's to change now;
  // the rep who made it may still withdraw it (revoke).
  if (!actor.isAdmin && !(link.target_kind === 'rep' && link.target_id === actor.repId)) {
    throw new LobbyError('forbidden', 'Only admins can change links for other reps, for teams or for the general queue.');
  }
  if (link.revoked_at !== null) throw new LobbyError('conflict', 'This link was revoked, and revoking is final. Make a new link instead.');
  const next: EntryLinkRow = { ...link };
  if (edit.name !== undefined) next.name = linkName(edit.name);
  if (namesTarget(edit)) Object.assign(next, await resolveTarget(ctx, kind, actor, edit));
  if (edit.expiresInMinutes !== undefined) next.expires_at = editedLinkExpiry(kind, edit.expiresInMinutes, ctx.now);
  const fields = ['name', 'target_kind', 'target_id', 'issue_id', 'expires_at'] as const;
  if (fields.every((f) => next[f] === link[f])) return link;
  await ctx.tx
    .updateTable('entry_links')
    .set({ name: next.name, target_kind: next.target_kind, target_id: next.target_id, issue_id: next.issue_id, expires_at: next.expires_at })
    .where('id', '=', id)
    .execute();
  await auditLink(ctx, actor, 'update', link, next);
  return next;
}

/** Revoking is final and answers with the revoked link; revoking twice changes nothing. */
export async function revokeEntryLink(ctx: CommandContext, actor: LinkEditor, kind: EntryLinkKind, id: string): Promise<EntryLinkRow> {
  const link = await manageableLink(ctx, actor, kind, id);
  if (link.revoked_at !== null) return link;
  await ctx.tx.updateTable('entry_links').set({ revoked_at: ctx.now }).where('id', '=', id).execute();
  const revoked = { ...link, revoked_at: ctx.now };
  await auditLink(ctx, actor, 'revoke', link, revoked);
  return revoked;
}

// ---- Audit ----

const AUDIT_ENTITY: Record<EntryLinkKind, AuditEntity> = { button: 'support-button', chat: 'chat-link' };

/** A link as the audit log shows it: where it leads in the configuration's words, never its token. */
async function auditValue(ctx: CommandContext, link: EntryLinkRow): Promise<Record<string, unknown>> {
  const issueCode = async (issueId: string | null) =>
    issueId === null ? null : ((await ctx.tx.selectFrom('issues').select('code').where('id', '=', issueId).executeTakeFirst())?.code ?? issueId);
  const target =
    link.target_kind === 'general'
      ? 'general'
      : link.target_kind === 'issue'
        ? `issue:${await issueCode(link.target_id)}`
        : `${link.target_kind}:${link.target_id}`;
  return {
    name: link.name,
    target,
    issue: link.target_kind === 'issue' ? null : await issueCode(link.issue_id),
    createdBy: link.created_by,
    expiresAt: link.expires_at === null ? null : new Date(link.expires_at).toISOString(),
    revokedAt: link.revoked_at === null ? null : new Date(link.revoked_at).toISOString(),
  };
}

async function auditLink(ctx: CommandContext, actor: LinkEditor, verb: 'create' | 'update' | 'revoke', before: EntryLinkRow | null, after: EntryLinkRow): Promise<void> {
  const entity = AUDIT_ENTITY[after.kind as EntryLinkKind];
  await writeAudit(ctx, { id: actor.repId, login: actor.login }, `${entity}.${verb}`, ctx.ids.id(), [
    { entity, id: after.id, before: before === null ? null : await auditValue(ctx, before), after: await auditValue(ctx, after) },
  ]);
}
