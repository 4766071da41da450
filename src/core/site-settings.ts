/** Site-wide settings (SPEC sections 4, 6, 9, A1). Stored as one JSON value. */
export interface SiteSettings {
  siteName: string;
  /** Q3 */
  generalQueueEnabled: boolean;
  /** F4 and C7: where sessions go when nothing else takes them; null = the general queue. */
  fallbackQueueId: string | null;
  /** F2–F4 may be switched off; then F5 follows F1. */
  fallbackRulesEnabled: boolean;
  /** A1: seconds after a rep's last connection drops before they count as logged out. */
  repGraceSeconds: number;
  /** How long a customer may be disconnected before the session is abandoned (L3). */
  customerGraceSeconds: number;
  /** W3 (beyond) */
  maxOverflowMoves: number;
  /** L3 `expired` (beyond): 0 = off. */
  maxWaitSeconds: number;
  /** Origins allowed to embed the chat widget (C5). */
  allowedOrigins: string[];
  /** Notices shown to waiting customers. */
  customerNotice: string;
  /** Browser sharing in click-to-chat sessions (docs/cobrowse.md): reps may ask to see the page. */
  cobrowseEnabled: boolean;
  /** CSS selector of the elements the customer's browser masks before sending (passwords always are). */
  cobrowseMaskSelector: string;
  /** What one session may upload for sharing, in megabytes; then sharing stops with a message. */
  cobrowseBudgetMegabytes: number;
  /** Keep the shared page with the session for the report (off: relayed and forgotten). */
  cobrowseStoreRecordings: boolean;
  /** How long stored recordings are kept, in days. */
  cobrowseRetentionDays: number;
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  siteName: 'Lobby',
  generalQueueEnabled: true,
  fallbackQueueId: null,
  fallbackRulesEnabled: true,
  repGraceSeconds: 60,
  customerGraceSeconds: 120,
  maxOverflowMoves: 10,
  maxWaitSeconds: 0,
  allowedOrigins: [],
  customerNotice: '',
  cobrowseEnabled: true,
  cobrowseMaskSelector: '.lobby-mask, [data-lobby-mask]',
  cobrowseBudgetMegabytes: 50,
  cobrowseStoreRecordings: false,
  cobrowseRetentionDays: 30,
};

export const GENERAL_QUEUE_ID = 'general';
export const teamQueueId = (teamId: string): string => `team:${teamId}`;
export const personalQueueId = (userId: string): string => `rep:${userId}`;

/**
 * Q3, C7: the queue a session meant for `queueId` enters. Any queue is itself, except a
 * switched-off general queue, which nobody sees: the fallback queue takes its place, and
 * without one (or when the fallback is the general queue itself) there is none (null).
 */
export function openQueueFor(queueId: string, site: Pick<SiteSettings, 'generalQueueEnabled' | 'fallbackQueueId'>): string | null {
  if (queueId !== GENERAL_QUEUE_ID || site.generalQueueEnabled) return queueId;
  const fallback = site.fallbackQueueId;
  return fallback !== null && fallback !== GENERAL_QUEUE_ID ? fallback : null;
}
