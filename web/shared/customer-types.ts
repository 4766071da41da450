/** Shapes of the customer-side API (portal, support buttons, click-to-chat); see docs/customer-side.md. */
import type { CustomerSessionView, Message } from './api-types.js';

/** CustomerSessionView with what the waiting page and widget show (Q9, notices, participants). */
export interface CustomerView extends CustomerSessionView {
  participantNames: string[];
  /** Milliseconds left of the queue's average time-to-accept when the snapshot was made. */
  estimatedWaitMs: number | null;
  notice: string;
  clientType: string;
}

export interface CustomerViewSnapshot {
  session: CustomerView;
  messages: Message[];
}

/** GET /api/portal/reps (C2). */
export interface ListedRep {
  id: string;
  name: string;
}

/** GET /api/portal/buttons/:token and /api/chat/links/:token (C4, C5). */
export interface PublicLink {
  name: string;
  targetName: string | null;
  expiresAt: number | null;
}
