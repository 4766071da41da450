/**
 * Q9 (beyond): a waiting customer's estimated wait. The estimate is the moving average of
 * the last few times-to-accept in the queue the customer waits in; the customer is shown
 * what is left of it after the time they have already waited.
 */

export const WAIT_ESTIMATE = {
  /** Accepts averaged over. */
  samples: 10,
  /** Older accepts say little about today's staffing and are left out. */
  windowMs: 24 * 60 * 60 * 1000,
} as const;

/** The mean time-to-accept, or null with no recent accept to go by. */
export function averageTimeToAccept(waits: readonly number[]): number | null {
  const usable = waits.filter((w) => Number.isFinite(w) && w >= 0);
  if (usable.length === 0) return null;
  return Math.round(usable.reduce((sum, w) => sum + w, 0) / usable.length);
}

/** What is left of the average after `waitedMs`; never negative; null without an average. */
export function remainingWait(averageMs: number | null, waitedMs: number): number | null {
  if (averageMs === null) return null;
  return Math.max(0, averageMs - Math.max(0, waitedMs));
}
