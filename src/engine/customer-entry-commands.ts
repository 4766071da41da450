/**
 * Entry points that start sessions beyond the issue form and session keys: the
 * representative list (C2), support buttons (C4) and click-to-chat links (C5).
 */
import { LobbyError } from '../core/errors.js';
import { checkCustomerInput, type RawCustomerInput } from '../core/customer-input.js';
import { linkStatus, type EntryLinkKind } from '../core/entry-links.js';
import { representativeList } from '../core/rep-list.js';
import { personalQueueId, teamQueueId } from '../core/site-settings.js';
import type { Db } from '../store/store.js';
import type { EntryLinkRow } from '../store/schema.js';
import { findQueue, queueInfos } from '../store/queries/directory.js';
import { findEntryLinkByToken } from '../store/queries/entry-links.js';
import { repListCandidates } from '../store/queries/rep-list.js';
import type { CommandContext } from './command-runner.js';
import { hashToken } from './ids.js';
import { createSession, type CreatedSession } from './session-commands.js';

/**
 * The id a rep has on the public list: derived from, but not revealing, their login, so
 * that the portal hands out no login names to guess passwords for.
 */
export function repListHandle(userId: string): string {
  return hashToken(`rep-list:${userId}`).slice(0, 16);
}

export interface ListedRep {
  id: string;
  name: string;
}

/** C2: reps a customer may choose right now, in display-number order. */
export async function listedReps(db: Db): Promise<ListedRep[]> {
  return representativeList(await repListCandidates(db)).map((r) => ({ id: repListHandle(r.id), name: r.name }));
}

const REP_GONE = 'That representative is no longer available. Please choose another one.';

/** C2: the chosen rep must still be listed when the customer submits. */
export async function startFromRepList(ctx: CommandContext, handle: string, customer: RawCustomerInput): Promise<CreatedSession> {
  checkCustomerInput(customer, { nameRequired: true });
  const rep = representativeList(await repListCandidates(ctx.tx)).find((r) => repListHandle(r.id) === handle);
  if (!rep) throw new LobbyError('rep_unavailable', REP_GONE, 'repId');
  return createSession(ctx, { ...customer, origin: 'rep_list', queueId: personalQueueId(rep.id) });
}

export const LINK_EXPIRED_MESSAGE = 'This link has expired.';
const LINK_UNKNOWN_MESSAGE = 'This link is not valid.';
const LINK_UNAVAILABLE_MESSAGE = 'Support through this link is not available right now.';

/** A link a customer may follow now: unknown → not_found; expired or revoked → link_expired. */
export async function usableLink(db: Db, kind: EntryLinkKind, token: string, now: number): Promise<EntryLinkRow> {
  const link = await findEntryLinkByToken(db, kind, token);
  if (!link) throw new LobbyError('not_found', LINK_UNKNOWN_MESSAGE);
  if (linkStatus(link, now) !== 'active') throw new LobbyError('link_expired', LINK_EXPIRED_MESSAGE);
  return link;
}

interface LinkRoute {
  queueId: string | null;
  issue: { id: string; queue_id: string; skills: string; priority: number } | null;
}

/** Where a link leads today: the target's queue, with the issue's skills and priority. */
async function routeOfLink(db: Db, link: EntryLinkRow): Promise<LinkRoute> {
  const issue = link.issue_id
    ? ((await db.selectFrom('issues').select(['id', 'queue_id', 'skills', 'priority']).where('id', '=', link.issue_id).executeTakeFirst()) ?? null)
    : null;
  let queueId: string | null = null;
  if (link.target_kind === 'rep' && link.target_id) queueId = personalQueueId(link.target_id);
  if (link.target_kind === 'team' && link.target_id) queueId = teamQueueId(link.target_id);
  if (link.target_kind === 'issue') {
    if (!issue) throw new LobbyError('unavailable', LINK_UNAVAILABLE_MESSAGE);
    queueId = issue.queue_id;
  }
  if (queueId !== null && !(await findQueue(db, queueId))) throw new LobbyError('unavailable', LINK_UNAVAILABLE_MESSAGE);
  return { queueId, issue };
}

export interface PublicLink {
  name: string;
  /** Who the customer will reach: a rep's or team's name; null for the general queue. */
  targetName: string | null;
  expiresAt: number | null;
}

/** What the customer sees before starting: the link's name and who it leads to. */
export async function describeLink(db: Db, kind: EntryLinkKind, token: string, now: number): Promise<PublicLink> {
  const link = await usableLink(db, kind, token, now);
  const route = await routeOfLink(db, link);
  let targetName: string | null = null;
  if (route.queueId !== null) {
    const info = (await queueInfos(db, [route.queueId])).get(route.queueId);
    targetName = info?.kind === 'personal' ? info.name.replace(/ \(personal\)$/, '') : (info?.name ?? null);
  }
  return { name: link.name, targetName, expiresAt: link.expires_at };
}

/** C4, C5: following a working link starts a session in its target's queue (C7: none → general). */
export async function startFromLink(
  ctx: CommandContext,
  kind: EntryLinkKind,
  token: string,
  customer: RawCustomerInput,
): Promise<CreatedSession> {
  checkCustomerInput(customer, { nameRequired: false });
  const link = await usableLink(ctx.tx, kind, token, ctx.now);
  const { queueId, issue } = await routeOfLink(ctx.tx, link);
  return createSession(ctx, {
    ...customer,
    origin: kind === 'button' ? 'button' : 'chat',
    clientType: kind === 'chat' ? 'chat' : 'standard',
    queueId,
    issueId: issue?.id ?? null,
    priority: issue?.priority ?? 0,
    requiredSkills: issue ? (JSON.parse(issue.skills) as string[]) : [],
  });
}

/** C2, I1: the rep's own "show me on the representative list" switch. */
export async function setListedOnRepList(ctx: CommandContext, repId: string, listed: boolean): Promise<void> {
  await ctx.tx.updateTable('users').set({ show_on_rep_list: listed ? 1 : 0 }).where('id', '=', repId).execute();
}
