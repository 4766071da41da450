/**
 * W1–W3: what a queue's waiting rule does to a session, and when.
 *
 * The engine stores `dueAt` as a timer row (W4): after a restart a plan whose `dueAt` has
 * passed fires at once, and because a fired rule changes the session (overdue flag set,
 * or moved to another queue with a new `queuedAt`), planning again never fires it twice.
 */
import type { QueueId, QueueRouting } from './routing-types.js';

export interface WaitingState {
  /** When the session entered its current queue (not waitingSince: W1 counts per queue). */
  readonly queuedAt: number;
  /** Overflow moves (W2) this session has made so far. */
  readonly overflowMoves: number;
  /** Already marked overdue in the current queue. */
  readonly overdue: boolean;
}

/** Why a session is marked overdue. */
export type OverdueCause =
  /** W1: the queue's action is `mark`. */
  | 'rule'
  /** W3 (beyond): the session has moved `maxOverflowMoves` times already. */
  | 'max_overflow_moves'
  /** `transfer` with no overflow queue, or into the same queue: nowhere to go. */
  | 'no_overflow_queue';

export type WaitingRulePlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'mark_overdue'; readonly dueAt: number; readonly cause: OverdueCause }
  | { readonly kind: 'move'; readonly dueAt: number; readonly toQueueId: QueueId };

/**
 * The rule due for a session in `queue`. A pending offer does not stop the timer (W1), so
 * offers play no part here. When moving is not possible the session is marked instead,
 * so that someone still hears about a customer who waits too long.
 */
export function planWaitingRule(queue: QueueRouting, state: WaitingState, maxOverflowMoves: number): WaitingRulePlan {
  const rule = queue.waitingRule;
  if (rule.action === 'none') return { kind: 'none' };
  const dueAt = state.queuedAt + rule.afterSeconds * 1000;
  const mark = (cause: OverdueCause): WaitingRulePlan => (state.overdue ? { kind: 'none' } : { kind: 'mark_overdue', dueAt, cause });
  if (rule.action === 'mark') return mark('rule');
  if (rule.overflowQueueId === null || rule.overflowQueueId === queue.id) return mark('no_overflow_queue');
  if (state.overflowMoves >= maxOverflowMoves) return mark('max_overflow_moves');
  return { kind: 'move', dueAt, toQueueId: rule.overflowQueueId };
}

/** Whether a plan fires at `now`. */
export function isWaitingRuleDue(plan: WaitingRulePlan, now: number): boolean {
  return plan.kind !== 'none' && plan.dueAt <= now;
}

/**
 * W3: cycles of overflow moves, for the admin warning. Each queue overflows into at most
 * one other, so every cycle is a simple loop; each is returned once, starting at its
 * smallest queue id, and the list is sorted. A queue overflowing into itself is a cycle.
 * Moves into queues that do not exist are ignored (another validation reports them).
 */
export function findOverflowCycles(queues: readonly QueueRouting[]): QueueId[][] {
  const next = new Map<QueueId, QueueId>();
  for (const q of queues) {
    if (q.waitingRule.action === 'transfer' && q.waitingRule.overflowQueueId !== null) {
      next.set(q.id, q.waitingRule.overflowQueueId);
    }
  }
  const known = new Set(queues.map((q) => q.id));
  const done = new Set<QueueId>();
  const cycles: QueueId[][] = [];
  for (const start of next.keys()) {
    // Walk forward, remembering this walk's path; meeting the path again closes a cycle.
    const path: QueueId[] = [];
    const onPath = new Map<QueueId, number>();
    let at: QueueId | undefined = start;
    while (at !== undefined && known.has(at) && !done.has(at)) {
      const seenAt = onPath.get(at);
      if (seenAt !== undefined) {
        cycles.push(rotateToSmallest(path.slice(seenAt)));
        break;
      }
      onPath.set(at, path.length);
      path.push(at);
      at = next.get(at);
    }
    for (const id of path) done.add(id);
  }
  return cycles.sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
}

/** Queues that lie on an overflow cycle with `queueId` (empty when none), for one form. */
export function overflowCycleThrough(queues: readonly QueueRouting[], queueId: QueueId): QueueId[] {
  return findOverflowCycles(queues).find((c) => c.includes(queueId)) ?? [];
}

function rotateToSmallest(cycle: QueueId[]): QueueId[] {
  let min = 0;
  cycle.forEach((id, i) => {
    if (id < (cycle[min] as QueueId)) min = i;
  });
  return [...cycle.slice(min), ...cycle.slice(0, min)];
}
