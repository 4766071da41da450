import { useCallback, useEffect, useMemo } from 'react';
import type { User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { AlertSound, type AlertKind } from './alert-sound.js';
import { ConsoleHeader } from './console-header.js';
import { Dashboard } from './dashboard.js';
import { useHashRoute } from './hash-route.js';
import { OfferPrompt } from './offer-prompt.js';
import type { RepClient } from './rep-client.js';
import { RepEventsProvider } from './rep-events.js';
import { SessionPage } from './session-page.js';
import { useSoundSetting } from './sound-setting.js';
import { useActivityReport } from './use-activity-report.js';
import { useCurrentOffer } from './use-current-offer.js';
import { useOverdueSessions } from './use-overdue-sessions.js';
import { useRepState } from './use-rep-state.js';

interface RepConsoleProps {
  user: User;
  client: RepClient;
  onLogout(): void;
}

export function RepConsole({ user, client, onLogout }: RepConsoleProps) {
  return (
    <RepEventsProvider onDisconnected={() => void client.checkLogin()}>
      <ConsoleBody user={user} client={client} onLogout={onLogout} />
    </RepEventsProvider>
  );
}

/** Everything that needs the live feed: routing state, offers, overdue alerts, pages. */
function ConsoleBody({ user, client, onLogout }: RepConsoleProps) {
  const route = useHashRoute();
  const [soundOn, setSoundOn] = useSoundSetting();
  const sound = useMemo(() => new AlertSound(), []);
  useEffect(() => () => sound.close(), [sound]);
  const beep = useCallback((kind: AlertKind) => (soundOn ? sound.play(kind) : undefined), [sound, soundOn]);

  useActivityReport(client, () => sound.unlock());
  const rep = useRepState(client, user.id);
  const offer = useCurrentOffer(client, user.id, () => beep('offer'));
  const overdue = useOverdueSessions(() => beep('overdue'));
  const warn = useCallback(() => beep('warning'), [beep]);

  return (
    <>
      <ConsoleHeader user={user} rep={rep} sound={soundOn} onSoundChange={setSoundOn} onLogout={onLogout} />
      <main className="page page--wide">
        {offer.shown ? (
          <OfferPrompt
            key={offer.shown.offer.id}
            shown={offer.shown}
            answering={offer.answering}
            error={offer.error}
            onAccept={offer.accept}
            onReject={offer.reject}
            onWarning={warn}
          />
        ) : null}
        {offer.notice ? (
          <Banner kind="info" onDismiss={offer.dismissNotice}>
            {offer.notice}
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
          <SessionPage key={route.sessionId} sessionId={route.sessionId} user={user} client={client} />
        ) : (
          <Dashboard user={user} client={client} overdue={overdue} offeredSessionId={offer.shown?.offer.sessionId ?? null} />
        )}
      </main>
    </>
  );
}
