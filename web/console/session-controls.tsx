import { useState } from 'react';
import type { RepSessionView } from './console-types.js';
import { customerLabel } from './session-labels.js';
import type { SentInvitation } from './use-sent-invitations.js';

/** Where the rep stands in a session, which decides what they may do. */
export type SessionRole = 'waiting' | 'owner' | 'participant' | 'invited' | 'viewer' | 'ended';

interface SessionControlsProps {
  role: SessionRole;
  session: RepSessionView;
  busy: boolean;
  /** Whether others are in the session; null when the server does not say. */
  shared: boolean | null;
  sent: readonly SentInvitation[];
  onAccept(): void;
  onJoin(): void;
  /** Resolve once answered; a refusal leaves the rep where they were, with the reason shown. */
  onEnd(): Promise<void>;
  onLeave(): Promise<void>;
  onTransfer(): void;
  onInvite(): void;
  onWithdraw(id: string): void;
}

const SENT_STATE_WORDS: Record<SentInvitation['state'], string> = {
  open: 'waiting for an answer',
  accepted: 'joined',
  withdrawn: 'withdrawn',
  ended: 'ended',
};

/**
 * The session page's actions, by role: a waiting session is accepted (Q7) or transferred
 * (T1); its owner transfers, invites (S1), ends or leaves it (S3); a participant leaves it
 * (S2: only the owner transfers or ends); an invited rep joins. Ending and leaving ask first.
 */
export function SessionControls(props: SessionControlsProps) {
  const { role, session, busy, shared, sent } = props;
  const [confirm, setConfirm] = useState<'end' | 'leave' | null>(null);
  const customer = customerLabel(session);
  const answer = (action: () => Promise<void>) => () => void action().finally(() => setConfirm(null));

  if (role === 'ended' || role === 'viewer') return null;

  if (confirm === 'end') {
    return (
      <div className="confirm-box" role="group" aria-labelledby="end-question">
        <p id="end-question">End the session with {customer}? The customer will see that it ended.</p>
        <div className="actions">
          <button type="button" className="btn btn--danger-solid" disabled={busy} onClick={answer(props.onEnd)}>
            Yes, end session
          </button>
          <button type="button" className="btn" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </div>
      </div>
    );
  }
  if (confirm === 'leave') {
    return (
      <div className="confirm-box confirm-box--quiet" role="group" aria-labelledby="leave-question">
        <p id="leave-question">
          {role === 'owner'
            ? `Leave the session with ${customer}? The representative who joined first becomes its owner; the customer stays with them.`
            : `Leave the session with ${customer}? The owner and the customer carry on without you.`}
        </p>
        <div className="actions">
          <button type="button" className="btn btn--primary" disabled={busy} onClick={answer(props.onLeave)}>
            Yes, leave
          </button>
          <button type="button" className="btn" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </div>
      </div>
    );
  }

  const open = sent.filter((i) => i.state === 'open' || i.state === 'accepted');
  return (
    <div className="session-controls">
      <div className="actions session-actions" role="group" aria-label="Session actions">
        {role === 'waiting' ? (
          <button type="button" className="btn btn--primary" disabled={busy} onClick={props.onAccept}>
            Accept
          </button>
        ) : null}
        {role === 'invited' ? (
          <button type="button" className="btn btn--primary" disabled={busy} onClick={props.onJoin}>
            Join session
          </button>
        ) : null}
        {role === 'waiting' || role === 'owner' ? (
          <button type="button" className="btn" disabled={busy} onClick={props.onTransfer} aria-haspopup="dialog">
            Transfer
          </button>
        ) : null}
        {role === 'owner' ? (
          <button type="button" className="btn" disabled={busy} onClick={props.onInvite} aria-haspopup="dialog">
            Invite
          </button>
        ) : null}
        {role === 'participant' || (role === 'owner' && shared !== false) ? (
          <button type="button" className="btn" disabled={busy} onClick={() => setConfirm('leave')}>
            Leave
          </button>
        ) : null}
        {role === 'owner' ? (
          <button type="button" className="btn btn--danger session-actions__end" disabled={busy} onClick={() => setConfirm('end')}>
            End session
          </button>
        ) : null}
      </div>
      {role === 'owner' && open.length > 0 ? (
        <section className="sent-invitations" aria-labelledby="sent-title">
          <h2 id="sent-title" className="sent-invitations__title">
            Invitations
          </h2>
          <ul className="sent-invitations__list">
            {open.map((i) => (
              <li key={i.id} className="sent-invitation">
                <span>
                  <strong>{i.targetName}</strong> <span className="muted">· {SENT_STATE_WORDS[i.state]}</span>
                </span>
                {i.state === 'open' ? (
                  <button
                    type="button"
                    className="btn btn--small btn--quiet"
                    onClick={() => props.onWithdraw(i.id)}
                    aria-label={`Withdraw the invitation to ${i.targetName}`}
                  >
                    Withdraw
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
