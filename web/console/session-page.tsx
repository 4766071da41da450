import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../shared/api.js';
import type { Message, RepSessionDetail, SessionView, User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { ChatLog, MessageForm, mergeMessages } from '../shared/chat.js';
import { formatClock, formatDuration, isoTime, toMillis } from '../shared/time-format.js';
import { useNow } from '../shared/use-now.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';
import { customerLabel, endReasonLabel, sessionTopic, stateLabel } from './session-labels.js';
import { useFrameRefresh } from './use-frame-refresh.js';

interface SessionPageProps {
  sessionId: string;
  user: User;
  client: RepClient;
}

/** One session: customer details, live chat, accept (while waiting) and end. */
export function SessionPage({ sessionId, client }: SessionPageProps) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const base = `/api/rep/sessions/${encodeURIComponent(sessionId)}`;

  const load = useCallback(async () => {
    try {
      const detail = await client.get<RepSessionDetail>(base);
      setSession(detail.session);
      setMessages((current) => mergeMessages(current, detail.messages));
      setLoadError(null);
    } catch (err) {
      setLoadError(
        err instanceof ApiError && (err.status === 403 || err.status === 404)
          ? 'This session does not exist, or you may not see it.'
          : errorMessage(err),
      );
    }
  }, [client, base]);

  const refresh = useFrameRefresh(load);
  useEffect(() => refresh(), [refresh]);
  useRepEvents((event) => {
    if (event === null || event.sessionId === sessionId) refresh();
  });

  const act = async (action: 'accept' | 'end') => {
    setBusy(true);
    setActionError(null);
    try {
      const result = await client.post<{ session: SessionView }>(`${base}/${action}`);
      setSession(result.session);
      setConfirmEnd(false);
    } catch (err) {
      setActionError(errorMessage(err));
      refresh();
    } finally {
      setBusy(false);
    }
  };

  const send = async (text: string) => {
    const { message } = await client.post<{ message: Message }>(`${base}/messages`, { text });
    setMessages((current) => mergeMessages(current, [message]));
  };

  return (
    <div className="stack">
      <a className="back-link" href="#/">
        ← All sessions
      </a>
      {loadError ? <Banner>{loadError}</Banner> : null}
      {actionError ? <Banner onDismiss={() => setActionError(null)}>{actionError}</Banner> : null}
      {!session ? (
        loadError ? null : (
          <p className="muted" role="status">
            Loading session…
          </p>
        )
      ) : (
        <>
          <SessionDetails session={session} />
          {session.state === 'waiting' ? (
            <div className="actions">
              <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void act('accept')}>
                Accept
              </button>
            </div>
          ) : null}
          {session.state === 'ended' ? (
            <Banner kind="info">This session has ended: {endReasonLabel(session.endReason)}.</Banner>
          ) : null}
          {session.state !== 'waiting' ? (
            <section className="card chat" aria-labelledby="chat-title">
              <h2 id="chat-title">Chat with {customerLabel(session)}</h2>
              <ChatLog
                messages={messages}
                self="rep"
                label="Conversation"
                emptyText={session.state === 'active' ? 'No messages yet: greet the customer.' : 'No messages.'}
              />
              {session.state === 'active' ? <MessageForm onSend={send} /> : null}
            </section>
          ) : null}
          {session.state === 'active' ? (
            confirmEnd ? (
              <div className="confirm-box" role="group" aria-labelledby="end-question">
                <p id="end-question">End the session with {customerLabel(session)}? The customer will see that it ended.</p>
                <div className="actions">
                  <button type="button" className="btn btn--danger-solid" disabled={busy} onClick={() => void act('end')}>
                    Yes, end session
                  </button>
                  <button type="button" className="btn" onClick={() => setConfirmEnd(false)}>
                    Cancel
                  </button>
                </div>
              </div>
            ) : (
              <div className="actions">
                <button type="button" className="btn btn--danger" onClick={() => setConfirmEnd(true)}>
                  End session
                </button>
              </div>
            )
          ) : null}
        </>
      )}
    </div>
  );
}

function SessionDetails({ session }: { session: SessionView }) {
  const now = useNow(1000);
  const since = toMillis(session.waitingSince);
  const badge =
    session.state === 'active' ? 'badge badge--success' : session.state === 'waiting' ? 'badge badge--accent' : 'badge';
  return (
    <section className="card" aria-labelledby="customer-title">
      <div className="card__head">
        <h1 id="customer-title">{customerLabel(session)}</h1>
        <span className={badge}>{stateLabel(session.state)}</span>
      </div>
      <dl className="details-list">
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
            <dd>{session.details}</dd>
          </>
        ) : null}
        {session.state === 'waiting' ? (
          <>
            <dt>Queue</dt>
            <dd>{session.queueName ?? '—'}</dd>
            {since !== null ? (
              <>
                <dt>Waiting</dt>
                <dd>
                  <time dateTime={isoTime(since)}>{formatDuration(now - since)}</time>
                </dd>
              </>
            ) : null}
          </>
        ) : (
          <>
            <dt>Representative</dt>
            <dd>{session.ownerName ?? '—'}</dd>
          </>
        )}
        <dt>Started</dt>
        <dd>
          <time dateTime={isoTime(session.createdAt)}>{formatClock(session.createdAt)}</time>
        </dd>
      </dl>
    </section>
  );
}
