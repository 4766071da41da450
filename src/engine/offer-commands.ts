/** E4–E6, E9, E10: a rep answers an offer (of a session, or S1 of an invitation), or lets it expire. */
import { LobbyError } from '../core/errors.js';
import { emitRepState } from './availability-commands.js';
import { afterOfferExpired } from '../core/missed-offers.js';
import type { OfferTable, SessionRow } from '../store/schema.js';
import type { Selectable } from 'kysely';
import { policyOf } from '../store/queries/directory.js';
import { addParticipant, findSession } from '../store/queries/sessions.js';
import type { CommandContext } from './command-runner.js';
import { OFFER_EXPIRE_TIMER, runEquilibrium } from './equilibrium-run.js';
import { loadLiveSession, touchLoad, updatedRow } from './session-commands.js';
import { WAITING_RULE_TIMER } from './queue-moves.js';
import { acceptInvitationOffer } from './invitation-commands.js';
import { prepared } from '../store/queries/prepared.js';
import type { Db } from '../store/store.js';

type OfferRow = Selectable<OfferTable>;

// The statements of an accept, each built and compiled once (prepared.ts).
const offerById = prepared((db: Db, id: string) => db.selectFrom('offers').selectAll().where('id', '=', id));
const acceptedOffer = prepared((db: Db, id: string, at: number) => db.updateTable('offers').set({ state: 'accepted', ended_at: at }).where('id', '=', id));
const activeSession = prepared((db: Db, id: string, ownerId: string, at: number) =>
  db.updateTable('sessions').set({ state: 'active', owner_id: ownerId, queue_id: null, accepted_at: at, overdue: 0 }).where('id', '=', id),
);
/**
 * The accepted offer's expiry and the session's waiting rule (it leaves its queue), in one
 * statement: what ctx.cancelTimers does for each, one statement fewer per accept.
 */
const offerAndWaitingTimers = prepared((db: Db, offerId: string, sessionId: string) =>
  db
    .deleteFrom('timers')
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', OFFER_EXPIRE_TIMER), eb('ref', '=', offerId)]),
        eb.and([eb('kind', '=', WAITING_RULE_TIMER), eb('ref', '=', sessionId)]),
      ]),
    ),
);
const missedNone = prepared((db: Db, repId: string) => db.updateTable('presence').set({ missed_offers: 0 }).where('user_id', '=', repId));

async function loadOwnPendingOffer(ctx: CommandContext, repId: string, offerId: string): Promise<OfferRow> {
  const offer = await offerById.first(ctx.tx, offerId);
  if (!offer || offer.rep_id !== repId) throw new LobbyError('not_found', 'You hold no such offer.');
  if (offer.state !== 'pending') {
    throw new LobbyError('offer_not_pending', `That offer is no longer open (it was ${offer.state}).`);
  }
  return offer;
}

export type OfferAcceptance = { kind: 'accepted'; session: SessionRow } | { kind: 'expired' };

/**
 * E5: accepting makes the rep the owner; the session leaves its queue. Accepting an
 * invitation's offer makes them a participant instead (S1, S2). An offer past its
 * expiry whose timer has not run yet is expired now, as the timer would, and the answer
 * says so: the caller refuses after the commit, so that the expiry (and the next offer)
 * is not rolled back with the refusal.
 */
export async function acceptOffer(ctx: CommandContext, repId: string, offerId: string): Promise<OfferAcceptance> {
  const offer = await loadOwnPendingOffer(ctx, repId, offerId);
  if (offer.expires_at <= ctx.now) {
    await expireOffer(ctx, offerId);
    return { kind: 'expired' };
  }
  if (offer.invitation_id !== null) return { kind: 'accepted', session: await acceptInvitationOffer(ctx, repId, offer) };
  const session = await loadLiveSession(ctx, offer.session_id);
  await acceptedOffer.execute(ctx.tx, offerId, ctx.now);
  await offerAndWaitingTimers.execute(ctx.tx, offerId, session.id);
  await activeSession.execute(ctx.tx, session.id, repId, ctx.now);
  await addParticipant(ctx.tx, session.id, repId, 'owner', ctx.now);
  await missedNone.execute(ctx.tx, repId);
  await ctx.emit({ type: 'offer.accepted', sessionId: session.id, queueId: session.queue_id, repId, data: { offerId } });
  await ctx.emit({
    type: 'session.accepted',
    sessionId: session.id,
    queueId: session.queue_id,
    repId,
    data: { queueId: session.queue_id, waitedMs: ctx.now - session.waiting_since, manual: false, offerId },
  });
  await touchLoad(ctx, repId);
  // E1: the rep holds no offer now and, below their session limit, may take the next one.
  await runEquilibrium(ctx);
  // The accepted offer no longer counts as pending, and an active session is offered none (E1).
  const pending = Number((session as SessionRow & { pending_offers?: number }).pending_offers ?? 1) - 1;
  return { kind: 'accepted', session: updatedRow(session, { state: 'active', owner_id: repId, queue_id: null, accepted_at: ctx.now, overdue: 0 }, pending) };
}

/**
 * E5, E6: a reject excludes the rep for this session in this queue (an invitation: for as
 * long as it is open); the next rep is offered at once.
 */
export async function rejectOffer(ctx: CommandContext, repId: string, offerId: string): Promise<void> {
  const offer = await loadOwnPendingOffer(ctx, repId, offerId);
  await endOfferWithExclusion(ctx, offer, 'rejected');
  await missedNone.execute(ctx.tx, repId);
  await runEquilibrium(ctx);
}

/** The offer.expire timer: E5, E6, and E10's count of offers missed in a row. */
export async function expireOffer(ctx: CommandContext, offerId: string): Promise<void> {
  const offer = await offerById.first(ctx.tx, offerId);
  if (!offer || offer.state !== 'pending') return;
  await endOfferWithExclusion(ctx, offer, 'expired');
  const presence = await ctx.tx.selectFrom('presence').select(['missed_offers', 'opted_out']).where('user_id', '=', offer.rep_id).executeTakeFirst();
  const policy = await policyOf(ctx.tx, offer.rep_id);
  const decision = afterOfferExpired(presence?.missed_offers ?? 0, policy.missedOffersBeforeOptOut);
  await ctx.tx
    .updateTable('presence')
    .set({ missed_offers: decision.consecutiveMissed, ...(decision.optOut ? { opted_out: 1 } : {}) })
    .where('user_id', '=', offer.rep_id)
    .execute();
  if (decision.optOut && presence?.opted_out !== 1) {
    await emitRepState(ctx, offer.rep_id, { optedOut: true, reason: 'missed_offers', missed: policy.missedOffersBeforeOptOut });
  }
  await runEquilibrium(ctx);
}

/**
 * E6: an invitation's exclusions are its own rejected and expired offers (read with it,
 * routing-snapshot), not rows of `exclusions`, which belong to the session in its queue.
 */
async function endOfferWithExclusion(ctx: CommandContext, offer: OfferRow, state: 'rejected' | 'expired'): Promise<void> {
  await ctx.tx.updateTable('offers').set({ state, ended_at: ctx.now }).where('id', '=', offer.id).execute();
  await ctx.cancelTimers(OFFER_EXPIRE_TIMER, offer.id);
  let queueId: string | null;
  if (offer.invitation_id === null) {
    await ctx.tx
      .insertInto('exclusions')
      .values({ session_id: offer.session_id, rep_id: offer.rep_id })
      .onConflict((oc) => oc.doNothing())
      .execute();
    queueId = (await findSession(ctx.tx, offer.session_id))?.queue_id ?? null;
  } else {
    queueId = (await ctx.tx.selectFrom('invitations').select('queue_id').where('id', '=', offer.invitation_id).executeTakeFirst())?.queue_id ?? null;
  }
  await ctx.emit({
    type: `offer.${state}`,
    sessionId: offer.session_id,
    queueId,
    repId: offer.rep_id,
    data: { offerId: offer.id, ...(offer.invitation_id === null ? {} : { invitationId: offer.invitation_id }) },
  });
}
