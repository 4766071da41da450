/**
 * Q6: which queues a rep sees. Personal queue always; their teams' queues; embassy
 * members see only embassy queues (and their personal queue); the general queue where
 * the site has it and the policy allows it.
 */
import { GENERAL_QUEUE_ID, personalQueueId, teamQueueId } from './site-settings.js';

export interface Membership {
  teamId: string;
  teamKind: 'team' | 'embassy';
}

export function visibleQueueIds(input: {
  repId: string;
  memberships: Membership[];
  generalQueueEnabled: boolean;
  canSeeGeneralQueue: boolean;
}): string[] {
  const isEmbassyMember = input.memberships.some((m) => m.teamKind === 'embassy');
  const ids = [personalQueueId(input.repId)];
  for (const m of input.memberships) {
    if (isEmbassyMember && m.teamKind !== 'embassy') continue;
    ids.push(teamQueueId(m.teamId));
  }
  if (!isEmbassyMember && input.generalQueueEnabled && input.canSeeGeneralQueue) ids.push(GENERAL_QUEUE_ID);
  return ids;
}
