/**
 * S1: Equilibrium offers two kinds of thing, waiting sessions and open invitations to join
 * an active session. One session may have several invitations open at once, so a candidate
 * is told apart by a key of its own, and so is the offer a rep holds (X5: one per rep and
 * one per candidate, whatever its kind).
 */
import type { RepSnapshot, SessionSnapshot } from './routing-types.js';

export type CandidateKey = string;

/** The key of a waiting session or of an invitation. */
export function candidateKey(c: Pick<SessionSnapshot, 'id' | 'invitationId'>): CandidateKey {
  const invitationId = c.invitationId ?? null;
  return invitationId === null ? `session:${c.id}` : `invitation:${invitationId}`;
}

/** The key of the candidate whose offer the rep holds, or null when they hold none. */
export function heldOfferKey(rep: Pick<RepSnapshot, 'pendingOfferSessionId' | 'pendingOfferInvitationId'>): CandidateKey | null {
  const invitationId = rep.pendingOfferInvitationId ?? null;
  if (invitationId !== null) return `invitation:${invitationId}`;
  return rep.pendingOfferSessionId === null ? null : `session:${rep.pendingOfferSessionId}`;
}
