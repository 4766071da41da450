import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareQueueOrder,
  computeSkillFit,
  isAutomatic,
  isEligible,
  planOffers,
  unavailableReason,
  type AdminSkillLevel,
  type QueueRouting,
  type RepSnapshot,
  type RoutingAlgorithm,
  type SessionSnapshot,
  type SkillData,
} from '../../src/core/routing.js';
import { queue, skillData, T0 } from './routing-fixtures.js';

const QUEUE_IDS = ['team:a', 'team:b', 'team:c', 'general', 'rep:r0'] as const;
const REP_IDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'] as const;
const SESSION_IDS = Array.from({ length: 12 }, (_, i) => `s${i}`);
const TREE = [
  ['os', null, 1],
  ['windows', 'os', null],
  ['win11', 'windows', null],
  ['mac', 'os', null],
  ['net', null, 2],
  ['vpn', 'net', null],
  ['billing', null, 3],
] as const;
const SKILL_IDS = [...TREE.map(([id]) => id), 'gone'];

/** Mostly true / mostly false, so that runs have both free and unavailable reps. */
const usually = fc.integer({ min: 0, max: 4 }).map((n) => n > 0);
const rarely = fc.integer({ min: 0, max: 7 }).map((n) => n === 0);
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: arb, weight: 1 });

const repArb = fc.record({
  queueIds: fc.subarray([...QUEUE_IDS], { minLength: 1 }),
  loggedIn: usually,
  locked: rarely,
  idle: rarely,
  optedOut: rarely,
  sessionCount: fc.nat(3),
  loadSince: fc.integer({ min: 0, max: 3 }).map((n) => T0 - n * 1_000),
  pendingOfferSessionId: sometimes(fc.constantFrom(...SESSION_IDS, 'elsewhere')),
  maxSessions: fc.constantFrom(0, 0, 2, 3),
  unavailableWhenLocked: usually,
  canSeeGeneralQueue: usually,
  skills: fc.array(
    fc.tuple(fc.constantFrom(...SKILL_IDS), fc.constantFrom<AdminSkillLevel>('preferred', 'preferred', 'ignored')),
    { maxLength: 4 },
  ),
});

const sessionArb = fc.record({
  queueId: fc.constantFrom(...QUEUE_IDS),
  priority: fc.nat(2),
  waitingSince: fc.integer({ min: 0, max: 4 }).map((n) => T0 - n * 1_000),
  requiredSkills: fc.shuffledSubarray(SKILL_IDS, { maxLength: 3 }),
  excludedRepIds: fc.subarray([...REP_IDS], { maxLength: 2 }),
  participantRepIds: fc.subarray([...REP_IDS], { maxLength: 1 }),
  pendingOfferRepId: sometimes(fc.constantFrom(...REP_IDS)),
});

const worldArb = fc.record({
  algorithms: fc.array(fc.constantFrom<RoutingAlgorithm>('none', 'least_busy', 'skills_least_busy'), {
    minLength: QUEUE_IDS.length,
    maxLength: QUEUE_IDS.length,
  }),
  reps: fc.array(repArb, { minLength: 1, maxLength: REP_IDS.length }),
  sessions: fc.array(sessionArb, { minLength: 1, maxLength: SESSION_IDS.length }),
});

interface World {
  queues: QueueRouting[];
  reps: RepSnapshot[];
  sessions: SessionSnapshot[];
  skills: SkillData;
}

type RawWorld = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function build(raw: RawWorld): World {
  const queues = QUEUE_IDS.map((id, i) => queue(id, { algorithm: raw.algorithms[i] ?? 'none', offerTimeoutSeconds: 5 + i }));
  const reps: RepSnapshot[] = raw.reps.map((r, i) => ({
    id: REP_IDS[i] ?? `r${i}`,
    queueIds: r.queueIds,
    loggedIn: r.loggedIn,
    locked: r.locked,
    idle: r.idle,
    optedOut: r.optedOut,
    sessionCount: r.sessionCount,
    loadSince: r.loadSince,
    pendingOfferSessionId: r.pendingOfferSessionId,
    policy: {
      maxSessions: r.maxSessions,
      unavailableWhenLocked: r.unavailableWhenLocked,
      canOptOut: true,
      missedOffersBeforeOptOut: 3,
      canSeeGeneralQueue: r.canSeeGeneralQueue,
    },
  }));
  const held = Object.fromEntries(raw.reps.map((r, i) => [REP_IDS[i] ?? `r${i}`, Object.fromEntries(r.skills)]));
  const sessions = raw.sessions.map((s, i) => ({ id: SESSION_IDS[i] ?? `s${i}`, ...s }));
  return { queues, reps, sessions, skills: skillData(TREE, held) };
}

/** Independent statement of E3 for the oracle: score desc, sessions asc, loadSince asc, id asc. */
function bestByOracle(candidates: RepSnapshot[], s: SessionSnapshot, q: QueueRouting, skills: SkillData): RepSnapshot {
  const fit =
    q.algorithm === 'skills_least_busy'
      ? computeSkillFit(s.requiredSkills, candidates.map((r) => r.id), skills)
      : null;
  const key = (r: RepSnapshot) => [-(fit?.byRep.get(r.id)?.score ?? 0), r.sessionCount, r.loadSince] as const;
  const sorted = [...candidates].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i += 1) if (ka[i] !== kb[i]) return (ka[i] ?? 0) - (kb[i] ?? 0);
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return sorted[0] as RepSnapshot;
}

describe('planOffers properties (E1–E7, X5)', () => {
  it('E2/E3/E7/X5: one offer per rep and session, only to eligible free reps, greedy in Q4 order, best rep first', () => {
    fc.assert(
      fc.property(worldArb, (raw) => {
        const { queues, reps, sessions, skills } = build(raw);
        const offers = planOffers(queues, sessions, reps, skills, T0);
        const queueById = new Map(queues.map((q) => [q.id, q]));
        const sessionById = new Map(sessions.map((s) => [s.id, s]));

        // X5: never two offers to one rep or one session.
        expect(new Set(offers.map((o) => o.repId)).size).toBe(offers.length);
        expect(new Set(offers.map((o) => o.sessionId)).size).toBe(offers.length);

        const alreadyOffered = (s: SessionSnapshot) =>
          (s.pendingOfferRepId ?? null) !== null || reps.some((r) => r.pendingOfferSessionId === s.id);
        const freeAtStart = (r: RepSnapshot) => unavailableReason(r) === null && r.pendingOfferSessionId === null;

        // Offers come in Q4 order, and each carries its queue's timeout.
        for (let i = 1; i < offers.length; i += 1) {
          const prev = sessionById.get(offers[i - 1]?.sessionId ?? '');
          const cur = sessionById.get(offers[i]?.sessionId ?? '');
          expect(prev && cur && compareQueueOrder(prev, cur) < 0).toBe(true);
        }

        // Replay the walk: each session in Q4 order sees the reps not yet taken.
        const bySession = new Map(offers.map((o) => [o.sessionId, o]));
        const taken = new Set<string>();
        let replayed = 0;
        const walk = sessions
          .filter((s) => {
            const q = queueById.get(s.queueId);
            return q !== undefined && isAutomatic(q) && !alreadyOffered(s);
          })
          .sort(compareQueueOrder);
        for (const s of walk) {
          const q = queueById.get(s.queueId) as QueueRouting;
          const available = reps.filter((r) => freeAtStart(r) && !taken.has(r.id) && isEligible(r, s, q).eligible);
          const offer = bySession.get(s.id);
          if (offer === undefined) {
            // E7 only: never unoffered while an eligible free rep exists.
            expect(available.map((r) => r.id)).toEqual([]);
            continue;
          }
          replayed += 1;
          expect(offer.expiresAt).toBe(T0 + q.offerTimeoutSeconds * 1_000);
          const rep = reps.find((r) => r.id === offer.repId) as RepSnapshot;
          // Never an ineligible, excluded or busy rep.
          expect(available).toContain(rep);
          expect(s.excludedRepIds).not.toContain(rep.id);
          // No higher-ranked eligible free rep passed over.
          expect(offer.repId).toBe(bestByOracle(available, s, q, skills).id);
          taken.add(offer.repId);
        }
        // Nothing offered outside automatic queues or to already-offered sessions.
        expect(replayed).toBe(offers.length);

        // End state: no waiting, unoffered session has an eligible rep left free.
        for (const s of walk) {
          if (bySession.has(s.id)) continue;
          const q = queueById.get(s.queueId) as QueueRouting;
          const left = reps.filter((r) => freeAtStart(r) && !taken.has(r.id) && isEligible(r, s, q).eligible);
          expect(left).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('E1: planning is deterministic: the same input gives the same offers', () => {
    fc.assert(
      fc.property(worldArb, (raw) => {
        const w = build(raw);
        const a = planOffers(w.queues, w.sessions, w.reps, w.skills, T0);
        const b = planOffers(w.queues, [...w.sessions].reverse(), [...w.reps].reverse(), w.skills, T0);
        expect(b.map((o) => [o.sessionId, o.repId])).toEqual(a.map((o) => [o.sessionId, o.repId]));
      }),
      { numRuns: 200 },
    );
  });
});
