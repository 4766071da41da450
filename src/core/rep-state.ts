/**
 * Availability (section 7) and eligibility (E2) of one rep.
 */
import { candidateKey, heldOfferKey } from './offer-candidates.js';
import type { QueueRouting, RepSnapshot, SessionSnapshot } from './routing-types.js';

/** A6 */
export type RepState = 'offline' | 'available' | 'busy' | 'idle' | 'locked' | 'opted_out';

/** Why a rep may not be offered a session (E2). */
export type IneligibleReason =
  | 'not_member'
  | 'offline'
  | 'locked'
  | 'idle'
  | 'opted_out'
  | 'at_session_limit'
  | 'has_pending_offer'
  | 'excluded'
  | 'already_in_session';

export type Eligibility = { readonly eligible: true } | { readonly eligible: false; readonly reason: IneligibleReason };

/** Reasons that depend on the rep alone, not on a particular session. */
export type UnavailableReason = Extract<IneligibleReason, 'offline' | 'locked' | 'idle' | 'opted_out' | 'at_session_limit'>;

/** A2: a locked device only makes the rep unavailable where the policy says so. */
export function countsAsLocked(rep: RepSnapshot): boolean {
  return rep.locked && rep.policy.unavailableWhenLocked;
}

/** A4: 0 means no limit. */
export function isAtSessionLimit(rep: RepSnapshot): boolean {
  return rep.policy.maxSessions > 0 && rep.sessionCount >= rep.policy.maxSessions;
}

/**
 * The first reason the rep cannot take any automatic offer, or null when available.
 * The order is from the most to the least fundamental absence, so that the state shown
 * (A6) is the one a team lead can act on: an offline rep is "offline", not "idle".
 */
export function unavailableReason(rep: RepSnapshot): UnavailableReason | null {
  if (!rep.loggedIn) return 'offline';
  if (countsAsLocked(rep)) return 'locked';
  if (rep.idle) return 'idle';
  if (rep.optedOut) return 'opted_out';
  if (isAtSessionLimit(rep)) return 'at_session_limit';
  return null;
}

/** A6 */
export function repState(rep: RepSnapshot): RepState {
  const reason = unavailableReason(rep);
  if (reason === null) return 'available';
  return reason === 'at_session_limit' ? 'busy' : reason;
}

/** E2 first clause: member of the queue's team; for the general queue, policy allows it (Q3). */
export function isMemberOf(rep: RepSnapshot, queue: QueueRouting): boolean {
  if (queue.kind === 'general') return rep.policy.canSeeGeneralQueue;
  return rep.queueIds.includes(queue.id);
}

/**
 * E2. `queue` is the queue the session (or invitation, S1) waits in.
 *
 * A pending offer of *this* session or invitation does not make the rep ineligible ("no
 * other pending offer"): the engine rescinds an offer when its rep becomes ineligible (E9),
 * and must not rescind an offer merely because it exists.
 */
export function isEligible(rep: RepSnapshot, session: SessionSnapshot, queue: QueueRouting): Eligibility {
  if (!isMemberOf(rep, queue)) return no('not_member');
  const unavailable = unavailableReason(rep);
  if (unavailable !== null) return no(unavailable);
  const held = heldOfferKey(rep);
  if (held !== null && held !== candidateKey(session)) return no('has_pending_offer');
  if (session.excludedRepIds.includes(rep.id)) return no('excluded');
  if (session.participantRepIds.includes(rep.id)) return no('already_in_session');
  return { eligible: true };
}

function no(reason: IneligibleReason): Eligibility {
  return { eligible: false, reason };
}
