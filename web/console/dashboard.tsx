import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../shared/api.js';
import type { RepQueue, RepSessions, SessionView, User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { formatDuration, isoTime, toMillis } from '../shared/time-format.js';
import { useNow } from '../shared/use-now.js';
import { sessionHref } from './hash-route.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';
import { SessionKeyPanel } from './session-key-panel.js';
import { customerLabel, queueOrder, queueTitle, sessionTopic } from './session-labels.js';
import { useFrameRefresh } from './use-frame-refresh.js';

interface QueueGroup {
  key: string;
  title: string;
  sessions: SessionView[];
}

/** Waiting sessions grouped by queue, in the queues' order; each group keeps Q4 order. */
function groupWaiting(queues: readonly RepQueue[], waiting: readonly SessionView[]): QueueGroup[] {
  const groups = new Map<string, QueueGroup>();
  for (const queue of [...queues].sort(queueOrder)) {
    groups.set(queue.id, { key: queue.id, title: queueTitle(queue), sessions: [] });
  }
  for (const session of waiting) {
    const key = session.queueId ?? `name:${session.queueName ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, title: session.queueName ?? 'Queue', sessions: [] };
      groups.set(key, group);
    }
    group.sessions.push(session);
  }
  return [...groups.values()];
}

interface DashboardProps {
  user: User;
  client: RepClient;
  /** W1: waiting sessions marked overdue (from the live feed). */
  overdue: ReadonlySet<string>;
  /** E4: the session offered to this rep right now, if any. */
  offeredSessionId: string | null;
}

export function Dashboard({ client, overdue, offeredSessionId }: DashboardProps) {
  const [queues, setQueues] = useState<RepQueue[]>([]);
  const [sessions, setSessions] = useState<RepSessions | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [accepting, setAccepting] = useState<string | null>(null);
  const [gettingNext, setGettingNext] = useState(false);
  const now = useNow(1000);

  const load = useCallback(async () => {
    try {
      const [q, s] = await Promise.all([
        client.get<{ queues: RepQueue[] }>('/api/rep/queues'),
        client.get<RepSessions>('/api/rep/sessions'),
      ]);
      setQueues(q.queues);
      setSessions(s);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, [client]);

  const refresh = useFrameRefresh(load);
  useEffect(() => refresh(), [refresh]);
  useRepEvents(() => refresh());

  const accept = async (session: SessionView) => {
    setAccepting(session.id);
    setNotice(null);
    try {
      await client.post(`/api/rep/sessions/${encodeURIComponent(session.id)}/accept`);
      window.location.hash = sessionHref(session.id);
    } catch (err) {
      // Q7: another rep won the race (already_taken) or the customer left: say so, show what is left.
      setNotice({
        kind: 'error',
        text: err instanceof ApiError && err.status === 409 ? err.message : `Could not accept: ${errorMessage(err)}`,
      });
      refresh();
    } finally {
      setAccepting(null);
    }
  };

  /** Q8: take the first waiting session, personal queue first, then team queues. */
  const getNext = async () => {
    setGettingNext(true);
    setNotice(null);
    try {
      const { session } = await client.post<{ session: SessionView | null }>('/api/rep/get-next');
      if (session) window.location.hash = sessionHref(session.id);
      else setNotice({ kind: 'info', text: 'Nothing waiting: no session in your personal or team queues.' });
    } catch (err) {
      setNotice({ kind: 'error', text: `Could not get the next session: ${errorMessage(err)}` });
      refresh();
    } finally {
      setGettingNext(false);
    }
  };

  const groups = sessions ? groupWaiting(queues, sessions.waiting) : [];
  const withSessions = groups.filter((g) => g.sessions.length > 0);
  const empty = groups.filter((g) => g.sessions.length === 0);
  const waitingCount = sessions?.waiting.length ?? 0;

  return (
    <>
      {loadError ? <Banner>Could not load sessions: {loadError}</Banner> : null}
      {notice ? (
        <Banner kind={notice.kind} onDismiss={() => setNotice(null)}>
          {notice.text}
        </Banner>
      ) : null}
      <div className="dashboard">
        <div className="dashboard__main stack">
          <section className="card" aria-labelledby="mine-title">
            <div className="card__head">
              <h2 id="mine-title">My sessions</h2>
              {sessions && sessions.mine.length > 0 ? <span className="badge badge--accent">{sessions.mine.length}</span> : null}
            </div>
            {!sessions ? (
              <p className="empty">Loading…</p>
            ) : sessions.mine.length === 0 ? (
              <p className="empty">You have no active sessions.</p>
            ) : (
              <ul className="session-list">
                {sessions.mine.map((s) => (
                  <li key={s.id} className="session-item">
                    <div className="session-item__body">
                      <div className="session-item__title">
                        <a href={sessionHref(s.id)}>{customerLabel(s)}</a>
                        {s.customerCompany ? <span className="muted">{s.customerCompany}</span> : null}
                      </div>
                      <p className="session-item__line">{sessionTopic(s)}</p>
                    </div>
                    <a className="btn btn--small" href={sessionHref(s.id)} aria-label={`Open session with ${customerLabel(s)}`}>
                      Open
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section className="card" aria-labelledby="waiting-title">
            <div className="card__head">
              <h2 id="waiting-title">Waiting</h2>
              <span className={waitingCount > 0 ? 'badge badge--accent' : 'badge'}>{waitingCount} waiting</span>
              <button
                type="button"
                className="btn btn--primary btn--small card__head-action"
                disabled={gettingNext}
                onClick={() => void getNext()}
              >
                {gettingNext ? 'Getting…' : 'Get next'}
              </button>
            </div>
            {!sessions ? <p className="empty">Loading…</p> : null}
            {sessions && withSessions.length === 0 ? <p className="empty">Nobody is waiting. New sessions appear here at once.</p> : null}
            {withSessions.map((group) => (
              <section key={group.key} className="queue-group" aria-labelledby={`queue-${group.key}`}>
                <div className="card__head">
                  <h3 id={`queue-${group.key}`}>{group.title}</h3>
                  <span className="badge">{group.sessions.length}</span>
                </div>
                <ul className="session-list">
                  {group.sessions.map((s) => (
                    <WaitingItem
                      key={s.id}
                      session={s}
                      now={now}
                      busy={accepting === s.id}
                      overdue={overdue.has(s.id)}
                      offered={offeredSessionId === s.id}
                      onAccept={() => void accept(s)}
                    />
                  ))}
                </ul>
              </section>
            ))}
            {sessions && empty.length > 0 && withSessions.length > 0 ? (
              <p className="empty queue-group">Nobody waiting in: {empty.map((g) => g.title).join(', ')}.</p>
            ) : null}
          </section>
        </div>
        <div className="dashboard__side">
          <SessionKeyPanel client={client} />
        </div>
      </div>
    </>
  );
}

interface WaitingItemProps {
  session: SessionView;
  now: number;
  busy: boolean;
  overdue: boolean;
  offered: boolean;
  onAccept(): void;
}

function WaitingItem({ session, now, busy, overdue, offered, onAccept }: WaitingItemProps) {
  const since = toMillis(session.waitingSince) ?? toMillis(session.createdAt);
  return (
    <li className={overdue ? 'session-item session-item--overdue' : 'session-item'}>
      <div className="session-item__body">
        <div className="session-item__title">
          <a href={sessionHref(session.id)}>{customerLabel(session)}</a>
          {session.customerCompany ? <span className="muted">{session.customerCompany}</span> : null}
          {session.clientType === 'chat' ? <span className="badge">Chat</span> : null}
          {session.priority > 0 ? <span className="badge badge--accent">Priority {session.priority}</span> : null}
          {overdue ? (
            <span className="badge badge--danger" title="Waited longer than the queue allows">
              Overdue
            </span>
          ) : null}
          {offered ? <span className="badge badge--accent">Offered to you</span> : null}
        </div>
        <p className="session-item__line">
          {sessionTopic(session)}
          {since !== null ? (
            <>
              {' · waiting '}
              <time dateTime={isoTime(since)}>{formatDuration(now - since)}</time>
            </>
          ) : null}
        </p>
        {session.details ? <p className="session-item__details">{session.details}</p> : null}
      </div>
      <button
        type="button"
        className="btn btn--primary btn--small"
        disabled={busy}
        onClick={onAccept}
        aria-label={`Accept ${customerLabel(session)}`}
      >
        {busy ? 'Accepting…' : 'Accept'}
      </button>
    </li>
  );
}
