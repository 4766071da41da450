import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorMessage } from '../shared/api.js';
import type { RepQueue, User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { useNow } from '../shared/use-now.js';
import type { Invitation, RepSessionView, RepSessionsResponse } from './console-types.js';
import { personalQueueOf } from './console-types.js';
import { sessionHref } from './hash-route.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';
import { SessionKeyPanel } from './session-key-panel.js';
import { customerLabel, isChatSession, sessionTopic } from './session-labels.js';
import { SORT_OPTIONS, parseSort, useSessionSort } from './session-sort.js';
import { useFrameRefresh } from './use-frame-refresh.js';
import { InvitationItem, QueueChips, WaitingItem, groupQueues } from './waiting-list.js';

interface DashboardProps {
  user: User;
  client: RepClient;
  /** W1: waiting sessions marked overdue (from the live feed, besides the sessions' own mark). */
  overdue: ReadonlySet<string>;
  /** E4: the session offered to this rep right now, if any. */
  offeredSessionId: string | null;
  /** S1: the invitation offered to this rep right now, if any. */
  offeredInvitationId: string | null;
}

type Notice = { kind: 'error' | 'info'; text: string };

/** Events that change nothing the dashboard shows. */
const QUIET_EVENTS = new Set(['chat.message', 'rep.state']);

/**
 * The rep's home: their sessions, then everything waiting in the queues they see (Q6) with
 * open invitations (S1) among them, sortable, with accept (Q7), join (S2) and get next (Q8).
 */
export function Dashboard({ user, client, overdue, offeredSessionId, offeredInvitationId }: DashboardProps) {
  const [queues, setQueues] = useState<RepQueue[]>([]);
  const [sessions, setSessions] = useState<RepSessionsResponse | null>(null);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [gettingNext, setGettingNext] = useState(false);
  const [sort, setSort] = useSessionSort();
  const [filter, setFilter] = useState<string | null>(null);
  const now = useNow(1000);
  const personal = personalQueueOf(user.id);

  const load = useCallback(async () => {
    try {
      const [q, s, i] = await Promise.all([
        client.get<{ queues: RepQueue[] }>('/api/rep/queues'),
        client.get<RepSessionsResponse>('/api/rep/sessions'),
        client.get<{ invitations: Invitation[] }>('/api/rep/invitations'),
      ]);
      setQueues(q.queues);
      setSessions(s);
      // An invitation to a session the rep is already in needs no answer.
      const joined = new Set(s.mine.map((m) => m.id));
      setInvitations(i.invitations.filter((inv) => !joined.has(inv.sessionId)));
      setLoadError(null);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }, [client]);

  const refresh = useFrameRefresh(load);
  useEffect(() => refresh(), [refresh]);
  // Everything but chat lines and rep states can change what waits where.
  useRepEvents((event) => {
    if (event === null || !QUIET_EVENTS.has(event.type)) refresh();
  });

  /** Accept a session or join through an invitation; a lost race says why and refreshes (Q7). */
  const take = async (key: string, path: string, sessionId: string, verb: string) => {
    setBusy(key);
    setNotice(null);
    try {
      await client.post(path);
      window.location.hash = sessionHref(sessionId);
    } catch (err) {
      setNotice({
        kind: 'error',
        text: err instanceof ApiError && err.status >= 400 && err.status < 500 ? err.message : `Could not ${verb}: ${errorMessage(err)}`,
      });
      refresh();
    } finally {
      setBusy(null);
    }
  };

  const accept = (session: RepSessionView) =>
    void take(session.id, `/api/rep/sessions/${encodeURIComponent(session.id)}/accept`, session.id, 'accept');
  const join = (invitation: Invitation) =>
    void take(invitation.id, `/api/rep/invitations/${encodeURIComponent(invitation.id)}/accept`, invitation.sessionId, 'join');

  /** Q8: take the first waiting session, personal queue first, then team queues. */
  const getNext = async () => {
    setGettingNext(true);
    setNotice(null);
    try {
      const { session } = await client.post<{ session: RepSessionView | null }>('/api/rep/get-next');
      if (session) window.location.hash = sessionHref(session.id);
      else setNotice({ kind: 'info', text: 'Nothing waiting: no session in your personal or team queues.' });
    } catch (err) {
      setNotice({ kind: 'error', text: `Could not get the next session: ${errorMessage(err)}` });
      refresh();
    } finally {
      setGettingNext(false);
    }
  };

  const isOverdue = (s: RepSessionView) => Boolean(s.overdue) || overdue.has(s.id);
  const groups = sessions ? groupQueues(queues, sessions.waiting, invitations, sort) : [];
  const filtered = filter !== null && groups.some((g) => g.key === filter) ? groups.filter((g) => g.key === filter) : groups;
  const withItems = filtered.filter((g) => g.sessions.length > 0 || g.invitations.length > 0);
  const empty = filtered.filter((g) => g.sessions.length === 0 && g.invitations.length === 0);
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
          <MySessions sessions={sessions?.mine ?? null} repId={user.id} />

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
            {sessions && groups.length > 0 ? (
              <div className="waiting-tools">
                <QueueChips groups={groups} now={now} isOverdue={isOverdue} filter={filter} onFilter={setFilter} />
                <div className="sort-field">
                  <label htmlFor="session-sort">Sort by</label>
                  <select id="session-sort" value={sort} onChange={(e) => setSort(parseSort(e.target.value))}>
                    {SORT_OPTIONS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
            ) : null}
            {!sessions ? <p className="empty">Loading…</p> : null}
            {sessions && withItems.length === 0 ? (
              <p className="empty">
                {filter === null ? 'Nobody is waiting. New sessions appear here at once.' : 'Nobody is waiting in this queue.'}
              </p>
            ) : null}
            {withItems.map((group) => (
              <section key={group.key} className="queue-group" aria-labelledby={`queue-${group.key}`}>
                <div className="card__head">
                  <h3 id={`queue-${group.key}`}>{group.title}</h3>
                  <span className="badge">{group.sessions.length}</span>
                </div>
                <ul className="session-list">
                  {group.invitations.map((inv) => (
                    <InvitationItem
                      key={inv.id}
                      invitation={inv}
                      personal={inv.queueId === personal}
                      busy={busy === inv.id}
                      offered={offeredInvitationId === inv.id}
                      onJoin={() => join(inv)}
                    />
                  ))}
                  {group.sessions.map((s) => (
                    <WaitingItem
                      key={s.id}
                      session={s}
                      now={now}
                      busy={busy === s.id}
                      overdue={isOverdue(s)}
                      offered={offeredSessionId === s.id}
                      onAccept={() => accept(s)}
                    />
                  ))}
                </ul>
              </section>
            ))}
            {sessions && empty.length > 0 && withItems.length > 0 ? (
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

/** The sessions the rep is in: owned, or joined as a participant (S2). */
function MySessions({ sessions, repId }: { sessions: RepSessionView[] | null; repId: string }) {
  return (
    <section className="card" aria-labelledby="mine-title">
      <div className="card__head">
        <h2 id="mine-title">My sessions</h2>
        {sessions && sessions.length > 0 ? <span className="badge badge--accent">{sessions.length}</span> : null}
      </div>
      {!sessions ? (
        <p className="empty">Loading…</p>
      ) : sessions.length === 0 ? (
        <p className="empty">You have no active sessions.</p>
      ) : (
        <ul className="session-list">
          {sessions.map((s) => (
            <li key={s.id} className="session-item">
              <div className="session-item__body">
                <div className="session-item__title">
                  <a href={sessionHref(s.id)}>{customerLabel(s)}</a>
                  {s.customerCompany ? <span className="muted">{s.customerCompany}</span> : null}
                  {isChatSession(s) ? <span className="badge badge--chat">Chat</span> : null}
                  {s.ownerId !== repId ? <span className="badge badge--invite">Joined</span> : null}
                </div>
                <p className="session-item__line">
                  {sessionTopic(s)}
                  {s.ownerId !== repId && s.ownerName ? ` · owner ${s.ownerName}` : ''}
                </p>
              </div>
              <a className="btn btn--small" href={sessionHref(s.id)} aria-label={`Open session with ${customerLabel(s)}`}>
                Open
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
