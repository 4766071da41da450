/**
 * S1–S4: shared sessions. The owner invites a rep or a team; the invitation waits in that
 * rep's personal queue or that team's queue, and where the team routes automatically
 * Equilibrium offers it to one eligible member at a time, like a session (E1–E10).
 * Accepting it, by hand or through its offer, makes the rep a participant.
 */
import type { Selectable } from 'kysely';
import { LobbyError } from '../core/errors.js';
import { findQueue } from '../store/queries/directory.js';
import { addParticipant, participantsOf } from '../store/queries/sessions.js';
import type { InvitationTable, OfferTable, SessionRow } from '../store/schema.js';
import type { CommandContext } from './command-runner.js';
import { rescindIfUnavailable } from './availability-commands.js';
import { OFFER_EXPIRE_TIMER, runEquilibrium } from './equilibrium-run.js';
import { rescindOffers } from './rescind-offers.js';
import { loadLiveSession, repQueueIds, touchLoad } from './session-commands.js';

type InvitationRow = Selectable<InvitationTable>;
type OfferRow = Selectable<OfferTable>;

export async function inviteToSession(ctx: CommandContext, repId: string, sessionId: string, queueId: string) {
  const session = await loadLiveSession(ctx, sessionId);
  if (session.state !== 'active' || session.owner_id !== repId) {
    throw new LobbyError('forbidden', 'Only the owner of an active session can invite others to it.');
  }
  const queue = await findQueue(ctx.tx, queueId);
  if (!queue) throw new LobbyError('not_found', 'That rep or team does not exist.', 'queueId');
  if (queue.kind === 'general') throw new LobbyError('invalid_input', 'Invite a rep or a team, not the general queue.', 'queueId');
  const participants = await participantsOf(ctx.tx, sessionId);
  if (queue.user_id !== null && participants.some((p) => p.user_id === queue.user_id)) {
    throw new LobbyError('invalid_input', 'That rep is already in the session.', 'queueId');
  }
  const open = await ctx.tx
    .selectFrom('invitations')
    .select('id')
    .where('session_id', '=', sessionId)
    .where('queue_id', '=', queueId)
    .where('state', '=', 'open')
    .executeTakeFirst();
  if (open) throw new LobbyError('invalid_input', 'An invitation to them is already open.', 'queueId');
  const id = ctx.ids.id();
  await ctx.tx
    .insertInto('invitations')
    .values({
      id,
      session_id: sessionId,
      inviter_id: repId,
      queue_id: queueId,
      state: 'open',
      created_at: ctx.now,
      ended_at: null,
      accepted_by: null,
      // Q4 among a queue's invitations, read through an index (migration 0007).
      priority: session.priority,
    })
    .execute();
  await ctx.emit({ type: 'invitation.created', sessionId, queueId, repId, data: { invitationId: id, queueId, inviterId: repId } });
  // E1: the invitation entered a queue.
  await runEquilibrium(ctx);
  return { id, sessionId, queueId, createdAt: ctx.now };
}

async function loadOpenInvitation(ctx: CommandContext, invitationId: string): Promise<InvitationRow> {
  const invitation = await ctx.tx.selectFrom('invitations').selectAll().where('id', '=', invitationId).executeTakeFirst();
  if (!invitation) throw new LobbyError('not_found', 'No such invitation.');
  if (invitation.state !== 'open') throw new LobbyError('not_waiting', `That invitation is no longer open (it was ${invitation.state}).`);
  return invitation;
}

/**
 * S2: the rep joins by hand as a participant: sees the chat and details, cannot transfer
 * or end. A rep who joins through the invitation they are being offered has accepted the offer.
 */
export async function acceptInvitation(ctx: CommandContext, repId: string, invitationId: string): Promise<SessionRow> {
  const invitation = await loadOpenInvitation(ctx, invitationId);
  if (!(await repQueueIds(ctx, repId)).includes(invitation.queue_id)) {
    throw new LobbyError('forbidden', 'That invitation is not addressed to you or your teams.');
  }
  const own = await ctx.tx
    .selectFrom('offers')
    .selectAll()
    .where('invitation_id', '=', invitationId)
    .where('rep_id', '=', repId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  if (!own) return join(ctx, repId, invitation);
  await offerAccepted(ctx, own, invitation);
  const session = await join(ctx, repId, invitation);
  // E1: the rep holds no offer now and, below their session limit, may take the next one.
  await runEquilibrium(ctx);
  return session;
}

/** E5 for an invitation (S1, S2): the rep accepted its offer, and joins. Called by acceptOffer. */
export async function acceptInvitationOffer(ctx: CommandContext, repId: string, offer: OfferRow): Promise<SessionRow> {
  const invitation = await loadOpenInvitation(ctx, offer.invitation_id ?? '');
  await offerAccepted(ctx, offer, invitation);
  const session = await join(ctx, repId, invitation);
  // E1: the rep holds no offer now and, below their session limit, may take the next one.
  await runEquilibrium(ctx);
  return session;
}

async function offerAccepted(ctx: CommandContext, offer: OfferRow, invitation: InvitationRow): Promise<void> {
  await ctx.tx.updateTable('offers').set({ state: 'accepted', ended_at: ctx.now }).where('id', '=', offer.id).execute();
  await ctx.cancelTimers(OFFER_EXPIRE_TIMER, offer.id);
  // E10: an answer shows the rep is there.
  await ctx.tx.updateTable('presence').set({ missed_offers: 0 }).where('user_id', '=', offer.rep_id).execute();
  await ctx.emit({
    type: 'offer.accepted',
    sessionId: offer.session_id,
    queueId: invitation.queue_id,
    repId: offer.rep_id,
    data: { offerId: offer.id, invitationId: invitation.id },
  });
}

async function join(ctx: CommandContext, repId: string, invitation: InvitationRow): Promise<SessionRow> {
  const session = await loadLiveSession(ctx, invitation.session_id);
  if ((await participantsOf(ctx.tx, session.id)).some((p) => p.user_id === repId)) {
    throw new LobbyError('invalid_input', 'You are already in that session.');
  }
  const invitationId = invitation.id;
  await ctx.tx
    .updateTable('invitations')
    .set({ state: 'accepted', ended_at: ctx.now, accepted_by: repId })
    .where('id', '=', invitationId)
    .execute();
  await addParticipant(ctx.tx, session.id, repId, 'participant', ctx.now);
  await ctx.emit({ type: 'invitation.accepted', sessionId: session.id, queueId: invitation.queue_id, repId, data: { invitationId } });
  await ctx.emit({ type: 'participant.joined', sessionId: session.id, repId, data: { invitationId } });
  await touchLoad(ctx, repId);
  // S4, E9: the invitation has ended, so its offer to another rep goes; and this rep, in
  // the session now, loses an offer of another of its invitations.
  let rescinded = await rescindOffers(ctx, { invitationId }, 'invitation_accepted');
  rescinded += await rescindOffers(ctx, { sessionId: session.id, repId }, 'already_in_session');
  // A4: joining counts toward the session limit; an offer held at the limit is rescinded.
  await rescindIfUnavailable(ctx, repId, 'at_session_limit');
  // E1: a rep whose offer was rescinded is free for another.
  if (rescinded > 0) await runEquilibrium(ctx);
  return session;
}

export async function withdrawInvitation(ctx: CommandContext, repId: string, invitationId: string): Promise<void> {
  const invitation = await loadOpenInvitation(ctx, invitationId);
  const session = await loadLiveSession(ctx, invitation.session_id);
  if (invitation.inviter_id !== repId && session.owner_id !== repId) {
    throw new LobbyError('forbidden', 'Only the owner of the session can withdraw its invitations.');
  }
  await ctx.tx.updateTable('invitations').set({ state: 'withdrawn', ended_at: ctx.now }).where('id', '=', invitationId).execute();
  await ctx.emit({ type: 'invitation.withdrawn', sessionId: session.id, queueId: invitation.queue_id, repId, data: { invitationId } });
  // S4, E9: its pending offer goes; that rep is free for something else (E1).
  if ((await rescindOffers(ctx, { invitationId }, 'invitation_withdrawn')) > 0) await runEquilibrium(ctx);
}

/**
 * S4: a session that ends, or goes back to waiting, ends its open invitations and rescinds
 * their offers (E9). The callers rescind every offer about the session first and run
 * Equilibrium afterwards, so there is usually none left here.
 */
export async function endOpenInvitations(ctx: CommandContext, sessionId: string, reason: string): Promise<void> {
  const open = await ctx.tx.selectFrom('invitations').select(['id', 'queue_id']).where('session_id', '=', sessionId).where('state', '=', 'open').execute();
  for (const invitation of open) {
    await ctx.tx.updateTable('invitations').set({ state: 'ended', ended_at: ctx.now }).where('id', '=', invitation.id).execute();
    await rescindOffers(ctx, { invitationId: invitation.id }, reason);
    await ctx.emit({ type: 'invitation.ended', sessionId, queueId: invitation.queue_id, data: { invitationId: invitation.id, reason } });
  }
}

/**
 * A rep leaves a shared session. A participant simply leaves; an owner who leaves hands the
 * session to the participant who joined first (S3). An owner alone must end or transfer it.
 */
export async function leaveSession(ctx: CommandContext, repId: string, sessionId: string): Promise<void> {
  const session = await loadLiveSession(ctx, sessionId);
  const participants = await participantsOf(ctx.tx, sessionId);
  if (!participants.some((p) => p.user_id === repId)) throw new LobbyError('not_in_session', 'You are not in that session.');
  if (session.owner_id === repId) {
    const heir = participants.filter((p) => p.user_id !== repId).sort((a, b) => a.joined_at - b.joined_at || a.user_id.localeCompare(b.user_id))[0];
    if (!heir) throw new LobbyError('invalid_input', 'You are alone in this session: end it or transfer it instead.');
    await ctx.tx.updateTable('sessions').set({ owner_id: heir.user_id }).where('id', '=', sessionId).execute();
    await ctx.tx.updateTable('participants').set({ role: 'owner' }).where('session_id', '=', sessionId).where('user_id', '=', heir.user_id).execute();
    await ctx.emit({ type: 'owner.changed', sessionId, repId: heir.user_id, data: { from: repId, to: heir.user_id, rule: 'S3' } });
  }
  await ctx.tx.deleteFrom('participants').where('session_id', '=', sessionId).where('user_id', '=', repId).execute();
  await ctx.emit({ type: 'participant.left', sessionId, repId, data: { reason: 'left' } });
  await touchLoad(ctx, repId);
  // E1: the rep's load dropped (below a session limit, they may take an offer), and the
  // session's open invitations may now be offered to them.
  await runEquilibrium(ctx);
}
