/**
 * Builders for routing snapshots in unit tests: a test names only what matters to it.
 */
import type {
  AdminSkillLevel,
  QueueRouting,
  RepPolicy,
  RepSnapshot,
  SessionSnapshot,
  SkillData,
  SkillId,
  WaitingRule,
} from '../../src/core/routing.js';
import { skillTreeFrom } from '../../src/core/routing.js';

/** A fixed "now" (2023-11-14T22:13:20Z); tests never read the wall clock. */
export const T0 = 1_700_000_000_000;

export const TEAM = 'team:a';

type RepOverrides = Partial<Omit<RepSnapshot, 'id' | 'policy'>> & { policy?: Partial<RepPolicy> };

export function rep(id: string, overrides: RepOverrides = {}): RepSnapshot {
  const { policy, ...rest } = overrides;
  return {
    id,
    queueIds: [TEAM],
    loggedIn: true,
    locked: false,
    idle: false,
    optedOut: false,
    sessionCount: 0,
    loadSince: T0 - 60_000,
    pendingOfferSessionId: null,
    ...rest,
    policy: {
      maxSessions: 0,
      unavailableWhenLocked: true,
      canOptOut: true,
      missedOffersBeforeOptOut: 3,
      canSeeGeneralQueue: true,
      ...policy,
    },
  };
}

export function session(id: string, overrides: Partial<Omit<SessionSnapshot, 'id'>> = {}): SessionSnapshot {
  return {
    id,
    queueId: TEAM,
    priority: 0,
    waitingSince: T0 - 10_000,
    requiredSkills: [],
    excludedRepIds: [],
    participantRepIds: [],
    ...overrides,
  };
}

type QueueOverrides = Partial<Omit<QueueRouting, 'id' | 'waitingRule'>> & { waitingRule?: Partial<WaitingRule> };

export function queue(id: string = TEAM, overrides: QueueOverrides = {}): QueueRouting {
  const { waitingRule, ...rest } = overrides;
  return {
    id,
    kind: id === 'general' ? 'general' : id.startsWith('rep:') ? 'personal' : 'team',
    algorithm: 'skills_least_busy',
    offerTimeoutSeconds: 30,
    persistent: false,
    ...rest,
    waitingRule: { action: 'none', afterSeconds: 300, overflowQueueId: null, ...waitingRule },
  };
}

/**
 * Skills from `[id, parentId, rank]` rows and who holds what.
 * Example: skillData([['os', null, 1], ['win', 'os', null]], { ann: { os: 'preferred' } }).
 */
export function skillData(
  tree: readonly (readonly [SkillId, SkillId | null, number | null])[],
  held: Readonly<Record<string, Readonly<Record<SkillId, AdminSkillLevel>>>> = {},
): SkillData {
  return {
    tree: skillTreeFrom(tree.map(([id, parentId, rank]) => ({ id, parentId, rank }))),
    repSkills: new Map(Object.entries(held).map(([repId, levels]) => [repId, new Map(Object.entries(levels))])),
  };
}

export const NO_SKILLS: SkillData = skillData([]);
