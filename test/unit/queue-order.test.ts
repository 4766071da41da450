import { describe, expect, it } from 'vitest';
import { compareQueueOrder, queuePosition, sortByQueueOrder } from '../../src/core/routing.js';
import { T0 } from './routing-fixtures.js';

const s = (id: string, priority: number, waitingSince: number) => ({ id, priority, waitingSince });

describe('queue order (Q4)', () => {
  it('Q4: a higher-priority session comes before an older lower-priority one', () => {
    const order = sortByQueueOrder([s('old', 0, T0 - 100_000), s('urgent', 2, T0)]);
    expect(order.map((x) => x.id)).toEqual(['urgent', 'old']);
  });

  it('Q4: at equal priority the customer who has waited longest comes first', () => {
    const order = sortByQueueOrder([s('new', 1, T0), s('old', 1, T0 - 5_000), s('mid', 1, T0 - 1_000)]);
    expect(order.map((x) => x.id)).toEqual(['old', 'mid', 'new']);
  });

  it('Q4: sessions equal in priority and waiting time are ordered by id, so every node agrees', () => {
    expect(compareQueueOrder(s('a', 1, T0), s('b', 1, T0))).toBeLessThan(0);
    expect(compareQueueOrder(s('b', 1, T0), s('a', 1, T0))).toBeGreaterThan(0);
    expect(compareQueueOrder(s('a', 1, T0), s('a', 1, T0))).toBe(0);
  });

  it('Q4: sorting does not change the input array', () => {
    const input = [s('b', 0, T0), s('a', 1, T0)];
    sortByQueueOrder(input);
    expect(input.map((x) => x.id)).toEqual(['b', 'a']);
  });

  it('Q9: the position counts the sessions ahead in Q4 order, from 1', () => {
    const waiting = [s('c', 0, T0), s('a', 1, T0), s('b', 0, T0 - 1)];
    expect(queuePosition(waiting, 'a')).toBe(1);
    expect(queuePosition(waiting, 'b')).toBe(2);
    expect(queuePosition(waiting, 'c')).toBe(3);
  });

  it('Q9: a session not in the queue has no position', () => {
    expect(queuePosition([s('a', 0, T0)], 'zzz')).toBeNull();
  });
});
