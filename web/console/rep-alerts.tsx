import { useState } from 'react';
import { errorMessage } from '../shared/api.js';
import { sessionHref } from './hash-route.js';
import type { RepClient } from './rep-client.js';
import { customerLabel, sessionTopic } from './session-labels.js';
import type { RepAlert } from './use-rep-alerts.js';

interface RepAlertsViewProps {
  client: RepClient;
  alerts: readonly RepAlert[];
  /** The offer prompt already shows this session: no second alert for it. */
  offeredSessionId: string | null;
  onDismiss(key: string): void;
}

function headline(alert: RepAlert): string {
  switch (alert.kind) {
    case 'transfer':
      return `Transferred to you: ${customerLabel(alert.session)}`;
    case 'personal':
      return `Waiting for you: ${customerLabel(alert.session)}`;
    case 'invitation':
      return `${alert.invitation.inviterName} invites you to join`;
    case 'owner':
      return `You now own the session with ${customerLabel(alert.session)}`;
  }
}

function detail(alert: RepAlert): string {
  switch (alert.kind) {
    case 'transfer':
      return `${sessionTopic(alert.session)}. The session waits in your personal queue.`;
    case 'personal':
      return `${sessionTopic(alert.session)}. A new session in your personal queue.`;
    case 'invitation':
      return `The session with ${customerLabel(alert.invitation.session)} (${sessionTopic(alert.invitation.session)}).`;
    case 'owner':
      return 'The previous owner left; you may now transfer or end it.';
  }
}

/**
 * T4, S1, S3: alerts for what came to this rep in person, above the page, each with the
 * action it asks for (accept, join, open) and a way to dismiss it. Announced at once.
 */
export function RepAlertsView({ client, alerts, offeredSessionId, onDismiss }: RepAlertsViewProps) {
  const shown = alerts.filter((a) => !((a.kind === 'transfer' || a.kind === 'personal') && a.sessionId === offeredSessionId));
  if (shown.length === 0) return null;
  return (
    <section className="rep-alerts" aria-label="Alerts">
      {shown.map((alert) => (
        <AlertCard key={alert.key} client={client} alert={alert} onDismiss={() => onDismiss(alert.key)} />
      ))}
    </section>
  );
}

function AlertCard({ client, alert, onDismiss }: { client: RepClient; alert: RepAlert; onDismiss(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const act = async () => {
    setBusy(true);
    setError(null);
    try {
      if (alert.kind === 'transfer' || alert.kind === 'personal') {
        await client.post(`/api/rep/sessions/${encodeURIComponent(alert.sessionId)}/accept`);
      } else if (alert.kind === 'invitation') {
        await client.post(`/api/rep/invitations/${encodeURIComponent(alert.invitation.id)}/accept`);
      }
      onDismiss();
      window.location.hash = sessionHref(alert.sessionId);
    } catch (err) {
      // Taken by someone else, withdrawn, ended: the reason, and the alert stays to be dismissed.
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const action = alert.kind === 'invitation' ? 'Join' : alert.kind === 'owner' ? 'Open' : 'Accept';
  return (
    <div className={`rep-alert rep-alert--${alert.kind}`} role="alert" data-testid="rep-alert">
      <div className="rep-alert__text">
        <p className="rep-alert__title">{headline(alert)}</p>
        <p className="rep-alert__detail">{detail(alert)}</p>
        {error ? <p className="rep-alert__error">{error}</p> : null}
      </div>
      <div className="actions rep-alert__actions">
        {error ? null : (
          <button type="button" className="btn btn--primary btn--small" disabled={busy} onClick={() => void act()}>
            {busy ? `${action}…` : action}
          </button>
        )}
        <button type="button" className="btn btn--small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
