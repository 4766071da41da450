/**
 * E1–E7: one Equilibrium run. Given everything waiting and every rep, which offers to make.
 * What waits is sessions and, S1, open invitations to join a session: both are offered the
 * same way (see offer-candidates.ts).
 */
import { candidateKey, heldOfferKey, type CandidateKey } from './offer-candidates.js';
import { compareQueueOrder } from './queue-order.js';
import { chooseAmongEligible, isAutomatic, type IneligibleMember, type OfferExplanation } from './ranking.js';
import { isEligible, isMemberOf, unavailableReason } from './rep-state.js';
import type { InvitationId, QueueId, QueueRouting, RepId, RepSnapshot, SessionId, SessionSnapshot, SkillData } from './routing-types.js';
import { skillLevelLookup } from './skill-fit.js';

export interface PlannedOffer {
  readonly sessionId: SessionId;
  /** S1: the invitation offered (to join `sessionId`); null for an offer of a waiting session. */
  readonly invitationId: InvitationId | null;
  readonly repId: RepId;
  readonly queueId: QueueId;
  /** ms since epoch: now + the queue's offerTimeoutSeconds. */
  readonly expiresAt: number;
  readonly explanation: OfferExplanation;
}

/**
 * Pairs waiting sessions and open invitations with reps, in Q4 order across all automatic
 * queues, so that a rep in several teams is offered the most urgent one among them. Each
 * planned offer takes its rep: one pending offer per rep and per session or invitation
 * (X5). Those that already have a pending offer are left alone.
 *
 * Cost: O(reps × memberships) to index who is free, then per session only the free
 * members of its queue are looked at; the walk stops when no free rep is left, and
 * returns at once when there is none to begin with.
 */
export function planOffers(
  queues: readonly QueueRouting[],
  waitingSessions: readonly SessionSnapshot[],
  reps: readonly RepSnapshot[],
  skills: SkillData,
  now: number,
): PlannedOffer[] {
  const automatic = new Map<QueueId, QueueRouting>();
  for (const q of queues) if (isAutomatic(q)) automatic.set(q.id, q);
  const isFree = (rep: RepSnapshot): boolean => unavailableReason(rep) === null && heldOfferKey(rep) === null;
  if (automatic.size === 0 || !reps.some(isFree)) return [];

  const members = membersByQueue(automatic, reps);
  // Free members per queue; a rep leaves every pool once an offer is planned for them.
  const pools = new Map<QueueId, Set<RepId>>();
  const freeAnywhere = new Set<RepId>();
  for (const [queueId, list] of members) {
    const pool = new Set(list.filter(isFree).map((r) => r.id));
    pools.set(queueId, pool);
    for (const id of pool) freeAnywhere.add(id);
  }
  if (freeAnywhere.size === 0) return [];

  const offered = new Set<CandidateKey>();
  for (const rep of reps) {
    const held = heldOfferKey(rep);
    if (held !== null) offered.add(held);
  }
  for (const s of waitingSessions) if ((s.pendingOfferRepId ?? null) !== null) offered.add(candidateKey(s));

  const current = new Map<RepId, RepSnapshot>(reps.map((r) => [r.id, r]));
  const levelOf = skillLevelLookup(skills);
  const order = waitingSessions
    .filter((s) => !offered.has(candidateKey(s)) && (pools.get(s.queueId)?.size ?? 0) > 0)
    .sort(compareQueueOrder);

  const offers: PlannedOffer[] = [];
  for (const session of order) {
    if (freeAnywhere.size === 0) break;
    const queue = automatic.get(session.queueId);
    const pool = pools.get(session.queueId);
    const key = candidateKey(session);
    if (queue === undefined || pool === undefined || pool.size === 0 || offered.has(key)) continue;

    const eligible: RepSnapshot[] = [];
    for (const id of pool) {
      const rep = current.get(id);
      if (rep === undefined) continue;
      if (session.excludedRepIds.includes(id) || session.participantRepIds.includes(id)) continue;
      eligible.push(rep);
    }
    if (eligible.length === 0) continue; // E7: stays unoffered

    const eligibleIds = new Set(eligible.map((r) => r.id));
    const ineligible: IneligibleMember[] = [];
    for (const member of members.get(queue.id) ?? []) {
      if (eligibleIds.has(member.id)) continue;
      const rep = current.get(member.id) ?? member;
      const e = isEligible(rep, session, queue);
      if (!e.eligible) ineligible.push({ rep, reason: e.reason });
    }

    const choice = chooseAmongEligible({ session, queue, eligible, ineligible, skills, levelOf, now });
    if (choice === null) continue;
    const repId = choice.rep.id;
    const invitationId = session.invitationId ?? null;
    offers.push({
      sessionId: session.id,
      invitationId,
      repId,
      queueId: queue.id,
      expiresAt: now + queue.offerTimeoutSeconds * 1000,
      explanation: choice.explanation,
    });
    offered.add(key);
    current.set(repId, { ...choice.rep, pendingOfferSessionId: session.id, pendingOfferInvitationId: invitationId });
    for (const p of pools.values()) p.delete(repId);
    freeAnywhere.delete(repId);
  }
  return offers;
}

/** Every rep who is a member (E2) of each automatic queue, free or not. */
function membersByQueue(automatic: ReadonlyMap<QueueId, QueueRouting>, reps: readonly RepSnapshot[]): Map<QueueId, RepSnapshot[]> {
  const members = new Map<QueueId, RepSnapshot[]>();
  for (const id of automatic.keys()) members.set(id, []);
  const general = [...automatic.values()].filter((q) => q.kind === 'general');
  for (const rep of reps) {
    for (const queueId of new Set(rep.queueIds)) {
      const queue = automatic.get(queueId);
      if (queue !== undefined && queue.kind !== 'general') members.get(queueId)?.push(rep);
    }
    for (const queue of general) if (isMemberOf(rep, queue)) members.get(queue.id)?.push(rep);
  }
  return members;
}
