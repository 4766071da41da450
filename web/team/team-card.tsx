import { useState } from 'react';
import type { SessionView } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { errorMessage } from '../shared/api.js';
import type { AdminClient } from '../admin/admin-client.js';
import { StateBadge } from '../admin/form-fields.js';
import type { DashboardMember, DashboardTeam, TransferTarget } from './team-app.js';

interface TeamCardProps {
  team: DashboardTeam;
  client: AdminClient;
  targets: TransferTarget[];
  onChanged(): Promise<void>;
}

/** One team: its members with state (A6) and sessions. */
export function TeamCard({ team, client, targets, onChanged }: TeamCardProps) {
  return (
    <section className="card" aria-labelledby={`team-${team.id}`}>
      <div className="card__head">
        <h2 id={`team-${team.id}`}>
          {team.name} {team.kind === 'embassy' ? <span className="badge">embassy</span> : null}
        </h2>
        <span className="muted">
          {team.viewerRole ? `You: ${team.viewerRole} · ` : ''}
          {team.waitingCount} waiting
        </span>
      </div>
      <ul className="entity-list" aria-label={`Members of ${team.name}`}>
        {team.members.map((m) => (
          <li key={m.id} className="entity-item" style={{ display: 'block' }}>
            <div className="entity-item__title">
              {m.displayName} <StateBadge state={m.state} /> {m.role !== 'member' ? <span className="badge">{m.role}</span> : null}
            </div>
            <p className="entity-item__line">{m.sessionCount === 1 ? '1 session' : `${m.sessionCount} sessions`}</p>
            {m.sessions.length > 0 ? (
              <ul className="member-sessions" aria-label={`Sessions of ${m.displayName}`}>
                {m.sessions.map((s) => (
                  <MemberSession key={s.id} member={m} session={s} client={client} targets={targets} onChanged={onChanged} />
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function MemberSession({ member, session, client, targets, onChanged }: { member: DashboardMember; session: SessionView; client: AdminClient; targets: TransferTarget[]; onChanged(): Promise<void> }) {
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const owned = session.ownerId === member.id;

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li>
      <div className="entity-item__title">
        {session.customerName || 'Customer'} {session.issue ? <span className="muted">· {session.issue.title}</span> : null}
        {owned ? null : <span className="badge">joined</span>}
      </div>
      {error ? <Banner>{error}</Banner> : null}
      {member.canAct && owned ? (
        <div className="session-actions">
          <button type="button" className="btn btn--small btn--primary" disabled={busy} onClick={() => void act(() => client.post(`/api/team/sessions/${session.id}/take-over`))}>
            Take over
          </button>
          <select aria-label={`Transfer ${session.customerName || 'session'} to`} value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">Transfer to…</option>
            {targets.map((t) => (
              <option key={t.queueId} value={t.queueId}>
                {t.name}
                {t.repState ? ` (${t.repState})` : ''}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn--small"
            disabled={busy || target === ''}
            onClick={() => void act(() => client.post(`/api/rep/sessions/${session.id}/transfer`, { queueId: target }))}
          >
            Transfer
          </button>
        </div>
      ) : null}
    </li>
  );
}
