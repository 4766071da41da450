import type { RepOffer } from '../shared/api-types.js';

/** An offer on screen, with its deadline on this browser's clock. */
export interface ShownOffer {
  offer: RepOffer;
  /** Date.now() value at which the offer expires. */
  deadline: number;
  /** The whole time the rep was given (expiresAt - madeAt). */
  durationMs: number;
  /** This browser's clock minus the server's, as far as the offer tells. */
  clockOffsetMs: number;
}

/**
 * Where the countdown ends on this browser's clock. The server's `expiresAt` is on the
 * server's clock; the two may disagree. When the offer was seen arriving live, the
 * arrival time pins the server's `madeAt` to this clock. Otherwise (a reload), a clock
 * that puts "now" inside the offer's lifetime is trusted; one that does not is skewed,
 * and the offer's whole duration counts from now.
 */
export function placeOffer(offer: RepOffer, now: number, arrivedAt: number | undefined): ShownOffer {
  const durationMs = Math.max(0, offer.expiresAt - offer.madeAt);
  let clockOffsetMs: number;
  if (arrivedAt !== undefined) clockOffsetMs = arrivedAt - offer.madeAt;
  else if (now >= offer.madeAt - 1_000 && now <= offer.expiresAt) clockOffsetMs = 0;
  else clockOffsetMs = now - offer.madeAt;
  return { offer, deadline: offer.expiresAt + clockOffsetMs, durationMs, clockOffsetMs };
}
