import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, getJson, postJson } from '../shared/api.js';
import type { Message } from '../shared/api-types.js';
import type { CustomerView, CustomerViewSnapshot } from '../shared/customer-types.js';
import { Banner } from '../shared/banner.js';
import { ChatLog, MessageForm, mergeMessages } from '../shared/chat.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { localizeError } from '../shared/i18n/localize-error.js';
import { openLiveSocket, type LiveSocketStatus } from '../shared/live-socket.js';
import { EndedView, Heading, WaitingView } from './session-views.js';

interface CustomerSessionProps {
  token: string;
  /** The customer is done with this session; `notice` is shown on the start page. */
  onFinished(notice: string | null): void;
  /** The Lobby's origin when this runs on another web site (the chat widget, C5). */
  baseUrl?: string | null;
  /** 'widget': a part of someone else's page (h2 headings, "new chat"). */
  variant?: 'page' | 'widget';
}

function isSnapshot(data: unknown): data is { type: 'snapshot' } & CustomerViewSnapshot {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'snapshot';
}

/** The customer's own session (X2): waiting page, chat once accepted, and the end. */
export function CustomerSession({ token, onFinished, baseUrl = null, variant = 'page' }: CustomerSessionProps) {
  const { t } = useI18n();
  const [session, setSession] = useState<CustomerView | null>(null);
  const [receivedAt, setReceivedAt] = useState(0);
  const [messages, setMessages] = useState<Message[]>([]);
  // True while a connection that was open has dropped (not during the first connect).
  const [lost, setLost] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [leaving, setLeaving] = useState(false);
  const ended = useRef(false);
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;
  const notFound = t.session.notFound;
  const level = variant === 'page' ? 1 : 2;

  const apply = useCallback((snapshot: CustomerViewSnapshot) => {
    ended.current = snapshot.session.state === 'ended';
    setSession(snapshot.session);
    setReceivedAt(Date.now());
    setMessages((current) => mergeMessages(current, snapshot.messages));
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    getJson<CustomerViewSnapshot>('/api/customer/session', { bearer: token, signal: abort.signal, baseUrl })
      .then(apply)
      .catch((err: unknown) => {
        if (abort.signal.aborted) return;
        if (err instanceof ApiError && (err.status === 401 || err.status === 404)) finishedRef.current(notFound);
        else setError(err);
      });
    const socket = openLiveSocket({
      path: `/ws/customer?token=${encodeURIComponent(token)}`,
      baseUrl,
      onMessage(data) {
        if (isSnapshot(data)) apply(data);
      },
      onStatus(status: LiveSocketStatus) {
        if (status === 'open') setLost(false);
        if (status === 'closed') setLost(true);
      },
      // A finished session sends nothing more; an unknown token or origin will not become known.
      shouldReconnect: (event) => !ended.current && ![4401, 4403, 4404, 1008].includes(event.code),
    });
    return () => {
      abort.abort();
      socket.close();
    };
  }, [token, apply, baseUrl, notFound]);

  const send = async (text: string) => {
    try {
      const { message } = await postJson<{ message: Message }>('/api/customer/messages', { text }, { bearer: token, baseUrl });
      setMessages((current) => mergeMessages(current, [message]));
    } catch (err) {
      throw localizeError(err, t, { text });
    }
  };

  const leave = async () => {
    setLeaving(true);
    setError(null);
    try {
      const result = await postJson<{ session: CustomerView }>('/api/customer/leave', {}, { bearer: token, baseUrl });
      ended.current = true;
      setSession(result.session);
    } catch (err) {
      setError(err);
    } finally {
      setLeaving(false);
    }
  };

  const errorBanner = error ? (
    <Banner onDismiss={() => setError(null)} dismissLabel={t.common.dismiss}>
      {localizeError(error, t).message}
    </Banner>
  ) : null;

  if (!session) {
    return (
      <>
        {errorBanner}
        <p className="muted" role="status">
          {t.session.loading}
        </p>
      </>
    );
  }

  const reconnecting = lost && session.state !== 'ended';
  const newLabel = variant === 'page' ? t.session.startNew : t.widget.startNew;
  return (
    <div className="stack">
      {errorBanner}
      {reconnecting ? <Banner kind="info">{t.session.reconnecting}</Banner> : null}
      {session.state === 'waiting' ? <WaitingView session={session} receivedAt={receivedAt} level={level} /> : null}
      {session.state === 'active' ? (
        <section className="card chat" aria-labelledby="chat-title">
          <div className="card__head">
            <Heading level={level} id="chat-title">
              {t.session.chatTitle(session.repName)}
            </Heading>
          </div>
          <p className="muted">{t.session.connectedTo(session.participantNames)}</p>
          <ChatLog messages={messages} self="customer" label={t.session.conversation} emptyText={t.session.sayHello} selfName={t.session.you} />
          <MessageForm
            onSend={send}
            labels={{ message: t.session.message, placeholder: t.session.typeMessage, send: t.session.send }}
            describeError={(err) => (err instanceof Error ? err.message : t.errors.generic)}
          />
        </section>
      ) : null}
      {session.state === 'ended' ? (
        <EndedView session={session} messages={messages} level={level} newLabel={newLabel} onNew={() => onFinished(null)} />
      ) : (
        <div className="actions">
          <button type="button" className="btn btn--danger" onClick={() => void leave()} disabled={leaving}>
            {leaving ? t.session.leaving : t.session.leave}
          </button>
          <span className="muted">{t.session.leaveNote}</span>
        </div>
      )}
    </div>
  );
}
