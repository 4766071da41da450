import { describe, expect, it } from 'vitest';
import {
  findOverflowCycles,
  isWaitingRuleDue,
  overflowCycleThrough,
  planWaitingRule,
  type QueueRouting,
} from '../../src/core/routing.js';
import { queue, T0 } from './routing-fixtures.js';

const fresh = { queuedAt: T0, overflowMoves: 0, overdue: false };
const transfer = (id: string, to: string | null): QueueRouting =>
  queue(id, { waitingRule: { action: 'transfer', afterSeconds: 120, overflowQueueId: to } });

describe('waiting rules (W1–W3)', () => {
  it('W1: with action none nothing is ever due', () => {
    const plan = planWaitingRule(queue('team:a'), fresh, 10);
    expect(plan).toEqual({ kind: 'none' });
    expect(isWaitingRuleDue(plan, T0 + 10 ** 9)).toBe(false);
  });

  it('W1: mark is due afterSeconds after the session entered this queue', () => {
    const q = queue('team:a', { waitingRule: { action: 'mark', afterSeconds: 300 } });
    const plan = planWaitingRule(q, fresh, 10);
    expect(plan).toEqual({ kind: 'mark_overdue', dueAt: T0 + 300_000, cause: 'rule' });
    expect(isWaitingRuleDue(plan, T0 + 299_999)).toBe(false);
    expect(isWaitingRuleDue(plan, T0 + 300_000)).toBe(true);
  });

  it('W1/W4: a session already marked overdue is not marked again', () => {
    const q = queue('team:a', { waitingRule: { action: 'mark', afterSeconds: 300 } });
    expect(planWaitingRule(q, { ...fresh, overdue: true }, 10)).toEqual({ kind: 'none' });
  });

  it('W2: transfer moves the session to the overflow queue afterSeconds after it entered', () => {
    expect(planWaitingRule(transfer('team:a', 'team:b'), fresh, 10)).toEqual({
      kind: 'move',
      dueAt: T0 + 120_000,
      toQueueId: 'team:b',
    });
  });

  it('W2: the timer counts from entering this queue, not from when the customer started waiting', () => {
    const plan = planWaitingRule(transfer('team:b', 'team:c'), { ...fresh, queuedAt: T0 + 500_000 }, 10);
    expect(plan).toMatchObject({ dueAt: T0 + 620_000 });
  });

  it('W4: a rule whose time passed while the server was down is due at once', () => {
    const plan = planWaitingRule(transfer('team:a', 'team:b'), fresh, 10);
    expect(isWaitingRuleDue(plan, T0 + 86_400_000)).toBe(true);
  });

  it('W3: below maxOverflowMoves the session still moves', () => {
    expect(planWaitingRule(transfer('team:a', 'team:b'), { ...fresh, overflowMoves: 9 }, 10)).toMatchObject({ kind: 'move' });
  });

  it('W3: after maxOverflowMoves moves the session is marked overdue instead of moving', () => {
    expect(planWaitingRule(transfer('team:a', 'team:b'), { ...fresh, overflowMoves: 10 }, 10)).toEqual({
      kind: 'mark_overdue',
      dueAt: T0 + 120_000,
      cause: 'max_overflow_moves',
    });
    expect(planWaitingRule(transfer('team:a', 'team:b'), { ...fresh, overflowMoves: 10, overdue: true }, 10)).toEqual({
      kind: 'none',
    });
  });

  it('W2: a transfer rule with no overflow queue (or into itself) marks the session overdue', () => {
    expect(planWaitingRule(transfer('team:a', null), fresh, 10)).toMatchObject({ kind: 'mark_overdue', cause: 'no_overflow_queue' });
    expect(planWaitingRule(transfer('team:a', 'team:a'), fresh, 10)).toMatchObject({ kind: 'mark_overdue', cause: 'no_overflow_queue' });
  });
});

describe('overflow cycles (W3)', () => {
  it('W3: two queues overflowing into each other form a cycle', () => {
    expect(findOverflowCycles([transfer('team:b', 'team:a'), transfer('team:a', 'team:b')])).toEqual([['team:a', 'team:b']]);
  });

  it('W3: a longer cycle is found once, starting at its smallest queue id', () => {
    const queues = [transfer('q3', 'q1'), transfer('q1', 'q2'), transfer('q2', 'q3')];
    expect(findOverflowCycles(queues)).toEqual([['q1', 'q2', 'q3']]);
  });

  it('W3: a chain that ends is no cycle, and a tail leading into a cycle is not part of it', () => {
    expect(findOverflowCycles([transfer('a', 'b'), transfer('b', 'c'), queue('c')])).toEqual([]);
    expect(findOverflowCycles([transfer('t', 'a'), transfer('a', 'b'), transfer('b', 'a')])).toEqual([['a', 'b']]);
  });

  it('W3: a queue overflowing into itself is a cycle', () => {
    expect(findOverflowCycles([transfer('a', 'a')])).toEqual([['a']]);
  });

  it('W3: separate cycles are all reported, sorted', () => {
    const queues = [transfer('y', 'x'), transfer('x', 'y'), transfer('b', 'a'), transfer('a', 'b')];
    expect(findOverflowCycles(queues)).toEqual([
      ['a', 'b'],
      ['x', 'y'],
    ]);
  });

  it('W3: only transfer rules are edges; mark rules and missing queues break a cycle', () => {
    const markB = queue('b', { waitingRule: { action: 'mark', overflowQueueId: 'a' } });
    expect(findOverflowCycles([transfer('a', 'b'), markB])).toEqual([]);
    expect(findOverflowCycles([transfer('a', 'gone')])).toEqual([]);
  });

  it('W3: the admin form asks for the cycle through the queue being saved', () => {
    const queues = [transfer('t', 'a'), transfer('a', 'b'), transfer('b', 'a')];
    expect(overflowCycleThrough(queues, 'b')).toEqual(['a', 'b']);
    expect(overflowCycleThrough(queues, 't')).toEqual([]);
  });
});
