/**
 * The shapes the pages read from the Lobby API (docs/api-foundation.md). The server's
 * OpenAPI document is the reference; these mirror it for the browser.
 */

export type SessionState = 'waiting' | 'active' | 'ended';

export interface User {
  id: string;
  login: string;
  displayName: string;
  isAdmin: boolean;
}

export interface AuthResponse {
  user: User;
  csrfToken: string;
}

export interface PortalIssue {
  code: string;
  title: string;
  description: string;
}

export interface StartedSession {
  sessionId: string;
  customerToken: string;
}

export interface Message {
  seq: number;
  at: string | number;
  from: 'customer' | 'rep' | 'system';
  name: string;
  text: string;
}

export interface CustomerSessionView {
  id: string;
  state: SessionState;
  queueName: string | null;
  /** 1-based place in line; null unless waiting. */
  position: number | null;
  /** Null until a rep accepts. */
  repName: string | null;
  endReason: string | null;
}

export interface CustomerSnapshot {
  session: CustomerSessionView;
  messages: Message[];
}

export interface SessionView {
  id: string;
  state: SessionState;
  origin: string;
  clientType: string;
  customerName: string;
  customerCompany: string | null;
  details: string | null;
  issue: { code: string; title: string } | null;
  priority: number;
  queueId: string | null;
  queueName: string | null;
  waitingSince: string | number | null;
  ownerId: string | null;
  ownerName: string | null;
  createdAt: string | number;
  endReason: string | null;
}

export interface RepQueue {
  id: string;
  kind: string;
  name: string;
  waitingCount: number;
}

export interface RepSessions {
  waiting: SessionView[];
  mine: SessionView[];
}

export interface RepSessionDetail {
  session: SessionView;
  messages: Message[];
}

export interface SessionKey {
  key: string;
  expiresAt: string | number;
  url: string;
}

/** One event on the rep WebSocket. */
export interface LobbyEvent {
  seq: number;
  type: string;
  at: string | number;
  sessionId: string | null;
  queueId: string | null;
  repId: string | null;
  data: unknown;
}

export type RepSocketMessage = { type: 'hello'; seq: number } | { type: 'event'; event: LobbyEvent };

export type CustomerSocketMessage = { type: 'snapshot' } & CustomerSnapshot;

/** A6: what a rep is, for routing. */
export type RepStateName = 'offline' | 'available' | 'busy' | 'idle' | 'locked' | 'opted_out';

/** GET/POST /api/rep/state. */
export interface RepStateView {
  state: RepStateName;
  sessions: number;
  locked: boolean;
  idle: boolean;
  optedOut: boolean;
  canOptOut: boolean;
  connected: boolean;
}

/** S1: the invitation an offer is of: who invites, and through which queue (their team's). */
export interface OfferInvitation {
  id: string;
  inviterId: string;
  inviterName: string;
  queueId: string;
  queueName: string;
}

/**
 * E4: the offer a rep holds (GET /api/rep/offers/current); times are server epoch
 * milliseconds. With `invitation` (S1) it is an invitation to join `session`, which is
 * active and owned by someone; accepting it makes the rep a participant.
 */
export interface RepOffer {
  id: string;
  sessionId: string;
  madeAt: number;
  expiresAt: number;
  session: SessionView;
  invitation?: OfferInvitation | null;
}

export interface CurrentOfferResponse {
  offer: RepOffer | null;
}
