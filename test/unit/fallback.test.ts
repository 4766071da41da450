import { describe, expect, it } from 'vitest';
import {
  canTakeSession,
  fallbackForOwnedSession,
  fallbackForWaitingSession,
  type OwnedSessionFallbackInput,
  type QueueCapacity,
} from '../../src/core/routing.js';
import { T0 } from './routing-fixtures.js';

const staffed: QueueCapacity = { persistent: false, loggedInMembers: 2 };
const empty: QueueCapacity = { persistent: false, loggedInMembers: 0 };
const persistentEmpty: QueueCapacity = { persistent: true, loggedInMembers: 0 };

function owned(overrides: Partial<OwnedSessionFallbackInput> = {}): OwnedSessionFallbackInput {
  return {
    lostRepId: 'ann',
    lostRepQueueId: 'rep:ann',
    participants: [],
    lastQueueId: 'team:last',
    firstQueueId: 'team:first',
    fallbackQueueId: 'general',
    queueFallbackEnabled: true,
    queues: new Map([
      ['team:last', staffed],
      ['team:first', staffed],
      ['general', staffed],
    ]),
    ...overrides,
  };
}

describe('fallback for a lost rep’s owned sessions (F1–F5)', () => {
  it('F1: the participant who has shared the session longest becomes owner', () => {
    const participants = [
      { repId: 'bob', joinedAt: T0 - 1_000, loggedIn: true },
      { repId: 'cat', joinedAt: T0 - 9_000, loggedIn: true },
    ];
    expect(fallbackForOwnedSession(owned({ participants }))).toEqual({ kind: 'new_owner', repId: 'cat', rule: 'F1' });
  });

  it('F1: participants who joined at the same moment are decided by rep id', () => {
    const participants = [
      { repId: 'dan', joinedAt: T0, loggedIn: true },
      { repId: 'bob', joinedAt: T0, loggedIn: true },
    ];
    expect(fallbackForOwnedSession(owned({ participants }))).toMatchObject({ repId: 'bob' });
  });

  it('F1: a participant who is logged out too, or the lost rep, cannot take over', () => {
    const participants = [
      { repId: 'ann', joinedAt: T0 - 99_000, loggedIn: true },
      { repId: 'cat', joinedAt: T0 - 9_000, loggedIn: false },
      { repId: 'bob', joinedAt: T0 - 1_000, loggedIn: true },
    ];
    expect(fallbackForOwnedSession(owned({ participants }))).toMatchObject({ repId: 'bob' });
  });

  it('F2: with no participant, the session goes back to the queue it last waited in', () => {
    expect(fallbackForOwnedSession(owned())).toEqual({ kind: 'requeue', queueId: 'team:last', rule: 'F2' });
  });

  it('F2/Q5: a persistent queue takes the session even with nobody logged in', () => {
    const queues = new Map([['team:last', persistentEmpty], ['team:first', staffed]]);
    expect(fallbackForOwnedSession(owned({ queues }))).toMatchObject({ queueId: 'team:last', rule: 'F2' });
  });

  it('F3: when the last queue has nobody logged in, the session goes to the queue it first entered', () => {
    const queues = new Map([['team:last', empty], ['team:first', staffed], ['general', staffed]]);
    expect(fallbackForOwnedSession(owned({ queues }))).toEqual({ kind: 'requeue', queueId: 'team:first', rule: 'F3' });
  });

  it('F3: a last queue that no longer exists is skipped', () => {
    const queues = new Map([['team:first', staffed]]);
    expect(fallbackForOwnedSession(owned({ queues }))).toMatchObject({ rule: 'F3' });
  });

  it('F4: when neither the last nor the first queue can take it, the site’s fallback queue does', () => {
    const queues = new Map([['team:last', empty], ['team:first', empty], ['general', staffed]]);
    expect(fallbackForOwnedSession(owned({ queues }))).toEqual({ kind: 'requeue', queueId: 'general', rule: 'F4' });
  });

  it('F5: when no queue can take it, the session ends with reason no_rep', () => {
    const queues = new Map([['team:last', empty], ['team:first', empty], ['general', empty]]);
    expect(fallbackForOwnedSession(owned({ queues }))).toEqual({ kind: 'end', reason: 'no_rep', rule: 'F5' });
  });

  it('F2–F4: switched off, F5 follows F1', () => {
    expect(fallbackForOwnedSession(owned({ queueFallbackEnabled: false }))).toEqual({ kind: 'end', reason: 'no_rep', rule: 'F5' });
  });

  it('F1: switched-off F2–F4 do not stop a participant from taking over', () => {
    const participants = [{ repId: 'bob', joinedAt: T0, loggedIn: true }];
    expect(fallbackForOwnedSession(owned({ queueFallbackEnabled: false, participants }))).toMatchObject({ rule: 'F1' });
  });

  it('F2: the lost rep’s own personal queue is never a target', () => {
    const queues = new Map([['rep:ann', persistentEmpty], ['team:first', staffed]]);
    expect(fallbackForOwnedSession(owned({ lastQueueId: 'rep:ann', queues }))).toMatchObject({ queueId: 'team:first', rule: 'F3' });
  });
});

describe('fallback for sessions waiting in the lost rep’s personal queue (F3–F5)', () => {
  const base = {
    lostRepQueueId: 'rep:ann',
    firstQueueId: 'team:first',
    fallbackQueueId: 'general',
    queueFallbackEnabled: true,
    queues: new Map([['team:first', staffed], ['general', staffed]]),
  };

  it('F3: a session that first entered a team queue goes back there', () => {
    expect(fallbackForWaitingSession(base)).toEqual({ kind: 'requeue', queueId: 'team:first', rule: 'F3' });
  });

  it('F3/F4: a session that started in the personal queue itself goes to the fallback queue', () => {
    expect(fallbackForWaitingSession({ ...base, firstQueueId: 'rep:ann' })).toEqual({ kind: 'requeue', queueId: 'general', rule: 'F4' });
  });

  it('F5: with no queue able to take it, the waiting session ends with no_rep', () => {
    const queues = new Map([['team:first', empty], ['general', empty]]);
    expect(fallbackForWaitingSession({ ...base, queues })).toEqual({ kind: 'end', reason: 'no_rep', rule: 'F5' });
  });

  it('F3–F4 switched off: the waiting session ends with no_rep', () => {
    expect(fallbackForWaitingSession({ ...base, queueFallbackEnabled: false })).toMatchObject({ kind: 'end', rule: 'F5' });
  });
});

describe('queue capacity (section 9)', () => {
  it('F: a queue can take a session when it exists and is persistent or has a logged-in member', () => {
    const queues = new Map([['a', staffed], ['b', empty], ['c', persistentEmpty]]);
    expect(canTakeSession(queues, 'a')).toBe(true);
    expect(canTakeSession(queues, 'b')).toBe(false);
    expect(canTakeSession(queues, 'c')).toBe(true);
    expect(canTakeSession(queues, 'missing')).toBe(false);
    expect(canTakeSession(queues, null)).toBe(false);
  });
});
