/**
 * C4 support buttons and C5 click-to-chat links: who may make which link, how long it
 * lives, and whether it still works. Pure rules; the engine loads and stores.
 */
import { LobbyError } from './errors.js';

export type EntryLinkKind = 'button' | 'chat';
export type LinkTargetKind = 'rep' | 'team' | 'issue' | 'general';
export type LinkStatus = 'active' | 'expired' | 'revoked';

export const LINK_LIFETIME = {
  /** A button made without a lifetime works for 7 days. */
  buttonDefaultMinutes: 7 * 24 * 60,
  maxMinutes: 365 * 24 * 60,
} as const;

/** Expiry in minutes: buttons always have one (C4); click-to-chat links only when asked. */
export function linkLifetimeMinutes(kind: EntryLinkKind, requested: number | undefined): number | null {
  if (requested === undefined) return kind === 'button' ? LINK_LIFETIME.buttonDefaultMinutes : null;
  if (!Number.isInteger(requested) || requested < 1 || requested > LINK_LIFETIME.maxMinutes) {
    throw new LobbyError(
      'invalid_input',
      `The lifetime must be a whole number of minutes from 1 to ${LINK_LIFETIME.maxMinutes}.`,
      'expiresInMinutes',
    );
  }
  return requested;
}

/** A link works until it expires or is revoked; the expiry limits starting sessions only. */
export function linkStatus(link: { expires_at: number | null; revoked_at: number | null }, now: number): LinkStatus {
  if (link.revoked_at !== null) return 'revoked';
  if (link.expires_at !== null && now >= link.expires_at) return 'expired';
  return 'active';
}

export interface LinkActor {
  repId: string;
  isAdmin: boolean;
}

export interface LinkTargetRequest {
  repId?: string | undefined;
  teamId?: string | undefined;
  issueCode?: string | undefined;
}

export interface LinkTargetPlan {
  targetKind: LinkTargetKind;
  /** The rep's or team's id; the issue code for an issue target; null for the general queue. */
  targetId: string | null;
  /** An issue whose skills and priority the sessions take. */
  issueCode: string | null;
}

/**
 * Where a new link leads. Admins may aim a link at any rep, team or issue (a chat link also
 * at the general queue, C5 and C7); other reps only at their own personal queue (Q1),
 * optionally with an issue for its skills and priority.
 */
export function planLinkTarget(kind: EntryLinkKind, actor: LinkActor, request: LinkTargetRequest): LinkTargetPlan {
  const { repId, teamId } = request;
  const issueCode = request.issueCode ?? null;
  if (repId !== undefined && teamId !== undefined) {
    throw new LobbyError('invalid_input', 'Choose a rep or a team, not both.', 'teamId');
  }
  if (!actor.isAdmin) {
    if (teamId !== undefined || (repId !== undefined && repId !== actor.repId)) {
      throw new LobbyError('forbidden', 'Only admins can make links for other reps or for teams.');
    }
    return { targetKind: 'rep', targetId: actor.repId, issueCode };
  }
  if (repId !== undefined) return { targetKind: 'rep', targetId: repId, issueCode };
  if (teamId !== undefined) return { targetKind: 'team', targetId: teamId, issueCode };
  if (issueCode !== null) return { targetKind: 'issue', targetId: issueCode, issueCode };
  if (kind === 'chat') return { targetKind: 'general', targetId: null, issueCode: null };
  throw new LobbyError('invalid_input', 'A support button needs a rep, a team or an issue.', 'repId');
}
