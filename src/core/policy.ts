/**
 * A policy: the availability settings of SPEC section 7 and the permissions a rep has.
 * Defaults are the SPEC's defaults; a policy in the site configuration may set any subset.
 */
export interface PolicySettings {
  /** A4: 0 = no limit. */
  maxSessions: number;
  /** A3: 0 = never idle. */
  idleMinutes: number;
  /** A2 */
  unavailableWhenLocked: boolean;
  /** A5 */
  canOptOut: boolean;
  autoAssignOnLogin: boolean;
  /** E10: 0 = never opt out. */
  missedOffersBeforeOptOut: number;
  /** Q3: sees the general queue (and is eligible there, E2). */
  canSeeGeneralQueue: boolean;
  /** Q7: may accept by hand from team and general queues (always from the personal queue). */
  canAcceptFromTeamQueues: boolean;
  /** Q8 */
  canGetNext: boolean;
  /** C2: may appear on the portal's representative list. */
  canBeListed: boolean;
  /** C1 */
  canGenerateSessionKeys: boolean;
  /** T3: which kinds of transfer target the rep may use. */
  canTransferToTeams: boolean;
  canTransferToReps: boolean;
  canTransferToGeneral: boolean;
  canTransferToEmbassies: boolean;
}

export const DEFAULT_POLICY: PolicySettings = {
  maxSessions: 0,
  idleMinutes: 15,
  unavailableWhenLocked: true,
  canOptOut: true,
  autoAssignOnLogin: true,
  missedOffersBeforeOptOut: 3,
  canSeeGeneralQueue: true,
  canAcceptFromTeamQueues: true,
  canGetNext: true,
  canBeListed: true,
  canGenerateSessionKeys: true,
  canTransferToTeams: true,
  canTransferToReps: true,
  canTransferToGeneral: true,
  canTransferToEmbassies: true,
};

export function policySettings(partial: Partial<PolicySettings>): PolicySettings {
  return { ...DEFAULT_POLICY, ...partial };
}
