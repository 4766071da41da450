import type { RepQueue } from '../shared/api-types.js';
import { formatDuration, isoTime, toMillis } from '../shared/time-format.js';
import type { Invitation, RepSessionView } from './console-types.js';
import { sessionHref } from './hash-route.js';
import { SessionFacts } from './session-facts.js';
import { customerLabel, isChatSession, queueOrder, queueTitle, sessionTopic } from './session-labels.js';
import { sortSessions, type SessionSort } from './session-sort.js';

/** One queue the rep sees, with what waits in it. */
export interface QueueGroup {
  key: string;
  kind: string;
  title: string;
  sessions: RepSessionView[];
  invitations: Invitation[];
}

/**
 * Waiting sessions and open invitations grouped by queue, in the queues' order (personal,
 * teams, embassies, general); each group in the chosen order (Q4 by default).
 */
export function groupQueues(
  queues: readonly RepQueue[],
  waiting: readonly RepSessionView[],
  invitations: readonly Invitation[],
  sort: SessionSort,
): QueueGroup[] {
  const groups = new Map<string, QueueGroup>();
  for (const queue of [...queues].sort(queueOrder)) {
    groups.set(queue.id, { key: queue.id, kind: queue.kind, title: queueTitle(queue), sessions: [], invitations: [] });
  }
  const groupOf = (id: string | null, name: string | null) => {
    const key = id ?? `name:${name ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, kind: 'other', title: name ?? 'Queue', sessions: [], invitations: [] };
      groups.set(key, group);
    }
    return group;
  };
  for (const session of waiting) groupOf(session.queueId, session.queueName).sessions.push(session);
  for (const invitation of invitations) groupOf(invitation.queueId, invitation.queueName).invitations.push(invitation);
  for (const group of groups.values()) group.sessions = sortSessions(group.sessions, sort);
  return [...groups.values()];
}

function waitedSince(session: RepSessionView): number | null {
  return toMillis(session.waitingSince) ?? toMillis(session.createdAt);
}

interface QueueChipsProps {
  groups: readonly QueueGroup[];
  now: number;
  isOverdue(session: RepSessionView): boolean;
  /** The queue shown alone, or null for all. */
  filter: string | null;
  onFilter(key: string | null): void;
}

/**
 * The queue list: every queue the rep sees with its live count, the longest wait and an
 * overdue mark. Choosing one shows that queue alone; "All queues" shows them all again.
 */
export function QueueChips({ groups, now, isOverdue, filter, onFilter }: QueueChipsProps) {
  return (
    <ul className="queue-chips" aria-label="Queues">
      <li>
        <button type="button" className="queue-chip" aria-pressed={filter === null} onClick={() => onFilter(null)}>
          <span className="queue-chip__name">All queues</span>
        </button>
      </li>
      {groups.map((group) => {
        const count = group.sessions.length;
        const oldest = Math.min(...group.sessions.map((s) => waitedSince(s) ?? now));
        const overdue = group.sessions.filter(isOverdue).length;
        const facts = [
          `${count} waiting`,
          count > 0 ? `longest ${formatDuration(now - oldest)}` : null,
          overdue > 0 ? `${overdue} overdue` : null,
          group.invitations.length > 0 ? `${group.invitations.length} invited` : null,
        ].filter((f): f is string => f !== null);
        const classes = ['queue-chip', overdue > 0 ? 'queue-chip--overdue' : '', count === 0 && group.invitations.length === 0 ? 'queue-chip--empty' : '']
          .filter(Boolean)
          .join(' ');
        return (
          <li key={group.key}>
            <button
              type="button"
              className={classes}
              aria-pressed={filter === group.key}
              onClick={() => onFilter(filter === group.key ? null : group.key)}
            >
              <span className="queue-chip__name">{group.title}</span>
              <span className="queue-chip__facts">{facts.join(' · ')}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

interface WaitingItemProps {
  session: RepSessionView;
  now: number;
  busy: boolean;
  overdue: boolean;
  offered: boolean;
  onAccept(): void;
}

export function WaitingItem({ session, now, busy, overdue, offered, onAccept }: WaitingItemProps) {
  const since = waitedSince(session);
  return (
    <li className={overdue ? 'session-item session-item--overdue' : 'session-item'}>
      <div className="session-item__body">
        <div className="session-item__title">
          <a href={sessionHref(session.id)}>{customerLabel(session)}</a>
          {session.customerCompany ? <span className="muted">{session.customerCompany}</span> : null}
          {isChatSession(session) ? <span className="badge badge--chat">Chat</span> : null}
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
        <details className="session-item__more">
          <summary>
            More<span className="visually-hidden"> about {customerLabel(session)}</span>
          </summary>
          <SessionFacts session={session} now={now} compact />
        </details>
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

interface InvitationItemProps {
  invitation: Invitation;
  /** The invitation is addressed to this rep (personal queue), not to one of their teams. */
  personal: boolean;
  busy: boolean;
  /** S1: Equilibrium offers this invitation to this rep right now (the offer prompt shows it). */
  offered: boolean;
  onJoin(): void;
}

/** S1: an open invitation in a queue the rep sees; "Join" makes them a participant (S2). */
export function InvitationItem({ invitation, personal, busy, offered, onJoin }: InvitationItemProps) {
  const session = invitation.session;
  return (
    <li className="session-item session-item--invitation" data-testid="invitation-item">
      <div className="session-item__body">
        <div className="session-item__title">
          <a href={sessionHref(session.id)}>{customerLabel(session)}</a>
          {session.customerCompany ? <span className="muted">{session.customerCompany}</span> : null}
          <span className="badge badge--invite">Invitation</span>
          {isChatSession(session) ? <span className="badge badge--chat">Chat</span> : null}
          {offered ? <span className="badge badge--accent">Offered to you</span> : null}
        </div>
        <p className="session-item__line">
          {invitation.inviterName} invites {personal ? 'you' : invitation.queueName} · {sessionTopic(session)}
        </p>
      </div>
      <button
        type="button"
        className="btn btn--primary btn--small"
        disabled={busy}
        onClick={onJoin}
        aria-label={`Join the session with ${customerLabel(session)}`}
      >
        {busy ? 'Joining…' : 'Join'}
      </button>
    </li>
  );
}
