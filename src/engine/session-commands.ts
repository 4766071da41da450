/**
 * Commands on sessions: create (every entry point), accept (Q7), chat, end (L3).
 * Each runs inside one CommandContext transaction; see command-runner.ts.
 */
import { LobbyError } from '../core/errors.js';
import { checkChatText, checkCustomerInput, type RawCustomerInput } from '../core/customer-input.js';
import { GENERAL_QUEUE_ID, openQueueFor } from '../core/site-settings.js';
import { visibleQueueIds } from '../core/queue-visibility.js';
import type { QueueRow, SessionRow } from '../store/schema.js';
import { findSession, insertSession, updateSession, addParticipant, participantsOf } from '../store/queries/sessions.js';
import { findQueue, memberships, policyOf, siteSettings, findUser } from '../store/queries/directory.js';
import type { CommandContext } from './command-runner.js';
import { hashToken } from './ids.js';
import { runEquilibrium } from './equilibrium-run.js';
import { armWaitingRule, WAITING_RULE_TIMER } from './queue-moves.js';
import { endOpenInvitations } from './invitation-commands.js';
import { rescindIfUnavailable } from './availability-commands.js';
import { rescindOffers } from './rescind-offers.js';
import { prepared } from '../store/queries/prepared.js';
import type { Db } from '../store/store.js';
import { sql } from 'kysely';

export type Origin = 'session_key' | 'rep_list' | 'issue' | 'button' | 'chat' | 'api';

export interface CreateSessionInput extends RawCustomerInput {
  origin: Origin;
  /** Where it waits; null = the general queue (C7), or the fallback queue when that is off. */
  queueId: string | null;
  clientType?: 'standard' | 'chat';
  issueId?: string | null;
  priority?: number;
  requiredSkills?: string[];
}

export interface CreatedSession {
  session: SessionRow;
  customerToken: string;
}

/**
 * Resolves C7: no target means the general queue, or the fallback queue where it is off.
 * Gives the queue's row too when it was read (not for the general queue).
 */
async function resolveTargetQueue(ctx: CommandContext, queueId: string | null): Promise<{ id: string; row?: QueueRow }> {
  if (queueId !== null) {
    const queue = await findQueue(ctx.tx, queueId);
    if (!queue) throw new LobbyError('not_found', 'That queue does not exist.', 'queueId');
    return { id: queue.id, row: queue };
  }
  const open = openQueueFor(GENERAL_QUEUE_ID, await siteSettings(ctx.tx));
  if (open === GENERAL_QUEUE_ID) return { id: GENERAL_QUEUE_ID };
  const fallback = open === null ? undefined : await findQueue(ctx.tx, open);
  if (fallback) return { id: fallback.id, row: fallback };
  throw new LobbyError('unavailable', 'Support is not taking new requests right now.');
}

export async function createSession(ctx: CommandContext, input: CreateSessionInput): Promise<CreatedSession> {
  const customer = checkCustomerInput(input, { nameRequired: input.origin === 'issue' });
  const target = await resolveTargetQueue(ctx, input.queueId);
  const queueId = target.id;
  const customerToken = ctx.ids.token();
  const row: SessionRow = {
    id: ctx.ids.id(),
    state: 'waiting',
    origin: input.origin,
    client_type: input.clientType ?? 'standard',
    customer_name: customer.customerName,
    customer_company: customer.customerCompany,
    customer_details: customer.details,
    issue_id: input.issueId ?? null,
    priority: input.priority ?? 0,
    required_skills: JSON.stringify(input.requiredSkills ?? []),
    attributes: JSON.stringify(customer.attributes),
    first_queue_id: queueId,
    queue_id: queueId,
    last_queue_id: queueId,
    queued_at: ctx.now,
    waiting_since: ctx.now,
    owner_id: null,
    overdue: 0,
    overflow_moves: 0,
    customer_token_hash: hashToken(customerToken),
    created_at: ctx.now,
    accepted_at: null,
    ended_at: null,
    end_reason: null,
  };
  await insertSession(ctx.tx, row);
  await ctx.emit({
    type: 'session.created',
    sessionId: row.id,
    queueId,
    data: { origin: row.origin, clientType: row.client_type, issueId: row.issue_id, priority: row.priority },
  });
  await ctx.emit({ type: 'session.queued', sessionId: row.id, queueId, data: { queueId } });
  await armWaitingRule(ctx, row, target.row);
  await runEquilibrium(ctx);
  return { session: row, customerToken };
}

/** Loads a session for a command, refusing unknown (not_found) and ended ones (L2). */
export async function loadLiveSession(ctx: CommandContext, sessionId: string): Promise<SessionRow> {
  return live(await findSession(ctx.tx, sessionId));
}

function live(session: SessionRow | undefined): SessionRow {
  if (!session) throw new LobbyError('not_found', 'That session does not exist.');
  if (session.state === 'ended') throw new LobbyError('session_ended', 'That session has already ended.');
  return session;
}

/**
 * The row findSession reads, and whether any offer about the session is pending (its own or
 * an invitation's) and whether it has an open invitation: an end that finds neither has
 * nothing to rescind or end, and skips the two reads that would find nothing. The states
 * are literals: SQLite compiles a statement again on every run when a bound value could
 * decide whether a partial index applies (`invitations_offerable` is on `state = 'open'`).
 */
const sessionToEnd = prepared((db: Db, id: string) =>
  db
    .selectFrom('sessions')
    .selectAll()
    .select((eb) => [
      eb
        .exists(eb.selectFrom('offers').select('offers.id').whereRef('offers.session_id', '=', 'sessions.id').where('offers.state', '=', sql.lit('pending')))
        .as('lobby_pending_offers'),
      eb
        .exists(eb.selectFrom('invitations').select('invitations.id').whereRef('invitations.session_id', '=', 'sessions.id').where('invitations.state', '=', sql.lit('open')))
        .as('lobby_open_invitations'),
    ])
    .where('id', '=', id),
);

/** Q6: the queues this rep may see and act on. */
export async function repQueueIds(ctx: Pick<CommandContext, 'tx'>, repId: string): Promise<string[]> {
  const [ms, policy, site] = await Promise.all([memberships(ctx.tx, repId), policyOf(ctx.tx, repId), siteSettings(ctx.tx)]);
  return visibleQueueIds({
    repId,
    memberships: ms,
    generalQueueEnabled: site.generalQueueEnabled,
    canSeeGeneralQueue: policy.canSeeGeneralQueue,
  });
}

/** Q7: a rep takes a waiting session by hand. Of two simultaneous accepts exactly one wins. */
export async function acceptSession(ctx: CommandContext, repId: string, sessionId: string): Promise<SessionRow> {
  const session = await loadLiveSession(ctx, sessionId);
  if (session.state !== 'waiting' || session.queue_id === null) {
    throw new LobbyError('already_taken', 'Another representative has already taken this session.');
  }
  const visible = await repQueueIds(ctx, repId);
  if (!visible.includes(session.queue_id)) {
    throw new LobbyError('forbidden', 'You cannot take sessions from that queue.');
  }
  if (!session.queue_id.startsWith('rep:')) {
    const policy = await policyOf(ctx.tx, repId);
    if (!policy.canAcceptFromTeamQueues) {
      throw new LobbyError('forbidden', 'Your policy does not allow taking sessions from team queues.');
    }
  }
  // Guarded update: even without the routing lock, a second accept would change no row.
  const updated = await ctx.tx
    .updateTable('sessions')
    .set({ state: 'active', owner_id: repId, queue_id: null, accepted_at: ctx.now, overdue: 0 })
    .where('id', '=', sessionId)
    .where('state', '=', 'waiting')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) {
    throw new LobbyError('already_taken', 'Another representative has already taken this session.');
  }
  await addParticipant(ctx.tx, sessionId, repId, 'owner', ctx.now);
  await cancelQueueTimers(ctx, sessionId);
  const rescinded = await rescindOffers(ctx, { sessionId }, 'accepted_by_hand');
  await ctx.emit({
    type: 'session.accepted',
    sessionId,
    queueId: session.queue_id,
    repId,
    data: { queueId: session.queue_id, waitedMs: ctx.now - session.waiting_since, manual: true },
  });
  await touchLoad(ctx, repId);
  // E9: this accept may take the rep to their session limit; an offer they hold then goes.
  await rescindIfUnavailable(ctx, repId, 'at_session_limit');
  // E1: the rep whose offer was rescinded is free for another session.
  if (rescinded > 0) await runEquilibrium(ctx);
  // Its pending offers were rescinded above, and an active session is offered none (E1).
  return updatedRow(session, { state: 'active', owner_id: repId, queue_id: null, accepted_at: ctx.now, overdue: 0 }, 0);
}

/**
 * The row `findSession` would read after a command wrote `patch` to the session `session`
 * was read as, without reading it again. The row as read also holds `pending_offers`, kept
 * by triggers and not part of SessionRow: the caller says what it is now.
 */
export function updatedRow(session: SessionRow, patch: Partial<SessionRow>, pendingOffers: number): SessionRow {
  const row: SessionRow = { ...session, ...patch };
  if ('pending_offers' in session) (row as SessionRow & { pending_offers: number }).pending_offers = pendingOffers;
  return row;
}

/** A session that leaves its queue leaves its waiting rule behind. */
export async function cancelQueueTimers(ctx: CommandContext, sessionId: string): Promise<void> {
  await ctx.cancelTimers(WAITING_RULE_TIMER, sessionId);
}

const loadSince = prepared((db: Db, repId: string, at: number) => db.updateTable('presence').set({ load_since: at }).where('user_id', '=', repId));
const timersOf = prepared((db: Db, ref: string) => db.deleteFrom('timers').where('ref', '=', ref));

/** E3 (3): a rep's load changed; they have been at the new load since now. */
export async function touchLoad(ctx: CommandContext, repId: string): Promise<void> {
  await loadSince.execute(ctx.tx, repId, ctx.now);
}

export type Speaker = { kind: 'rep'; repId: string } | { kind: 'customer' };

export async function sendChatMessage(ctx: CommandContext, sessionId: string, from: Speaker, rawText: string) {
  const text = checkChatText(rawText);
  const session = await loadLiveSession(ctx, sessionId);
  if (session.state !== 'active') {
    throw new LobbyError('not_in_session', 'Chat opens when a representative accepts the session.');
  }
  let name = session.customer_name || 'Customer';
  if (from.kind === 'rep') {
    const participants = await participantsOf(ctx.tx, sessionId);
    if (!participants.some((p) => p.user_id === from.repId)) {
      throw new LobbyError('not_in_session', 'You are not in that session.');
    }
    name = (await findUser(ctx.tx, from.repId))?.display_name ?? 'Representative';
  }
  return ctx.emit({
    type: 'chat.message',
    sessionId,
    repId: from.kind === 'rep' ? from.repId : null,
    data: { from: from.kind, name, text },
  });
}

export type EndReason = 'completed' | 'abandoned' | 'no_rep' | 'expired' | 'canceled';

/** L3: ends a session. Ended is final (L2). */
export async function endSession(
  ctx: CommandContext,
  sessionId: string,
  by: Speaker | { kind: 'api' } | { kind: 'system' },
  reason: EndReason,
): Promise<SessionRow> {
  const read = await sessionToEnd.first(ctx.tx, sessionId);
  const { lobby_pending_offers: pendingOffers, lobby_open_invitations: openInvitations, ...row } = read ?? { lobby_pending_offers: 0, lobby_open_invitations: 0 };
  const session = live(read === undefined ? undefined : (row as SessionRow));
  if (by.kind === 'rep' && session.owner_id !== by.repId) {
    // S2: only the owner ends a session.
    throw new LobbyError('forbidden', 'Only the owner of the session can end it.');
  }
  const participants = await participantsOf(ctx.tx, sessionId);
  await updateSession(ctx.tx, sessionId, { state: 'ended', queue_id: null, ended_at: ctx.now, end_reason: reason });
  // E9, S4: the session's pending offer goes, and so do those of its invitations, which end.
  // (SQLite answers 0 or 1, PostgreSQL false or true.)
  const rescinded = Number(pendingOffers) === 0 ? 0 : await rescindOffers(ctx, { sessionId }, 'session_ended');
  if (Number(openInvitations) !== 0) await endOpenInvitations(ctx, sessionId, 'session_ended');
  await timersOf.execute(ctx.tx, sessionId);
  await ctx.emit({
    type: 'session.ended',
    sessionId,
    queueId: session.queue_id,
    repId: by.kind === 'rep' ? by.repId : null,
    data: { reason, by: by.kind, queueId: session.queue_id, ownerId: session.owner_id },
  });
  for (const p of participants) await touchLoad(ctx, p.user_id);
  // Reps who were in it may have dropped below their session limit, and the rep whose
  // offer was rescinded is free for another session (E1).
  if (participants.length > 0 || rescinded > 0) await runEquilibrium(ctx);
  // Its pending offers were rescinded above, and an ended session is offered none.
  return updatedRow(session, { state: 'ended', queue_id: null, ended_at: ctx.now, end_reason: reason }, 0);
}
