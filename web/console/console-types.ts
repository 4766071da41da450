/**
 * API shapes only the console reads (docs/api-foundation.md, the OpenAPI document). The
 * shared SessionView is the portal's subset; the rep API sends more, typed here.
 */
import type { Message, SessionView } from '../shared/api-types.js';

/** A session as the rep API sends it: the shared view plus skills, attributes and the overdue mark. */
export interface RepSessionView extends SessionView {
  /** W1: waited past its queue's mark rule. */
  overdue?: boolean;
  /** E8: the skills it requires, in order. */
  requiredSkills?: string[];
  /** L4: custom attributes set by an integration. */
  attributes?: Record<string, string>;
  acceptedAt?: number | null;
}

export interface RepSessionsResponse {
  waiting: RepSessionView[];
  mine: RepSessionView[];
}

/** One rep in a session; the detail carries these only when the server sends them. */
export interface SessionParticipant {
  id: string;
  name: string;
  role: string;
}

export interface SessionDetailResponse {
  session: RepSessionView;
  messages: Message[];
  participants?: SessionParticipant[];
}

export type TargetKind = 'team' | 'embassy' | 'general' | 'personal';

/** T3: a queue a session may go to (GET /api/rep/transfer-targets). */
export interface TransferTarget {
  queueId: string;
  kind: TargetKind | string;
  name: string;
  /** A6: the rep's state, for a rep's personal queue; null for other queues. */
  repState: string | null;
}

/** S1: an open invitation in a queue this rep sees (GET /api/rep/invitations). */
export interface Invitation {
  id: string;
  sessionId: string;
  queueId: string;
  queueName: string;
  inviterId: string;
  inviterName: string;
  createdAt: number;
  session: RepSessionView;
}

/** POST /api/rep/sessions/:id/invitations. */
export interface CreatedInvitation {
  id: string;
  sessionId: string;
  queueId: string;
  createdAt: number;
}

/** C2: GET/POST /api/rep/listing. */
export interface RepListing {
  listed: boolean;
  canBeListed: boolean;
}

/** The rep's own personal queue id (the server names personal queues `rep:<user id>`). */
export function personalQueueOf(repId: string): string {
  return `rep:${repId}`;
}
