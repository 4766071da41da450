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

export const LINK_NAME_MAX = 100;

/** A link's name, trimmed: what admins and reps see in lists, and customers on the start page. */
export function linkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || [...trimmed].length > LINK_NAME_MAX) {
    throw new LobbyError('invalid_input', `A name of 1 to ${LINK_NAME_MAX} characters is needed.`, 'name');
  }
  return trimmed;
}

/**
 * The expiry an edit sets: a lifetime counted from now, or null for "never" — click-to-chat
 * links only, since a support button always has a lifetime (C4).
 */
export function editedLinkExpiry(kind: EntryLinkKind, requested: number | null, now: number): number | null {
  if (requested === null) {
    if (kind === 'button') throw new LobbyError('invalid_input', 'A support button always has a lifetime (1 minute to 365 days).', 'expiresInMinutes');
    return null;
  }
  return now + (linkLifetimeMinutes(kind, requested) ?? 0) * 60_000;
}

export interface LinkActor {
  repId: string;
  isAdmin: boolean;
}

export interface LinkTargetRequest {
  repId?: string | undefined;
  teamId?: string | undefined;
  issueCode?: string | undefined;
  /** Click-to-chat only: the general queue, said explicitly (an edit that names nothing keeps the target). */
  general?: boolean | undefined;
}

/** Whether a request names a target at all; an edit that does replaces the target whole. */
export function namesTarget(request: LinkTargetRequest): boolean {
  return request.repId !== undefined || request.teamId !== undefined || request.issueCode !== undefined || request.general === true;
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
  const general = request.general === true;
  if (repId !== undefined && teamId !== undefined) {
    throw new LobbyError('invalid_input', 'Choose a rep or a team, not both.', 'teamId');
  }
  if (general && (repId !== undefined || teamId !== undefined || issueCode !== null)) {
    throw new LobbyError('invalid_input', 'The general queue is a target of its own: name no rep, team or issue with it.', 'general');
  }
  if (general && kind === 'button') {
    throw new LobbyError('invalid_input', 'A support button needs a rep, a team or an issue.', 'general');
  }
  if (!actor.isAdmin) {
    if (teamId !== undefined || general || (repId !== undefined && repId !== actor.repId)) {
      throw new LobbyError('forbidden', 'Only admins can make links for other reps, for teams or for the general queue.');
    }
    return { targetKind: 'rep', targetId: actor.repId, issueCode };
  }
  if (repId !== undefined) return { targetKind: 'rep', targetId: repId, issueCode };
  if (teamId !== undefined) return { targetKind: 'team', targetId: teamId, issueCode };
  if (issueCode !== null) return { targetKind: 'issue', targetId: issueCode, issueCode };
  if (kind === 'chat') return { targetKind: 'general', targetId: null, issueCode: null };
  throw new LobbyError('invalid_input', 'A support button needs a rep, a team or an issue.', 'repId');
}
