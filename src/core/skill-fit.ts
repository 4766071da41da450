/**
 * E8: skill fit of reps for a session's required skills.
 *
 * Holding a skill:
 * - `preferred` where the admin set it;
 * - `less_preferred` for every descendant of a skill the admin set `preferred`, unless the
 *   admin set the descendant itself (its own setting wins);
 * - an `ignored` skill counts as not held. Read literally, `ignored` applies to that skill
 *   only: a descendant of an ignored skill under a preferred ancestor is still
 *   `less_preferred` ("implied for every descendant of a preferred skill").
 * A rep does not hold a parent skill by holding one of its children. Note what follows:
 * whoever holds a skill holds all its descendants, so replacing an unheld requirement by
 * its parent (below) only finds new reps where a descendant is set to `ignored`; in the
 * common case it climbs to the root, which is then dropped.
 */
import type { AdminSkillLevel, RepId, SkillData, SkillId, SkillLevel, SkillTree } from './routing-types.js';

export type SkillLevelLookup = (repId: RepId, skillId: SkillId) => SkillLevel | null;

export interface MatchedSkill {
  readonly skillId: SkillId;
  readonly level: SkillLevel;
}

export interface RepSkillFit {
  readonly repId: RepId;
  /** Holds every remaining requirement. */
  readonly matchesAll: boolean;
  /** `preferred` matches among the remaining requirements (E8: more rank first). */
  readonly preferredCount: number;
  /** Remaining requirements the rep holds, in requirement order (E11). */
  readonly matched: readonly MatchedSkill[];
  /** Higher is better: 0 when not matching all, else 1 + preferred matches. */
  readonly score: number;
}

/** How a requirement was relaxed, in order (E11). */
export type RelaxStep =
  | { readonly kind: 'replaced'; readonly from: SkillId; readonly to: SkillId }
  | { readonly kind: 'dropped'; readonly skillId: SkillId };

export interface SkillFit {
  /** Requirements left after relaxation, in the session's order. */
  readonly requirements: readonly SkillId[];
  readonly steps: readonly RelaxStep[];
  readonly byRep: ReadonlyMap<RepId, RepSkillFit>;
}

/** Builds the tree from a list of skills. */
export function skillTreeFrom(skills: readonly { id: SkillId; parentId: SkillId | null; rank: number | null }[]): SkillTree {
  return new Map(skills.map((s) => [s.id, s]));
}

/** Parent, grandparent, … up to the root; stops at a repeated id so bad data cannot loop. */
export function ancestorsOf(skillId: SkillId, tree: SkillTree): SkillId[] {
  const out: SkillId[] = [];
  const seen = new Set<SkillId>([skillId]);
  let parent = tree.get(skillId)?.parentId ?? null;
  while (parent !== null && tree.has(parent) && !seen.has(parent)) {
    out.push(parent);
    seen.add(parent);
    parent = tree.get(parent)?.parentId ?? null;
  }
  return out;
}

/**
 * The parent a requirement is lifted to, or null for a root. Unknown skills (deleted since
 * the issue was saved) and skills on a parent cycle count as roots, so relaxation ends.
 */
export function liftTarget(skillId: SkillId, tree: SkillTree): SkillId | null {
  const parent = tree.get(skillId)?.parentId ?? null;
  if (parent === null || !tree.has(parent)) return null;
  const up = ancestorsOf(parent, tree);
  return up.includes(skillId) || parent === skillId ? null : parent;
}

/** Rank of the root above a skill; unranked and unknown roots rank lowest. */
export function rootRank(skillId: SkillId, tree: SkillTree): number {
  const top = ancestorsOf(skillId, tree).at(-1) ?? skillId;
  return tree.get(top)?.rank ?? Number.POSITIVE_INFINITY;
}

export function effectiveSkillLevel(
  levels: ReadonlyMap<SkillId, AdminSkillLevel> | undefined,
  skillId: SkillId,
  tree: SkillTree,
): SkillLevel | null {
  if (levels === undefined) return null;
  const own = levels.get(skillId);
  if (own === 'preferred') return 'preferred';
  if (own === 'ignored') return null;
  for (const ancestor of ancestorsOf(skillId, tree)) {
    if (levels.get(ancestor) === 'preferred') return 'less_preferred';
  }
  return null;
}

/** Memoised level lookup: one routing run asks the same (rep, skill) pair many times. */
export function skillLevelLookup(skills: SkillData): SkillLevelLookup {
  const cache = new Map<string, SkillLevel | null>();
  return (repId, skillId) => {
    const key = `${repId}\u0000${skillId}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const level = effectiveSkillLevel(skills.repSkills.get(repId), skillId, skills.tree);
    cache.set(key, level);
    return level;
  };
}

/**
 * E8 over the given reps (the eligible reps, for a routing decision).
 *
 * Relaxation, until some rep matches every remaining requirement:
 * 1. every requirement no rep holds is replaced by its parent;
 * 2. else a root requirement no rep holds is dropped, the lowest ranked first;
 * 3. else every requirement is held by someone but nobody holds them all: the SPEC names
 *    no rule, so the same order applies to the lowest-ranked requirement (by its root's
 *    rank, then the later one in the session's list): lifted to its parent, or dropped
 *    when it is a root.
 * Steps 1 and 2 cannot change the outcome by their order (an unheld requirement can never
 * be matched), so only step 3's order decides which skills survive.
 */
export function computeSkillFit(
  required: readonly SkillId[],
  repIds: readonly RepId[],
  skills: SkillData,
  levelOf: SkillLevelLookup = skillLevelLookup(skills),
): SkillFit {
  const { requirements, steps } = relax(required, repIds, skills.tree, levelOf);
  const byRep = new Map<RepId, RepSkillFit>();
  for (const repId of repIds) byRep.set(repId, fitOf(repId, requirements, levelOf));
  return { requirements, steps, byRep };
}

/** Fit of one rep against already relaxed requirements. */
export function fitOf(repId: RepId, requirements: readonly SkillId[], levelOf: SkillLevelLookup): RepSkillFit {
  const matched: MatchedSkill[] = [];
  for (const skillId of requirements) {
    const level = levelOf(repId, skillId);
    if (level !== null) matched.push({ skillId, level });
  }
  const matchesAll = matched.length === requirements.length;
  const preferredCount = matched.filter((m) => m.level === 'preferred').length;
  return { repId, matchesAll, preferredCount, matched, score: matchesAll ? 1 + preferredCount : 0 };
}

function relax(
  required: readonly SkillId[],
  repIds: readonly RepId[],
  tree: SkillTree,
  levelOf: SkillLevelLookup,
): { requirements: SkillId[]; steps: RelaxStep[] } {
  let reqs = [...new Set(required)];
  const steps: RelaxStep[] = [];
  const heldBySomeone = (skillId: SkillId): boolean => repIds.some((r) => levelOf(r, skillId) !== null);
  // Every pass lifts or drops at least one requirement and lifting ends at a root, so
  // this terminates after at most (requirements × tree depth) passes.
  while (reqs.length > 0) {
    const current = reqs;
    if (repIds.some((r) => current.every((s) => levelOf(r, s) !== null))) break;
    const unheld = current.filter((s) => !heldBySomeone(s));
    let lifted = false;
    for (const s of unheld) {
      const parent = liftTarget(s, tree);
      if (parent === null) continue;
      reqs = replace(reqs, s, parent, steps);
      lifted = true;
    }
    if (lifted) continue;
    const victim = lowestRanked(unheld.length > 0 ? unheld : current, current, tree);
    const parent = liftTarget(victim, tree);
    reqs = parent === null ? drop(reqs, victim, steps) : replace(reqs, victim, parent, steps);
  }
  return { requirements: reqs, steps };
}

/** Largest root rank number; ties go to the later requirement in the session's list. */
function lowestRanked(candidates: readonly SkillId[], order: readonly SkillId[], tree: SkillTree): SkillId {
  return candidates.reduce((worst, s) => {
    const rs = rootRank(s, tree);
    const rw = rootRank(worst, tree);
    return rs > rw || (rs === rw && order.indexOf(s) > order.indexOf(worst)) ? s : worst;
  });
}

function replace(reqs: SkillId[], from: SkillId, to: SkillId, steps: RelaxStep[]): SkillId[] {
  steps.push({ kind: 'replaced', from, to });
  // The parent may already be required: keep it once, at its earlier place.
  if (reqs.includes(to)) return reqs.filter((s) => s !== from);
  return reqs.map((s) => (s === from ? to : s));
}

function drop(reqs: SkillId[], skillId: SkillId, steps: RelaxStep[]): SkillId[] {
  steps.push({ kind: 'dropped', skillId });
  return reqs.filter((s) => s !== skillId);
}
