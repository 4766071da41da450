/**
 * E9: pending offers that end without the rep's answer and without excluding them
 * ("rescinded"): the session was taken by hand, moved or ended, the rep became unavailable,
 * the configuration changed, or (S1, S4) the invitation offered was accepted, withdrawn or
 * ended. Every rule that rescinds goes through here, so that each rescind ends the offer,
 * drops its expiry timer and tells the rep in the same way.
 */
import type { CommandContext } from './command-runner.js';
import { OFFER_EXPIRE_TIMER } from './equilibrium-run.js';

interface OfferFields {
  /** Offers about this session: its own and those of its invitations (S1). */
  sessionId?: string;
  invitationId?: string;
  repId?: string;
  offerId?: string;
}

/** Which pending offers to rescind: every field given must match. At least one is required. */
export type OfferFilter = OfferFields &
  ({ sessionId: string } | { invitationId: string } | { repId: string } | { offerId: string });

/** Rescinds the pending offers that match; returns how many it rescinded. */
export async function rescindOffers(ctx: CommandContext, filter: OfferFilter, reason: string): Promise<number> {
  let query = ctx.tx.selectFrom('offers').select(['id', 'session_id', 'rep_id', 'invitation_id']).where('state', '=', 'pending');
  if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId);
  if (filter.invitationId !== undefined) query = query.where('invitation_id', '=', filter.invitationId);
  if (filter.repId !== undefined) query = query.where('rep_id', '=', filter.repId);
  if (filter.offerId !== undefined) query = query.where('id', '=', filter.offerId);
  const pending = await query.execute();
  for (const offer of pending) {
    await ctx.tx.updateTable('offers').set({ state: 'rescinded', ended_at: ctx.now }).where('id', '=', offer.id).execute();
    await ctx.cancelTimers(OFFER_EXPIRE_TIMER, offer.id);
    await ctx.emit({
      type: 'offer.rescinded',
      sessionId: offer.session_id,
      repId: offer.rep_id,
      data: { offerId: offer.id, reason, ...(offer.invitation_id === null ? {} : { invitationId: offer.invitation_id }) },
    });
  }
  return pending.length;
}
