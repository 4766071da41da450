/**
 * Q3, C7: what happens to sessions waiting in the general queue when an admin switches it
 * off (docs/admin.md, "Switching the general queue off"). Nobody sees a switched-off queue
 * (Q6) and Equilibrium offers nothing from it (E2), so a session left there would wait
 * unseen until the customer gave up. They go where C7 sends new sessions while the general
 * queue is off: the site's fallback queue. Without one, the change is refused rather than
 * ending the customers' sessions (F5) for a settings change.
 */
import { GENERAL_QUEUE_ID } from './site-settings.js';

export interface GeneralQueueClosingInput {
  wasEnabled: boolean;
  isEnabled: boolean;
  /** Sessions waiting in the general queue now. */
  waiting: number;
  /** The site's fallback queue after the change (a queue id); null or the general queue = none. */
  fallbackQueueId: string | null;
}

export type GeneralQueueClosing =
  | { readonly kind: 'none' }
  | { readonly kind: 'move'; readonly toQueueId: string }
  | { readonly kind: 'refuse'; readonly message: string };

export function planGeneralQueueClosing(input: GeneralQueueClosingInput): GeneralQueueClosing {
  if (!input.wasEnabled || input.isEnabled || input.waiting === 0) return { kind: 'none' };
  if (input.fallbackQueueId === null || input.fallbackQueueId === GENERAL_QUEUE_ID) {
    const sessions = input.waiting === 1 ? '1 session is' : `${input.waiting} sessions are`;
    return {
      kind: 'refuse',
      message:
        `${sessions} waiting in the general queue, and with the general queue off they need a fallback queue to go to (C7). ` +
        'Choose a fallback queue, or handle those sessions first.',
    };
  }
  return { kind: 'move', toQueueId: input.fallbackQueueId };
}
