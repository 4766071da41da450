import { describe, expect, it } from 'vitest';
import { afterOfferExpired, nextMissedOfferCount, shouldOptOutAfterMissedOffers } from '../../src/core/routing.js';

describe('missed offers (E10)', () => {
  it('E10: with the default of 3, the first two expiries in a row leave the rep opted in', () => {
    expect(afterOfferExpired(0, 3)).toEqual({ consecutiveMissed: 1, optOut: false });
    expect(afterOfferExpired(1, 3)).toEqual({ consecutiveMissed: 2, optOut: false });
  });

  it('E10: the third expiry in a row opts the rep out, and the count restarts for when they opt back in', () => {
    expect(afterOfferExpired(2, 3)).toEqual({ consecutiveMissed: 0, optOut: true });
  });

  it('E10: a setting of 0 never opts the rep out', () => {
    expect(afterOfferExpired(99, 0)).toEqual({ consecutiveMissed: 100, optOut: false });
    expect(shouldOptOutAfterMissedOffers(1_000, 0)).toBe(false);
  });

  it('E10: a setting of 1 opts out after a single expiry', () => {
    expect(shouldOptOutAfterMissedOffers(1, 1)).toBe(true);
  });

  it('E10: accepting or rejecting an offer shows the rep is there and resets the count', () => {
    expect(nextMissedOfferCount(2, 'accepted')).toBe(0);
    expect(nextMissedOfferCount(2, 'rejected')).toBe(0);
  });

  it('E9/E10: a rescinded offer is not the rep’s doing and leaves the count as it was', () => {
    expect(nextMissedOfferCount(2, 'rescinded')).toBe(2);
  });

  it('E10: an expiry adds one to the count', () => {
    expect(nextMissedOfferCount(2, 'expired')).toBe(3);
  });
});
