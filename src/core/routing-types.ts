/**
 * Input data of the pure routing rules (SPEC sections 5, 6, 7 and 9).
 *
 * These are snapshots: the engine loads them inside its transaction and hands them to
 * core, which answers with data. Nothing here refers to the store or to the clock.
 */
import type { PolicySettings } from './policy.js';

export type RepId = string;
export type SessionId = string;
export type QueueId = string;
export type SkillId = string;
export type InvitationId = string;

export type QueueKind = 'personal' | 'team' | 'embassy' | 'general';
export type RoutingAlgorithm = 'none' | 'least_busy' | 'skills_least_busy';
export type WaitingAction = 'none' | 'mark' | 'transfer';

/** Section 6: what happens to a session that waits too long in one queue. */
export interface WaitingRule {
  readonly action: WaitingAction;
  readonly afterSeconds: number;
  /** Target of `transfer`; ignored for the other actions. */
  readonly overflowQueueId: QueueId | null;
}

/** Routing and waiting settings of one queue (section 5 preamble, section 6, Q5). */
export interface QueueRouting {
  readonly id: QueueId;
  readonly kind: QueueKind;
  readonly algorithm: RoutingAlgorithm;
  readonly offerTimeoutSeconds: number;
  readonly waitingRule: WaitingRule;
  readonly persistent: boolean;
}

/** The policy settings routing reads (section 7, E2, E10, Q3). */
export type RepPolicy = Pick<
  PolicySettings,
  'maxSessions' | 'unavailableWhenLocked' | 'canOptOut' | 'missedOffersBeforeOptOut' | 'canSeeGeneralQueue'
>;

export interface RepSnapshot {
  readonly id: RepId;
  /**
   * Queues whose team the rep belongs to (team and embassy queues, and the rep's own
   * personal queue). The general queue is governed by `policy.canSeeGeneralQueue` instead.
   */
  readonly queueIds: readonly QueueId[];
  /** A1: true during the grace period after the last connection dropped. */
  readonly loggedIn: boolean;
  /** A2: the device is locked (whether that matters is `policy.unavailableWhenLocked`). */
  readonly locked: boolean;
  /** A3 */
  readonly idle: boolean;
  /** A5 and E10 */
  readonly optedOut: boolean;
  /** Owned plus joined sessions (E3 (2), A4). */
  readonly sessionCount: number;
  /** E3 (3): last time the session count changed or the rep became eligible, ms since epoch. */
  readonly loadSince: number;
  /** The session of the rep's pending offer: the one offered, or the one an offered invitation is to join. */
  readonly pendingOfferSessionId: SessionId | null;
  /** S1: set when the rep's pending offer is of this invitation (its session in `pendingOfferSessionId`). */
  readonly pendingOfferInvitationId?: InvitationId | null;
  readonly policy: RepPolicy;
}

/**
 * Something Equilibrium offers (a "candidate"): a waiting session or, with `invitationId`
 * set, an open invitation to join the active session `id` (S1). An invitation waits in its
 * own queue (`queueId`), with the session's priority and required skills; its
 * `waitingSince` is when it was made; `excludedRepIds` holds the reps who rejected it or let
 * its offer expire (E6), and the inviter; `participantRepIds` the reps in the session.
 */
export interface SessionSnapshot {
  readonly id: SessionId;
  readonly invitationId?: InvitationId | null;
  readonly queueId: QueueId;
  /** Q4: higher first. */
  readonly priority: number;
  /** Q4: when the customer started waiting, ms since epoch (kept across moves). */
  readonly waitingSince: number;
  /** E8: in order of importance. */
  readonly requiredSkills: readonly SkillId[];
  /** E6: reps who rejected or let an offer expire while the session is in this queue. */
  readonly excludedRepIds: readonly RepId[];
  /** Reps already in the session (an invitation's session has an owner and participants). */
  readonly participantRepIds: readonly RepId[];
  /**
   * The rep holding this candidate's pending offer, when the engine knows it. Optional
   * because the same fact is also read from the reps' `pendingOfferSessionId` (and
   * `pendingOfferInvitationId`).
   */
  readonly pendingOfferRepId?: RepId | null;
}

export interface Skill {
  readonly id: SkillId;
  readonly parentId: SkillId | null;
  /** Rank among root skills: lower number = higher ranked. Null below the root. */
  readonly rank: number | null;
}

/** The site's skill tree, by skill id. */
export type SkillTree = ReadonlyMap<SkillId, Skill>;

/** Levels an admin sets (E8); `less_preferred` is never set, only implied. */
export type AdminSkillLevel = 'preferred' | 'ignored';
/** Levels at which a rep holds a skill; `ignored` counts as not held. */
export type SkillLevel = 'preferred' | 'less_preferred';

/** Rep id -> skill id -> level set by the admin. */
export type RepSkills = ReadonlyMap<RepId, ReadonlyMap<SkillId, AdminSkillLevel>>;

/** What skill fit needs: the tree and who holds what. */
export interface SkillData {
  readonly tree: SkillTree;
  readonly repSkills: RepSkills;
}
