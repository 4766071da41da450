/**
 * F1–F5: where a lost rep's sessions go (section 9).
 */
import { compareIds } from './queue-order.js';
import type { QueueId, RepId } from './routing-types.js';

/** What the engine knows about one queue, for "can this queue take a session". */
export interface QueueCapacity {
  readonly persistent: boolean;
  /** Logged-in members, not counting the lost rep (who is logging out). */
  readonly loggedInMembers: number;
}

/** Queues that exist, by id; a queue missing here does not exist (any more). */
export type QueueCapacities = ReadonlyMap<QueueId, QueueCapacity>;

export interface FallbackParticipant {
  readonly repId: RepId;
  readonly joinedAt: number;
  /** A participant lost at the same time (or already gone) cannot take over. */
  readonly loggedIn: boolean;
}

export interface QueueFallbackInput {
  /** The lost rep's personal queue: never a target, since its rep is gone. */
  readonly lostRepQueueId: QueueId;
  readonly firstQueueId: QueueId | null;
  /** F4: the site's fallback queue (the general queue by default, resolved by the caller). */
  readonly fallbackQueueId: QueueId | null;
  /** Site setting: F2–F4 switched on. */
  readonly queueFallbackEnabled: boolean;
  readonly queues: QueueCapacities;
}

export interface OwnedSessionFallbackInput extends QueueFallbackInput {
  readonly lostRepId: RepId;
  /** Participants of the session other than its owner. */
  readonly participants: readonly FallbackParticipant[];
  /** F2: the queue the session last waited in before it was accepted. */
  readonly lastQueueId: QueueId | null;
}

export type FallbackDecision =
  | { readonly kind: 'new_owner'; readonly repId: RepId; readonly rule: 'F1' }
  | { readonly kind: 'requeue'; readonly queueId: QueueId; readonly rule: 'F2' | 'F3' | 'F4' }
  | { readonly kind: 'end'; readonly reason: 'no_rep'; readonly rule: 'F5' };

/** Section 9: a queue can take a session when it exists and is persistent or has a logged-in member. */
export function canTakeSession(queues: QueueCapacities, queueId: QueueId | null): boolean {
  if (queueId === null) return false;
  const q = queues.get(queueId);
  return q !== undefined && (q.persistent || q.loggedInMembers > 0);
}

/**
 * A session owned by the lost rep: F1, then F2–F4 (where switched on), then F5.
 * F1 picks the participant who has shared the session longest; equal join times fall
 * back to rep id so the choice is the same on every node.
 */
export function fallbackForOwnedSession(input: OwnedSessionFallbackInput): FallbackDecision {
  const heir = input.participants
    .filter((p) => p.loggedIn && p.repId !== input.lostRepId)
    .reduce<FallbackParticipant | null>(
      (best, p) =>
        best === null || p.joinedAt < best.joinedAt || (p.joinedAt === best.joinedAt && compareIds(p.repId, best.repId) < 0)
          ? p
          : best,
      null,
    );
  if (heir !== null) return { kind: 'new_owner', repId: heir.repId, rule: 'F1' };
  return firstQueue(input, [
    ['F2', input.lastQueueId],
    ['F3', input.firstQueueId],
    ['F4', input.fallbackQueueId],
  ]);
}

/**
 * A session waiting in the lost rep's personal queue: F3, F4, then F5. Its last queue is
 * the personal queue itself, so F2 has nothing to offer; nor has F1 (nobody owns it).
 */
export function fallbackForWaitingSession(input: QueueFallbackInput): FallbackDecision {
  return firstQueue(input, [
    ['F3', input.firstQueueId],
    ['F4', input.fallbackQueueId],
  ]);
}

function firstQueue(
  input: QueueFallbackInput,
  steps: readonly (readonly ['F2' | 'F3' | 'F4', QueueId | null])[],
): FallbackDecision {
  if (input.queueFallbackEnabled) {
    for (const [rule, queueId] of steps) {
      if (queueId !== null && queueId !== input.lostRepQueueId && canTakeSession(input.queues, queueId)) {
        return { kind: 'requeue', queueId, rule };
      }
    }
  }
  return { kind: 'end', reason: 'no_rep', rule: 'F5' };
}
