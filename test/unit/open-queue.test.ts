import { describe, expect, it } from 'vitest';
import { openQueueFor } from '../../src/core/site-settings.js';

describe('openQueueFor (Q3, C7)', () => {
  it('Q3: any queue is itself, the general queue too while it is on', () => {
    expect(openQueueFor('team:desk', { generalQueueEnabled: false, fallbackQueueId: null })).toBe('team:desk');
    expect(openQueueFor('general', { generalQueueEnabled: true, fallbackQueueId: 'team:desk' })).toBe('general');
  });

  it('C7: a switched-off general queue gives way to the fallback queue', () => {
    expect(openQueueFor('general', { generalQueueEnabled: false, fallbackQueueId: 'team:desk' })).toBe('team:desk');
  });

  it('Q3: with no fallback queue, or the general queue as its own fallback, there is none', () => {
    expect(openQueueFor('general', { generalQueueEnabled: false, fallbackQueueId: null })).toBeNull();
    expect(openQueueFor('general', { generalQueueEnabled: false, fallbackQueueId: 'general' })).toBeNull();
  });
});
