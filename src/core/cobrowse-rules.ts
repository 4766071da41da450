/**
 * Browser sharing in click-to-chat sessions (docs/cobrowse.md): a rep asks to see the
 * customer's page, the customer consents in the widget, and the widget streams the page.
 * Only the control steps are events; this module folds them into the session's sharing
 * state and decides what each step may do. Pure: no I/O, no clock.
 */

export const COBROWSE_REQUESTED = 'cobrowse.requested';
export const COBROWSE_CONSENTED = 'cobrowse.consented';
export const COBROWSE_DECLINED = 'cobrowse.declined';
export const COBROWSE_STOPPED = 'cobrowse.stopped';
export const COBROWSE_BUDGET_REACHED = 'cobrowse.budget_reached';

export const COBROWSE_EVENT_TYPES: readonly string[] = [
  COBROWSE_REQUESTED,
  COBROWSE_CONSENTED,
  COBROWSE_DECLINED,
  COBROWSE_STOPPED,
  COBROWSE_BUDGET_REACHED,
];

/**
 * `off`: nothing is shared (never asked, declined or stopped); `requested`: a rep asked and
 * the customer has not answered; `sharing`: the customer consented and the page may stream;
 * `exhausted`: the session used its byte budget, and sharing cannot start again in it.
 */
export type CobrowseStatus = 'off' | 'requested' | 'sharing' | 'exhausted';

export type CobrowseActorKind = 'customer' | 'rep' | 'system';

/** Why the last request or sharing ended. */
export type CobrowseEndReason = 'declined' | 'stopped' | 'withdrawn' | 'session_moved' | 'budget_reached';

export interface CobrowseState {
  status: CobrowseStatus;
  /** The rep who asked, while requested or sharing. */
  requestedBy: { id: string; name: string } | null;
  /** How the last request or sharing ended (`repId`: the rep who stopped it); null while one is on, or none ever was. */
  ended: { reason: CobrowseEndReason; by: CobrowseActorKind; repId?: string } | null;
  /** Sequence of the last control event folded in (0: none), so that one is never applied twice. */
  seq: number;
}

export const COBROWSE_OFF: CobrowseState = { status: 'off', requestedBy: null, ended: null, seq: 0 };

/** One control event, as the fold needs it (a LobbyEvent fits). */
export interface CobrowseEventLike {
  seq: number;
  type: string;
  repId: string | null;
  data: Record<string, unknown>;
}

const REASONS: readonly CobrowseEndReason[] = ['declined', 'stopped', 'withdrawn', 'session_moved', 'budget_reached'];
const ACTORS: readonly CobrowseActorKind[] = ['customer', 'rep', 'system'];

/** Applies one control event; events at or before the state's sequence, and other types, change nothing. */
export function applyCobrowseEvent(state: CobrowseState, e: CobrowseEventLike): CobrowseState {
  if (e.seq <= state.seq) return state;
  const seq = e.seq;
  switch (e.type) {
    case COBROWSE_REQUESTED:
      return { status: 'requested', requestedBy: { id: e.repId ?? '', name: String(e.data.name ?? '') }, ended: null, seq };
    case COBROWSE_CONSENTED:
      return { ...state, status: 'sharing', ended: null, seq };
    case COBROWSE_DECLINED:
      return { status: 'off', requestedBy: null, ended: { reason: 'declined', by: 'customer' }, seq };
    case COBROWSE_STOPPED: {
      const reason = REASONS.find((r) => r === e.data.reason) ?? 'stopped';
      const by = ACTORS.find((a) => a === e.data.by) ?? 'system';
      return { status: 'off', requestedBy: null, ended: { reason, by, ...(by === 'rep' && e.repId ? { repId: e.repId } : {}) }, seq };
    }
    case COBROWSE_BUDGET_REACHED:
      return { status: 'exhausted', requestedBy: null, ended: { reason: 'budget_reached', by: 'system' }, seq };
    default:
      return state;
  }
}

export function foldCobrowse(events: readonly CobrowseEventLike[], start: CobrowseState = COBROWSE_OFF): CobrowseState {
  return events.reduce(applyCobrowseEvent, start);
}

export type CobrowseStep =
  | { kind: 'request' }
  | { kind: 'consent' }
  | { kind: 'decline' }
  | { kind: 'stop'; by: CobrowseActorKind; reason?: 'session_moved' }
  | { kind: 'budget' };

/** What a step does: append this event, do nothing (already so), or be refused with a sentence. */
export type CobrowseDecision =
  | { kind: 'emit'; type: string; data: Record<string, unknown> }
  | { kind: 'nothing' }
  | { kind: 'refuse'; message: string };

/**
 * The state machine of one session's sharing. A stop is idempotent (the customer's click and
 * the rep's may cross); everything else that does not fit the state is refused.
 */
export function decideCobrowse(state: CobrowseState, step: CobrowseStep): CobrowseDecision {
  const { status } = state;
  switch (step.kind) {
    case 'request':
      if (status === 'exhausted') return { kind: 'refuse', message: 'This session has used up its allowance for browser sharing.' };
      if (status === 'requested') return { kind: 'refuse', message: 'The customer has already been asked to share their page.' };
      if (status === 'sharing') return { kind: 'refuse', message: 'The customer is already sharing their page.' };
      return { kind: 'emit', type: COBROWSE_REQUESTED, data: {} };
    case 'consent':
      if (status === 'sharing') return { kind: 'nothing' };
      if (status !== 'requested') return { kind: 'refuse', message: 'Nobody has asked to see your page.' };
      return { kind: 'emit', type: COBROWSE_CONSENTED, data: {} };
    case 'decline':
      if (status !== 'requested') return { kind: 'nothing' };
      return { kind: 'emit', type: COBROWSE_DECLINED, data: {} };
    case 'stop': {
      if (status !== 'requested' && status !== 'sharing') return { kind: 'nothing' };
      // A rep who calls off an unanswered request withdraws it; anything else stops sharing.
      const reason = step.reason ?? (status === 'requested' && step.by === 'rep' ? 'withdrawn' : 'stopped');
      return { kind: 'emit', type: COBROWSE_STOPPED, data: { by: step.by, reason } };
    }
    case 'budget':
      if (status !== 'sharing') return { kind: 'nothing' };
      return { kind: 'emit', type: COBROWSE_BUDGET_REACHED, data: {} };
  }
}
