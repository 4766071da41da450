/** C4, C5: admins and reps make support buttons and click-to-chat links, and revoke them. */
import { LobbyError } from '../core/errors.js';
import {
  linkLifetimeMinutes,
  planLinkTarget,
  type EntryLinkKind,
  type LinkActor,
  type LinkTargetRequest,
} from '../core/entry-links.js';
import type { EntryLinkRow } from '../store/schema.js';
import { findIssueByCode, findUser } from '../store/queries/directory.js';
import { findEntryLink, insertEntryLink } from '../store/queries/entry-links.js';
import type { CommandContext } from './command-runner.js';

export interface NewEntryLink extends LinkTargetRequest {
  kind: EntryLinkKind;
  name: string;
  expiresInMinutes?: number | undefined;
}

const NAME_MAX = 100;

export async function createEntryLink(ctx: CommandContext, actor: LinkActor, input: NewEntryLink): Promise<EntryLinkRow> {
  const name = input.name.trim();
  if (name === '' || [...name].length > NAME_MAX) {
    throw new LobbyError('invalid_input', `A name of 1 to ${NAME_MAX} characters is needed.`, 'name');
  }
  const plan = planLinkTarget(input.kind, actor, input);
  const minutes = linkLifetimeMinutes(input.kind, input.expiresInMinutes);
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
  const row: EntryLinkRow = {
    id: ctx.ids.id(),
    kind: input.kind,
    token: ctx.ids.token(),
    name,
    target_kind: plan.targetKind,
    target_id: targetId,
    issue_id: issueId,
    created_by: actor.repId,
    created_at: ctx.now,
    expires_at: minutes === null ? null : ctx.now + minutes * 60_000,
    revoked_at: null,
  };
  await insertEntryLink(ctx.tx, row);
  return row;
}

/** Whether `actor` may see and revoke `link`: admins all; reps the ones they made or that lead to them. */
export function mayManageLink(actor: LinkActor, link: EntryLinkRow): boolean {
  return actor.isAdmin || link.created_by === actor.repId || (link.target_kind === 'rep' && link.target_id === actor.repId);
}

/** Revoking is final and answers with the revoked link; revoking twice changes nothing. */
export async function revokeEntryLink(ctx: CommandContext, actor: LinkActor, kind: EntryLinkKind, id: string): Promise<EntryLinkRow> {
  const link = await findEntryLink(ctx.tx, kind, id);
  // A link the actor may not manage is reported as missing, so ids cannot be probed.
  if (!link || !mayManageLink(actor, link)) throw new LobbyError('not_found', 'There is no such link.');
  if (link.revoked_at !== null) return link;
  await ctx.tx.updateTable('entry_links').set({ revoked_at: ctx.now }).where('id', '=', id).execute();
  return { ...link, revoked_at: ctx.now };
}
