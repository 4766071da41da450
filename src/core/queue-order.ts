/**
 * Q4: order inside a queue, also the order in which Equilibrium offers (E1).
 */
import type { SessionId } from './routing-types.js';

export interface QueueOrderKey {
  readonly id: SessionId;
  readonly priority: number;
  readonly waitingSince: number;
  /** S1: an invitation in the queue is told apart from others of its session by its own id. */
  readonly invitationId?: string | null;
}

/**
 * Higher priority first, then the customer who has waited longest (an invitation: the
 * oldest), then id (an invitation's own) so that two created in the same millisecond still
 * have one repeatable order.
 */
export function compareQueueOrder(a: QueueOrderKey, b: QueueOrderKey): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.waitingSince !== b.waitingSince) return a.waitingSince - b.waitingSince;
  return compareIds(a.invitationId ?? a.id, b.invitationId ?? b.id);
}

/** Code-unit order, not locale order: the same on every node regardless of its locale. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The sessions of one queue in Q4 order (a new array). */
export function sortByQueueOrder<T extends QueueOrderKey>(sessions: readonly T[]): T[] {
  return [...sessions].sort(compareQueueOrder);
}

/**
 * Q9: 1-based position of a session among the sessions waiting in its queue, or null
 * when it is not among them. Counts instead of sorting: O(n) for one customer's page.
 */
export function queuePosition(sessions: readonly QueueOrderKey[], sessionId: SessionId): number | null {
  const self = sessions.find((s) => s.id === sessionId);
  if (self === undefined) return null;
  let ahead = 0;
  for (const other of sessions) {
    if (other.id !== sessionId && compareQueueOrder(other, self) < 0) ahead += 1;
  }
  return ahead + 1;
}
