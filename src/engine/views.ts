/** Read models: what the console, the portal and the API show of sessions. Reads take no lock. */
import type { Db } from '../store/store.js';
import type { SessionRow } from '../store/schema.js';
import { queueInfos, userNames } from '../store/queries/directory.js';
import { participantsOf, queuePosition } from '../store/queries/sessions.js';
import { sessionEvents } from '../store/queries/events.js';
import { siteSettings } from '../store/queries/directory.js';
import { estimatedWaitFor } from './wait-estimate.js';
import { PreparedList } from '../store/queries/prepared.js';

const issuesById = new PreparedList((db: Db, ids: readonly string[]) => db.selectFrom('issues').select(['id', 'code', 'title']).where('id', 'in', ids));

export interface SessionView {
  id: string;
  state: string;
  origin: string;
  clientType: string;
  customerName: string;
  customerCompany: string;
  details: string;
  issue: { code: string; title: string } | null;
  priority: number;
  requiredSkills: string[];
  attributes: Record<string, string>;
  queueId: string | null;
  queueName: string | null;
  waitingSince: number;
  /** W1: waited past the queue's mark rule. */
  overdue: boolean;
  ownerId: string | null;
  ownerName: string | null;
  createdAt: number;
  acceptedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
}

export interface Message {
  seq: number;
  at: number;
  from: 'customer' | 'rep' | 'system';
  name: string;
  text: string;
}

export async function sessionViews(db: Db, rows: SessionRow[]): Promise<SessionView[]> {
  const queueIds = [...new Set(rows.map((r) => r.queue_id).filter((q): q is string => q !== null))];
  const ownerIds = [...new Set(rows.map((r) => r.owner_id).filter((o): o is string => o !== null))];
  const issueIds = [...new Set(rows.map((r) => r.issue_id).filter((i): i is string => i !== null))];
  const [queues, owners, issues] = await Promise.all([
    queueInfos(db, queueIds),
    userNames(db, ownerIds),
    issueIds.length ? issuesById.all(db, issueIds) : Promise.resolve([]),
  ]);
  const issueById = new Map(issues.map((i) => [i.id, { code: i.code, title: i.title }]));
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    origin: r.origin,
    clientType: r.client_type,
    customerName: r.customer_name,
    customerCompany: r.customer_company,
    details: r.customer_details,
    issue: r.issue_id ? (issueById.get(r.issue_id) ?? null) : null,
    priority: r.priority,
    requiredSkills: JSON.parse(r.required_skills) as string[],
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    queueId: r.queue_id,
    queueName: r.queue_id ? (queues.get(r.queue_id)?.name ?? r.queue_id) : null,
    waitingSince: r.waiting_since,
    overdue: r.overdue === 1,
    ownerId: r.owner_id,
    ownerName: r.owner_id ? (owners.get(r.owner_id) ?? null) : null,
    createdAt: r.created_at,
    acceptedAt: r.accepted_at,
    endedAt: r.ended_at,
    endReason: r.end_reason,
  }));
}

/** S1: what the rep offered an invitation sees of it: who invites, and through which queue. */
export interface OfferInvitationView {
  id: string;
  inviterId: string;
  inviterName: string;
  queueId: string;
  queueName: string;
}

export async function offerInvitationView(db: Db, invitationId: string): Promise<OfferInvitationView | null> {
  const row = await db.selectFrom('invitations').select(['id', 'inviter_id', 'queue_id']).where('id', '=', invitationId).executeTakeFirst();
  if (!row) return null;
  const [names, queues] = await Promise.all([userNames(db, [row.inviter_id]), queueInfos(db, [row.queue_id])]);
  return {
    id: row.id,
    inviterId: row.inviter_id,
    inviterName: names.get(row.inviter_id) ?? row.inviter_id,
    queueId: row.queue_id,
    queueName: queues.get(row.queue_id)?.name ?? row.queue_id,
  };
}

export async function chatMessages(db: Db, sessionId: string): Promise<Message[]> {
  const events = await sessionEvents(db, sessionId, ['chat.message']);
  return events.map((e) => ({
    seq: e.seq,
    at: e.at,
    from: e.data.from === 'rep' ? 'rep' : e.data.from === 'customer' ? 'customer' : 'system',
    name: String(e.data.name ?? ''),
    text: String(e.data.text ?? ''),
  }));
}

/** What a customer sees of their own session (X2: nothing of anyone else's). */
export interface CustomerSessionView {
  id: string;
  state: string;
  queueName: string | null;
  position: number | null;
  repName: string | null;
  participantNames: string[];
  endReason: string | null;
  /** Q9: milliseconds left of the queue's average time-to-accept; null unless waiting with an average. */
  estimatedWaitMs: number | null;
  /** The site's notice to waiting customers ('' for none). */
  notice: string;
  /** 'chat' for click-to-chat sessions (C5). */
  clientType: string;
}

export async function customerSessionView(db: Db, row: SessionRow, now: number): Promise<CustomerSessionView> {
  const [view] = await sessionViews(db, [row]);
  const participants = await participantsOf(db, row.id);
  const names = await userNames(db, participants.map((p) => p.user_id));
  return {
    id: row.id,
    state: row.state,
    queueName: view?.queueName ?? null,
    position: await queuePosition(db, row),
    repName: view?.ownerName ?? null,
    participantNames: participants.map((p) => names.get(p.user_id) ?? '?'),
    endReason: row.end_reason,
    estimatedWaitMs: await estimatedWaitFor(db, row, now),
    notice: row.state === 'ended' ? '' : (await siteSettings(db)).customerNotice,
    clientType: row.client_type,
  };
}
