/**
 * E3 ranking and the choice of one rep for one session, with its explanation (E11).
 */
import { compareIds } from './queue-order.js';
import { candidateKey, heldOfferKey } from './offer-candidates.js';
import { isEligible, type IneligibleReason } from './rep-state.js';
import type { QueueRouting, RepId, RepSnapshot, RoutingAlgorithm, SessionSnapshot, SkillData, SkillId } from './routing-types.js';
import {
  computeSkillFit,
  skillLevelLookup,
  type MatchedSkill,
  type RelaxStep,
  type RepSkillFit,
  type SkillLevelLookup,
} from './skill-fit.js';

export type RankingCriterion = 'skill_fit' | 'session_count' | 'load_since' | 'rep_id';

/** A rep with its skill fit; `fit` is null where skill fit does not apply (`least_busy`). */
export interface Candidate {
  readonly rep: RepSnapshot;
  readonly fit: RepSkillFit | null;
}

export interface RankedRepSummary {
  readonly repId: RepId;
  readonly sessionCount: number;
  readonly loadSince: number;
  /** How long the rep has been at this load when the choice was made. */
  readonly atLoadForMs: number;
  /** Skill fit score (higher is better), null under `least_busy`. */
  readonly skillScore: number | null;
  readonly matchedSkills: readonly MatchedSkill[];
}

export interface PassedOverRep {
  readonly repId: RepId;
  readonly reason: IneligibleReason;
}

/** E11: why an offer went to this rep. Plain data, stored as JSON with the offer. */
export interface OfferExplanation {
  readonly kind: 'offer';
  readonly queueId: string;
  readonly algorithm: Exclude<RoutingAlgorithm, 'none'>;
  /** As the session asked, in order. */
  readonly requiredSkills: readonly SkillId[];
  /** What was left after E8 relaxation over the eligible reps (empty under `least_busy`). */
  readonly skillRequirements: readonly SkillId[];
  readonly relaxation: readonly RelaxStep[];
  readonly chosen: RankedRepSummary;
  /** The next eligible rep, the one the chosen rep was compared with. */
  readonly runnerUp: RankedRepSummary | null;
  readonly decidedBy: RankingCriterion | 'only_candidate';
  readonly eligibleCount: number;
  /**
   * Members of the queue who would have ranked above the chosen rep had they been eligible,
   * best first, each with the reason they were not. Their skill fit is judged over all
   * members, so a skilled rep who was idle shows up even though relaxation over the
   * eligible reps dropped the skill.
   */
  readonly passedOver: readonly PassedOverRep[];
}

export type NoOfferReason = 'manual_queue' | 'already_offered' | 'no_eligible_rep';

export interface NoOfferExplanation {
  readonly kind: 'no_offer';
  readonly queueId: string;
  readonly reason: NoOfferReason;
  /** For `no_eligible_rep`: every member of the queue and why it is not eligible (E7). */
  readonly ineligible: readonly PassedOverRep[];
}

export type RepChoice =
  | { readonly rep: RepSnapshot; readonly explanation: OfferExplanation }
  | { readonly rep: null; readonly explanation: NoOfferExplanation };

export interface IneligibleMember {
  readonly rep: RepSnapshot;
  readonly reason: IneligibleReason;
}

/**
 * Equilibrium routes team, embassy and general queues whose algorithm is not `none`.
 * Personal queues have no routing settings (section 5 preamble): they wait for their rep.
 */
export function isAutomatic(queue: QueueRouting): boolean {
  return queue.kind !== 'personal' && queue.algorithm !== 'none';
}

/** The first E3 criterion on which two candidates differ; `order` < 0 when `a` ranks first. */
export function firstDifference(a: Candidate, b: Candidate): { criterion: RankingCriterion; order: number } | null {
  if (a.fit !== null && b.fit !== null && a.fit.score !== b.fit.score) {
    return { criterion: 'skill_fit', order: b.fit.score - a.fit.score };
  }
  if (a.rep.sessionCount !== b.rep.sessionCount) {
    return { criterion: 'session_count', order: a.rep.sessionCount - b.rep.sessionCount };
  }
  if (a.rep.loadSince !== b.rep.loadSince) {
    return { criterion: 'load_since', order: a.rep.loadSince - b.rep.loadSince };
  }
  const byId = compareIds(a.rep.id, b.rep.id);
  return byId === 0 ? null : { criterion: 'rep_id', order: byId };
}

/** E3: negative when `a` ranks before `b`. A total order over distinct rep ids. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return firstDifference(a, b)?.order ?? 0;
}

/**
 * E2 + E3 + E11 for one session: the best eligible rep, or null and why not.
 * `reps` may hold any reps; non-members are ignored.
 */
export function chooseRep(
  session: SessionSnapshot,
  queue: QueueRouting,
  reps: readonly RepSnapshot[],
  skills: SkillData,
  now: number,
): RepChoice {
  if (!isAutomatic(queue)) return noOffer(queue, 'manual_queue', []);
  const key = candidateKey(session);
  const alreadyOffered = (session.pendingOfferRepId ?? null) !== null || reps.some((r) => heldOfferKey(r) === key);
  if (alreadyOffered) return noOffer(queue, 'already_offered', []);

  const eligible: RepSnapshot[] = [];
  const ineligible: IneligibleMember[] = [];
  for (const rep of reps) {
    const e = isEligible(rep, session, queue);
    if (e.eligible) eligible.push(rep);
    else if (e.reason !== 'not_member') ineligible.push({ rep, reason: e.reason });
  }
  const choice = chooseAmongEligible({ session, queue, eligible, ineligible, skills, levelOf: skillLevelLookup(skills), now });
  if (choice !== null) return choice;
  return noOffer(
    queue,
    'no_eligible_rep',
    ineligible.map((m) => ({ repId: m.rep.id, reason: m.reason })),
  );
}

export interface EligibleChoiceInput {
  readonly session: SessionSnapshot;
  /** An automatic queue (see isAutomatic). */
  readonly queue: QueueRouting;
  /** Reps already known to be eligible for the session (E2). */
  readonly eligible: readonly RepSnapshot[];
  /** The other members of the queue, for the explanation only. */
  readonly ineligible: readonly IneligibleMember[];
  readonly skills: SkillData;
  readonly levelOf: SkillLevelLookup;
  readonly now: number;
}

/**
 * E3 over reps already checked for eligibility; null when there are none. Split from
 * chooseRep so that planOffers can keep its own index of free reps and not re-check
 * every rep for every session.
 */
export function chooseAmongEligible(input: EligibleChoiceInput): { rep: RepSnapshot; explanation: OfferExplanation } | null {
  const { session, queue, eligible, skills, levelOf, now } = input;
  if (eligible.length === 0) return null;
  const algorithm = queue.algorithm === 'skills_least_busy' ? 'skills_least_busy' : 'least_busy';
  const fit =
    algorithm === 'skills_least_busy'
      ? computeSkillFit(session.requiredSkills, eligible.map((r) => r.id), skills, levelOf)
      : null;

  // Best two in one pass: the ranking of the rest is never needed.
  let best: Candidate | null = null;
  let second: Candidate | null = null;
  for (const rep of eligible) {
    const c: Candidate = { rep, fit: fit?.byRep.get(rep.id) ?? null };
    if (best === null || compareCandidates(c, best) < 0) {
      second = best;
      best = c;
    } else if (second === null || compareCandidates(c, second) < 0) {
      second = c;
    }
  }
  if (best === null) return null;

  const explanation: OfferExplanation = {
    kind: 'offer',
    queueId: queue.id,
    algorithm,
    requiredSkills: [...session.requiredSkills],
    skillRequirements: fit?.requirements ?? [],
    relaxation: fit?.steps ?? [],
    chosen: summary(best, now),
    runnerUp: second === null ? null : summary(second, now),
    decidedBy: second === null ? 'only_candidate' : (firstDifference(best, second)?.criterion ?? 'rep_id'),
    eligibleCount: eligible.length,
    passedOver: passedOver(input, best.rep, algorithm === 'skills_least_busy'),
  };
  return { rep: best.rep, explanation };
}

/** Ineligible members who would have ranked above `chosen` (see OfferExplanation). */
function passedOver(input: EligibleChoiceInput, chosen: RepSnapshot, withSkills: boolean): PassedOverRep[] {
  const { session, eligible, ineligible, skills, levelOf } = input;
  if (ineligible.length === 0) return [];
  const everyone = [...eligible.map((r) => r.id), ...ineligible.map((m) => m.rep.id)];
  const fitAll = withSkills ? computeSkillFit(session.requiredSkills, everyone, skills, levelOf) : null;
  const asCandidate = (rep: RepSnapshot): Candidate => ({ rep, fit: fitAll?.byRep.get(rep.id) ?? null });
  const chosenCandidate = asCandidate(chosen);
  return ineligible
    .map((m) => ({ member: m, candidate: asCandidate(m.rep) }))
    .filter((x) => compareCandidates(x.candidate, chosenCandidate) < 0)
    .sort((x, y) => compareCandidates(x.candidate, y.candidate))
    .map((x) => ({ repId: x.member.rep.id, reason: x.member.reason }));
}

function summary(c: Candidate, now: number): RankedRepSummary {
  return {
    repId: c.rep.id,
    sessionCount: c.rep.sessionCount,
    loadSince: c.rep.loadSince,
    atLoadForMs: Math.max(0, now - c.rep.loadSince),
    skillScore: c.fit?.score ?? null,
    matchedSkills: c.fit?.matched ?? [],
  };
}

function noOffer(queue: QueueRouting, reason: NoOfferReason, ineligible: PassedOverRep[]): RepChoice {
  return { rep: null, explanation: { kind: 'no_offer', queueId: queue.id, reason, ineligible } };
}
