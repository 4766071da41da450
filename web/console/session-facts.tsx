import type { ReactNode } from 'react';
import { formatClock, formatDuration, isoTime, toMillis } from '../shared/time-format.js';
import type { RepSessionView } from './console-types.js';
import { customerLabel, isChatSession, originLabel } from './session-labels.js';

interface SessionFactsProps {
  session: RepSessionView;
  /** Date.now(), for the waiting time. */
  now: number;
  /** Leave out what the surrounding list already shows (customer and company). */
  compact?: boolean;
}

/**
 * L4: what a session remembers, for the rep: customer, company, issue, details, required
 * skills, priority, origin, the queue and how long the customer has waited, custom
 * attributes. Empty fields are left out, not shown as blanks.
 */
export function SessionFacts({ session, now, compact = false }: SessionFactsProps) {
  const since = toMillis(session.waitingSince) ?? toMillis(session.createdAt);
  const skills = session.requiredSkills ?? [];
  const attributes = Object.entries(session.attributes ?? {});
  const rows: Array<[string, ReactNode]> = [];
  if (!compact) {
    rows.push(['Customer', customerLabel(session)]);
    if (session.customerCompany) rows.push(['Company', session.customerCompany]);
  }
  rows.push(['Issue', session.issue ? session.issue.title : 'None given']);
  if (session.details) rows.push(['Details', session.details]);
  if (skills.length > 0) rows.push(['Skills', skills.join(', ')]);
  rows.push(['Priority', session.priority > 0 ? String(session.priority) : 'Normal (0)']);
  rows.push(['Origin', `${originLabel(session.origin)}${isChatSession(session) ? ' · chat' : ''}`]);
  if (session.state === 'waiting') {
    rows.push(['Queue', session.queueName ?? '—']);
    if (since !== null) {
      rows.push(['Waiting', <time dateTime={isoTime(since)}>{formatDuration(now - since)}</time>]);
    }
  } else {
    rows.push(['Owner', session.ownerName ?? '—']);
    if (since !== null) rows.push(['Waited since', <time dateTime={isoTime(since)}>{formatClock(since)}</time>]);
  }
  if (!compact) rows.push(['Started', <time dateTime={isoTime(session.createdAt)}>{formatClock(session.createdAt)}</time>]);

  return (
    <dl className="details-list session-facts">
      {rows.map(([term, value]) => (
        <div key={term} className="details-list__row">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
      {attributes.length > 0 ? (
        <div className="details-list__row details-list__row--wide">
          <dt>Custom attributes</dt>
          <dd>
            <dl className="attribute-list">
              {attributes.map(([key, value]) => (
                <div key={key} className="attribute-list__row">
                  <dt>{key}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}
