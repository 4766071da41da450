/**
 * E1: one Equilibrium pass inside the current command's transaction. Loads the free reps
 * and the sessions waiting in their automatic queues, asks the pure planner which offers
 * to make, and makes them.
 */
import { planOffers } from '../core/equilibrium.js';
import { isAutomatic } from '../core/ranking.js';
import { isMemberOf, unavailableReason } from '../core/rep-state.js';
import type { CommandContext } from './command-runner.js';
import { loadQueues, loadReps, loadSkills, loadWaiting } from './routing-snapshot.js';

export const OFFER_EXPIRE_TIMER = 'offer.expire';

export async function runEquilibrium(ctx: CommandContext): Promise<number> {
  const reps = await loadReps(ctx.tx);
  const free = reps.filter((r) => unavailableReason(r) === null && r.pendingOfferSessionId === null);
  if (free.length === 0) return 0;
  const queues = (await loadQueues(ctx.tx)).filter(isAutomatic);
  // Only queues where some free rep could take a session are worth reading.
  const candidates = queues.filter((q) => free.some((r) => isMemberOf(r, q)));
  if (candidates.length === 0) return 0;
  const [waiting, skills] = await Promise.all([loadWaiting(ctx.tx, candidates.map((q) => q.id)), loadSkills(ctx.tx)]);
  if (waiting.length === 0) return 0;
  const planned = planOffers(candidates, waiting, reps, skills, ctx.now);
  for (const offer of planned) {
    const id = ctx.ids.id();
    await ctx.tx
      .insertInto('offers')
      .values({
        id,
        session_id: offer.sessionId,
        rep_id: offer.repId,
        state: 'pending',
        made_at: ctx.now,
        expires_at: offer.expiresAt,
        ended_at: null,
        explanation: JSON.stringify(offer.explanation),
      })
      .execute();
    await ctx.armTimer(OFFER_EXPIRE_TIMER, id, offer.expiresAt);
    await ctx.emit({
      type: 'offer.made',
      sessionId: offer.sessionId,
      queueId: offer.queueId,
      repId: offer.repId,
      data: { offerId: id, expiresAt: offer.expiresAt, queueId: offer.queueId },
    });
  }
  return planned.length;
}
