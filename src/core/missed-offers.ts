/**
 * E10 (beyond): a rep who lets offers expire again and again is probably away from the
 * desk; every expiry holds a customer up for a whole offer timeout, so after
 * `missedOffersBeforeOptOut` expiries in a row the rep is opted out and told why.
 *
 * This applies even where the policy forbids opting out by hand (`canOptOut`): that
 * setting is about the rep's own choice, while this protects customers. Opting back in
 * is always allowed.
 */

/** How an offer ended; rescinded offers (E9) are not the rep's doing. */
export type OfferOutcome = 'accepted' | 'rejected' | 'expired' | 'rescinded';

/**
 * The rep's count of offers missed in a row after an offer ends: an expiry adds one, an
 * answer (accept or reject) shows the rep is present and resets it, a rescind leaves it.
 */
export function nextMissedOfferCount(consecutiveMissed: number, outcome: OfferOutcome): number {
  switch (outcome) {
    case 'expired':
      return consecutiveMissed + 1;
    case 'accepted':
    case 'rejected':
      return 0;
    case 'rescinded':
      return consecutiveMissed;
  }
}

/**
 * After an expiry: whether the rep is now opted out. `consecutiveMissed` includes the
 * expiry just counted; `missedOffersBeforeOptOut` 0 means never.
 */
export function shouldOptOutAfterMissedOffers(consecutiveMissed: number, missedOffersBeforeOptOut: number): boolean {
  return missedOffersBeforeOptOut > 0 && consecutiveMissed >= missedOffersBeforeOptOut;
}

export interface MissedOfferDecision {
  /** Store this as the rep's new count. */
  readonly consecutiveMissed: number;
  readonly optOut: boolean;
}

/**
 * Both steps at once, for the engine's expiry command. The count restarts at 0 on opt-out
 * so that a rep who opts back in gets the full allowance again.
 */
export function afterOfferExpired(consecutiveMissed: number, missedOffersBeforeOptOut: number): MissedOfferDecision {
  const count = nextMissedOfferCount(consecutiveMissed, 'expired');
  const optOut = shouldOptOutAfterMissedOffers(count, missedOffersBeforeOptOut);
  return { consecutiveMissed: optOut ? 0 : count, optOut };
}
