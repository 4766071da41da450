import { describe, expect, it } from 'vitest';
import { planGeneralQueueClosing } from '../../src/core/general-queue-closing.js';

/** Q3, C7: what switching the general queue off does to the sessions waiting in it (docs/admin.md). */
describe('planGeneralQueueClosing', () => {
  const base = { wasEnabled: true, isEnabled: false, waiting: 2, fallbackQueueId: 'team:desk' };

  it('C7: sessions waiting in a general queue switched off move to the fallback queue', () => {
    expect(planGeneralQueueClosing(base)).toEqual({ kind: 'move', toQueueId: 'team:desk' });
  });

  it('nothing to do when it stays on, was off already, or nobody waits', () => {
    expect(planGeneralQueueClosing({ ...base, isEnabled: true })).toEqual({ kind: 'none' });
    expect(planGeneralQueueClosing({ ...base, wasEnabled: false })).toEqual({ kind: 'none' });
    expect(planGeneralQueueClosing({ ...base, waiting: 0, fallbackQueueId: null })).toEqual({ kind: 'none' });
  });

  it('without a fallback queue (or with the general queue as fallback) the change is refused, saying how many wait', () => {
    for (const fallbackQueueId of [null, 'general']) {
      const plan = planGeneralQueueClosing({ ...base, fallbackQueueId });
      expect(plan.kind).toBe('refuse');
      expect(plan.kind === 'refuse' && plan.message).toMatch(/^2 sessions are waiting in the general queue/);
    }
    const one = planGeneralQueueClosing({ ...base, waiting: 1, fallbackQueueId: null });
    expect(one.kind === 'refuse' && one.message).toMatch(/^1 session is waiting/);
  });
});
