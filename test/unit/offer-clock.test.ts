/**
 * E4: the console's countdown to an offer's expiry, on a browser clock that may not agree
 * with the server's.
 */
import { describe, expect, it } from 'vitest';
import type { RepOffer, SessionView } from '../../web/shared/api-types.js';
import { placeOffer } from '../../web/console/offer-clock.js';

const MADE = Date.UTC(2026, 0, 5, 9, 0, 0);
const offer: RepOffer = { id: 'o1', sessionId: 's1', madeAt: MADE, expiresAt: MADE + 30_000, session: {} as SessionView };

describe('placeOffer', () => {
  it('E4: an offer seen arriving live counts down its whole time from the arrival, whatever the clocks say', () => {
    const arrived = MADE + 3_600_000; // the browser's clock is an hour ahead
    const placed = placeOffer(offer, arrived + 200, arrived);
    expect(placed.deadline).toBe(arrived + 30_000);
    expect(placed.durationMs).toBe(30_000);
    expect(placed.clockOffsetMs).toBe(3_600_000);
  });

  it('E4: after a reload, a browser clock that agrees with the server keeps the time already spent', () => {
    const placed = placeOffer(offer, MADE + 20_000, undefined);
    expect(placed.deadline).toBe(MADE + 30_000);
    expect(placed.clockOffsetMs).toBe(0);
  });

  it('E4: after a reload, a skewed browser clock counts the whole duration from now', () => {
    const behind = MADE - 600_000;
    expect(placeOffer(offer, behind, undefined).deadline).toBe(behind + 30_000);
    const ahead = MADE + 600_000;
    expect(placeOffer(offer, ahead, undefined).deadline).toBe(ahead + 30_000);
  });
});
