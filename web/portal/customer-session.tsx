import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage, getJson, postJson } from '../shared/api.js';
import type { CustomerSessionView, CustomerSnapshot, Message } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { ChatLog, MessageForm, mergeMessages } from '../shared/chat.js';
import { openLiveSocket, type LiveSocketStatus } from '../shared/live-socket.js';

interface CustomerSessionProps {
  token: string;
  /** The customer is done with this session; `notice` is shown on the start page. */
  onFinished(notice: string | null): void;
}

function isSnapshot(data: unknown): data is { type: 'snapshot' } & CustomerSnapshot {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'snapshot';
}

/** The customer's own session (X2): waiting page, chat once accepted, and the end. */
export function CustomerSession({ token, onFinished }: CustomerSessionProps) {
  const [session, setSession] = useState<CustomerSessionView | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  // True while a connection that was open has dropped (not during the first connect).
  const [lost, setLost] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const ended = useRef(false);
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;

  const apply = useCallback((snapshot: CustomerSnapshot) => {
    ended.current = snapshot.session.state === 'ended';
    setSession(snapshot.session);
    setMessages((current) => mergeMessages(current, snapshot.messages));
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    getJson<CustomerSnapshot>('/api/customer/session', { bearer: token, signal: abort.signal })
      .then(apply)
      .catch((err: unknown) => {
        if (abort.signal.aborted) return;
        if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) {
          finishedRef.current('Your earlier support session could not be found. Please start a new one.');
        } else {
          setError(errorMessage(err));
        }
      });
    const socket = openLiveSocket({
      path: `/ws/customer?token=${encodeURIComponent(token)}`,
      onMessage(data) {
        if (isSnapshot(data)) apply(data);
      },
      onStatus(status: LiveSocketStatus) {
        if (status === 'open') setLost(false);
        if (status === 'closed') setLost(true);
      },
      // A finished session sends nothing more; an unknown token will not become known.
      shouldReconnect: (event) => !ended.current && event.code !== 4401 && event.code !== 4404 && event.code !== 1008,
    });
    return () => {
      abort.abort();
      socket.close();
    };
  }, [token, apply]);

  const send = async (text: string) => {
    const { message } = await postJson<{ message: Message }>('/api/customer/messages', { text }, { bearer: token });
    setMessages((current) => mergeMessages(current, [message]));
  };

  const leave = async () => {
    setLeaving(true);
    setError(null);
    try {
      const result = await postJson<{ session: CustomerSessionView }>('/api/customer/leave', {}, { bearer: token });
      ended.current = true;
      setSession(result.session);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLeaving(false);
    }
  };

  if (!session) {
    return (
      <>
        {error ? <Banner>{error}</Banner> : null}
        <p className="muted" role="status">
          Loading your session…
        </p>
      </>
    );
  }

  const reconnecting = lost && session.state !== 'ended';
  return (
    <div className="stack">
      {error ? <Banner onDismiss={() => setError(null)}>{error}</Banner> : null}
      {reconnecting ? (
        <Banner kind="info">Connection lost. Reconnecting…</Banner>
      ) : null}
      {session.state === 'waiting' ? <WaitingView session={session} /> : null}
      {session.state === 'active' ? (
        <section className="card chat" aria-labelledby="chat-title">
          <div className="card__head">
            <h1 id="chat-title">Chat with {session.repName ?? 'your representative'}</h1>
          </div>
          <p className="muted">You are connected to {session.repName ?? 'a support representative'}.</p>
          <ChatLog messages={messages} self="customer" label="Conversation" emptyText="Say hello: your representative is here." />
          <MessageForm onSend={send} />
        </section>
      ) : null}
      {session.state === 'ended' ? (
        <EndedView session={session} messages={messages} onNew={() => onFinished(null)} />
      ) : (
        <div className="actions">
          <button type="button" className="btn btn--danger" onClick={() => void leave()} disabled={leaving}>
            {leaving ? 'Leaving…' : 'Leave'}
          </button>
          <span className="muted">Leaving ends your request.</span>
        </div>
      )}
    </div>
  );
}

function WaitingView({ session }: { session: CustomerSessionView }) {
  return (
    <section className="card" aria-labelledby="waiting-title">
      <h1 id="waiting-title">You're in line</h1>
      <div className="queue-place" role="status">
        {session.position !== null ? (
          <>
            <span className="queue-place__number" aria-hidden="true">
              {session.position}
            </span>
            <p>
              <strong>
                {session.position === 1 ? 'You are next in line.' : `You are number ${session.position} in line.`}
              </strong>
              <br />
              <span className="muted">{session.queueName ? `Queue: ${session.queueName}` : null}</span>
            </p>
          </>
        ) : (
          <p>
            <span className="waiting-pulse" aria-hidden="true" />
            Waiting for a representative…
          </p>
        )}
      </div>
      <p>
        <span className="waiting-pulse" aria-hidden="true" />A support representative will be with you shortly. Keep this
        page open: it updates by itself.
      </p>
    </section>
  );
}

const END_WORDS: Record<string, string> = {
  completed: 'Your representative ended the session. Thank you for contacting support.',
  abandoned: 'You left the session.',
  no_rep: 'Sorry: no representative was available to take your request.',
  expired: 'Sorry: your request waited too long and has expired.',
  canceled: 'Your request was canceled.',
};

function EndedView({
  session,
  messages,
  onNew,
}: {
  session: CustomerSessionView;
  messages: readonly Message[];
  onNew(): void;
}) {
  const why = (session.endReason && END_WORDS[session.endReason]) ?? 'This support session is over.';
  return (
    <section className="card stack" aria-labelledby="ended-title">
      <div>
        <h1 id="ended-title">Session ended</h1>
        <p role="status">{why}</p>
      </div>
      {messages.length > 0 ? (
        <ChatLog messages={messages} self="customer" label="Conversation" emptyText="" />
      ) : null}
      <button type="button" className="btn btn--primary btn--block" onClick={onNew}>
        Start a new request
      </button>
    </section>
  );
}
