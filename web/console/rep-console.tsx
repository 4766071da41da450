import { useCallback, useEffect, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import type { User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { AlertSound, type AlertKind } from './alert-sound.js';
import { ConsoleHeader } from './console-header.js';
import { Dashboard } from './dashboard.js';
import { sessionHref, useHashRoute } from './hash-route.js';
import { OfferHostContext } from './modal-dialog.js';
import { OfferPrompt } from './offer-prompt.js';
import { RepAlertsView } from './rep-alerts.js';
import type { RepClient } from './rep-client.js';
import { RepEventsProvider } from './rep-events.js';
import { customerLabel, sessionTopic } from './session-labels.js';
import { SessionPage } from './session-page.js';
import { useSoundSetting } from './sound-setting.js';
import { useSystemNotifications } from './system-notifications.js';
import { useActivityReport } from './use-activity-report.js';
import { useCurrentOffer } from './use-current-offer.js';
import { useOverdueSessions } from './use-overdue-sessions.js';
import { useRepAlerts, type RepAlert } from './use-rep-alerts.js';
import { useRepState } from './use-rep-state.js';
import { useSentInvitations } from './use-sent-invitations.js';

interface RepConsoleProps {
  user: User;
  client: RepClient;
  onLogout(): void;
}

/** How long a notice such as "Casey was transferred to Helpdesk." stays. */
const NOTICE_MS = 15_000;

export function RepConsole({ user, client, onLogout }: RepConsoleProps) {
  return (
    <RepEventsProvider onDisconnected={() => void client.checkLogin()}>
      <ConsoleBody user={user} client={client} onLogout={onLogout} />
    </RepEventsProvider>
  );
}

function alertNotice(alert: RepAlert): { title: string; body: string } {
  switch (alert.kind) {
    case 'transfer':
      return { title: `Transferred to you: ${customerLabel(alert.session)}`, body: sessionTopic(alert.session) };
    case 'personal':
      return { title: `Waiting for you: ${customerLabel(alert.session)}`, body: sessionTopic(alert.session) };
    case 'invitation':
      return {
        title: `${alert.invitation.inviterName} invites you to join`,
        body: `${customerLabel(alert.invitation.session)} · ${sessionTopic(alert.invitation.session)}`,
      };
    case 'owner':
      return { title: `You now own the session with ${customerLabel(alert.session)}`, body: 'The previous owner left.' };
  }
}

/** Everything that needs the live feed: routing state, offers, alerts, overdue marks, pages. */
function ConsoleBody({ user, client, onLogout }: RepConsoleProps) {
  const route = useHashRoute();
  const [soundOn, setSoundOn] = useSoundSetting();
  const sound = useMemo(() => new AlertSound(), []);
  useEffect(() => () => sound.close(), [sound]);
  const beep = useCallback((kind: AlertKind) => (soundOn ? sound.play(kind) : undefined), [sound, soundOn]);
  const system = useSystemNotifications();
  const [notice, setNotice] = useState<string | null>(null);
  const [offerHost, setOfferHost] = useState<HTMLElement | null>(null);

  useActivityReport(client, () => sound.unlock());
  const rep = useRepState(client, user.id);
  const offer = useCurrentOffer(client, user.id, (made) => {
    beep('offer');
    system.show({
      ...(made.invitation
        ? {
            title: `${made.invitation.inviterName} invites you to join`,
            body: `${customerLabel(made.session)} · ${sessionTopic(made.session)}. Open the console to join or decline.`,
          }
        : {
            title: `New session for you: ${customerLabel(made.session)}`,
            body: `${sessionTopic(made.session)}. Open the console to accept or reject it.`,
          }),
      tag: `offer-${made.id}`,
      hash: '',
    });
  });
  const overdue = useOverdueSessions((sessionId) => {
    beep('overdue');
    system.show({ title: 'A customer has waited too long', body: 'A session in your queues is overdue.', tag: `overdue-${sessionId}`, hash: sessionHref(sessionId) });
  });
  const alerts = useRepAlerts(client, user.id, (alert) => {
    beep('offer');
    system.show({ ...alertNotice(alert), tag: alert.key, hash: alert.kind === 'owner' ? sessionHref(alert.sessionId) : '' });
  });
  const sent = useSentInvitations(client);
  const warn = useCallback(() => beep('warning'), [beep]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  // E4: a session offered, or S1: an invitation to join one (whose session is not waiting).
  const offered = offer.shown?.offer ?? null;
  const offeredSessionId = offered && !offered.invitation ? offered.sessionId : null;
  const offeredInvitationId = offered?.invitation?.id ?? null;

  const offerPrompt = offer.shown ? (
    <OfferPrompt
      key={offer.shown.offer.id}
      shown={offer.shown}
      answering={offer.answering}
      error={offer.error}
      onAccept={offer.accept}
      onReject={offer.reject}
      onWarning={warn}
    />
  ) : null;

  return (
    <OfferHostContext.Provider value={setOfferHost}>
      <ConsoleHeader user={user} rep={rep} sound={soundOn} onSoundChange={setSoundOn} notifications={system} client={client} onLogout={onLogout} />
      <main className="page page--wide">
        {/* While a dialog is open the rest of the page is inert: the offer is drawn inside it. */}
        {offerPrompt && offerHost ? createPortal(offerPrompt, offerHost) : offerPrompt}
        {offer.notice ? (
          <Banner kind="info" onDismiss={offer.dismissNotice}>
            {offer.notice}
          </Banner>
        ) : null}
        <RepAlertsView client={client} alerts={alerts.alerts} offeredSessionId={offeredSessionId} onDismiss={alerts.dismiss} />
        {notice ? (
          <Banner kind="success" onDismiss={() => setNotice(null)}>
            {notice}
          </Banner>
        ) : null}
        {rep.optedOutForMissed !== null ? (
          <Banner kind="info" onDismiss={rep.dismissOptedOutNotice}>
            <p>
              Automatic assignment is off: you let{' '}
              {rep.optedOutForMissed > 1 ? `${rep.optedOutForMissed} offers in a row` : 'an offer'} expire, so Lobby stopped
              sending you offers. Take sessions by hand, or turn it back on when you are ready.
            </p>
            <button
              type="button"
              className="btn btn--small"
              disabled={rep.saving}
              onClick={() => rep.setAutomaticAssignment(true)}
            >
              Turn automatic assignment on
            </button>
          </Banner>
        ) : null}
        {rep.error ? <Banner onDismiss={rep.clearError}>Could not change your state: {rep.error}</Banner> : null}
        {route.page === 'session' ? (
          <SessionPage key={route.sessionId} sessionId={route.sessionId} user={user} client={client} sent={sent} onNotice={setNotice} />
        ) : (
          <Dashboard user={user} client={client} overdue={overdue} offeredSessionId={offeredSessionId} offeredInvitationId={offeredInvitationId} />
        )}
      </main>
    </OfferHostContext.Provider>
  );
}
