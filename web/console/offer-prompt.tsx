import { useEffect, useLayoutEffect, useRef } from 'react';
import { Banner } from '../shared/banner.js';
import { formatDuration, isoTime, toMillis } from '../shared/time-format.js';
import { useNow } from '../shared/use-now.js';
import { customerLabel, sessionTopic } from './session-labels.js';
import type { ShownOffer } from './offer-clock.js';

/** E4: the last seconds of an offer are shown as a warning (and ticked, with sound on). */
export const OFFER_WARNING_SECONDS = 10;

/** The prompt's words for an offered session, and for an offered invitation (S1). */
const SESSION_WORDS = { title: 'New session for you', noun: 'offer', accept: 'Accept', accepting: 'Accepting…', reject: 'Reject', rejecting: 'Rejecting…' };
const INVITATION_WORDS = { title: 'Invitation to join', noun: 'invitation', accept: 'Join', accepting: 'Joining…', reject: 'Decline', rejecting: 'Declining…' };

interface OfferPromptProps {
  shown: ShownOffer;
  answering: 'accept' | 'reject' | null;
  error: string | null;
  onAccept(): void;
  onReject(): void;
  /** The countdown entered its last seconds. */
  onWarning(): void;
}

/**
 * E4: a session offered to this rep, with the customer's details, a countdown to the
 * offer's expiry, and Accept / Reject. An invitation's offer (S1) says so first: who
 * invites the rep to join whose session, and its buttons are Join / Decline. It takes the
 * keyboard focus when it appears (on itself, not on a button, so that a rep typing in a
 * chat cannot accept by pressing Enter) and gives it back when it closes. Not modal: the
 * rep may finish a sentence first.
 */
export function OfferPrompt({ shown, answering, error, onAccept, onReject, onWarning }: OfferPromptProps) {
  const now = useNow(250);
  const ref = useRef<HTMLElement>(null);
  const { offer, deadline, durationMs, clockOffsetMs } = shown;
  const session = offer.session;
  const invitation = offer.invitation ?? null;

  const remainingMs = Math.max(0, deadline - now);
  const seconds = Math.ceil(remainingMs / 1000);
  const warning = seconds <= OFFER_WARNING_SECONDS;
  const fraction = durationMs > 0 ? Math.min(1, remainingMs / durationMs) : 0;
  // The session's times are on the server's clock.
  const serverNow = now - clockOffsetMs;
  const since = toMillis(session.waitingSince) ?? toMillis(session.createdAt);

  useLayoutEffect(() => {
    const node = ref.current;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    node?.focus();
    return () => {
      const active = document.activeElement;
      const focusLost = !active || active === document.body || (node?.contains(active) ?? false);
      if (focusLost && previous?.isConnected) previous.focus({ preventScroll: true });
    };
  }, []);

  const warned = useRef(false);
  useEffect(() => {
    if (!warning || warned.current) return;
    warned.current = true;
    if (remainingMs > 0) onWarning();
  }, [warning, remainingMs, onWarning]);

  const company = session.customerCompany ? ` (${session.customerCompany})` : '';
  const words = invitation ? INVITATION_WORDS : SESSION_WORDS;
  return (
    <section
      ref={ref}
      className={['offer', invitation ? 'offer--invitation' : '', warning ? 'offer--warning' : ''].filter(Boolean).join(' ')}
      role="alertdialog"
      aria-modal="false"
      aria-labelledby="offer-title"
      aria-describedby="offer-summary"
      tabIndex={-1}
      data-testid="offer-prompt"
    >
      <div className="offer__head">
        <h2 id="offer-title">{words.title}</h2>
        <span className="offer__timer" aria-hidden="true">
          {seconds} s
        </span>
      </div>
      <p id="offer-summary" className="offer__summary">
        {invitation ? (
          <>
            {invitation.inviterName} invites you to join {invitation.inviterId === session.ownerId ? 'their' : 'the'} session with{' '}
            {customerLabel(session)}
            {company} — {sessionTopic(session)}.
          </>
        ) : (
          <>
            {customerLabel(session)}
            {company} needs help with {sessionTopic(session)}.
          </>
        )}
      </p>
      <div className="offer__bar" aria-hidden="true">
        <span className="offer__bar-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
      <p className="offer__countdown">
        {remainingMs === 0 ? (
          'Time is up: the offer is closing.'
        ) : warning ? (
          <>
            Hurry: <strong>{seconds} s</strong> left to answer.
          </>
        ) : (
          <>
            Answer within <strong>{seconds} s</strong>.
          </>
        )}
      </p>
      {/* Announced once, when the warning starts; the ticking number is not read out. */}
      <p className="visually-hidden" aria-live="assertive">
        {warning && remainingMs > 0 ? `Less than ${OFFER_WARNING_SECONDS} seconds left to answer the ${words.noun}.` : ''}
      </p>
      <dl className="details-list offer__details">
        <dt>Customer</dt>
        <dd>{customerLabel(session)}</dd>
        {session.customerCompany ? (
          <>
            <dt>Company</dt>
            <dd>{session.customerCompany}</dd>
          </>
        ) : null}
        <dt>Issue</dt>
        <dd>{sessionTopic(session)}</dd>
        {session.details ? (
          <>
            <dt>Details</dt>
            <dd className="offer__text">{session.details}</dd>
          </>
        ) : null}
        {invitation ? (
          <>
            <dt>Owner</dt>
            <dd>{session.ownerName ?? '—'}</dd>
            <dt>Sent to</dt>
            <dd>{invitation.queueName}</dd>
          </>
        ) : (
          <>
            <dt>Queue</dt>
            <dd>{session.queueName ?? '—'}</dd>
          </>
        )}
        {since !== null && !invitation ? (
          <>
            <dt>Waiting</dt>
            <dd>
              <time dateTime={isoTime(since)}>{formatDuration(serverNow - since)}</time>
            </dd>
          </>
        ) : null}
      </dl>
      {error ? <Banner>{error}</Banner> : null}
      <div className="actions offer__actions">
        <button type="button" className="btn btn--primary" disabled={answering !== null} onClick={onAccept}>
          {answering === 'accept' ? words.accepting : words.accept}
        </button>
        <button type="button" className="btn" disabled={answering !== null} onClick={onReject}>
          {answering === 'reject' ? words.rejecting : words.reject}
        </button>
      </div>
    </section>
  );
}
