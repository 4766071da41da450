/** Q9 read model: a queue's moving average of time-to-accept, and a customer's estimated wait. */
import { averageTimeToAccept, remainingWait, WAIT_ESTIMATE } from '../core/wait-estimate.js';
import type { SessionRow } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { recentAcceptWaits } from '../store/queries/wait-samples.js';

/** The average time-to-accept of the queue's recent accepts; null with none in the window. */
export async function queueAverageWait(db: Db, queueId: string, now: number): Promise<number | null> {
  return averageTimeToAccept(await recentAcceptWaits(db, queueId, now - WAIT_ESTIMATE.windowMs, WAIT_ESTIMATE.samples));
}

/** What is left of the average for this waiting session; null unless waiting with an average. */
export async function estimatedWaitFor(db: Db, session: SessionRow, now: number): Promise<number | null> {
  if (session.state !== 'waiting' || session.queue_id === null) return null;
  return remainingWait(await queueAverageWait(db, session.queue_id, now), now - session.waiting_since);
}
