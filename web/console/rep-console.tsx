import type { User } from '../shared/api-types.js';
import { Dashboard } from './dashboard.js';
import { useHashRoute } from './hash-route.js';
import type { RepClient } from './rep-client.js';
import { RepEventsProvider, useRepEventsStatus } from './rep-events.js';
import { SessionPage } from './session-page.js';

interface RepConsoleProps {
  user: User;
  client: RepClient;
  onLogout(): void;
}

export function RepConsole({ user, client, onLogout }: RepConsoleProps) {
  const route = useHashRoute();
  return (
    <RepEventsProvider onDisconnected={() => void client.checkLogin()}>
      <ConsoleHeader user={user} onLogout={onLogout} />
      <main className="page page--wide">
        {route.page === 'session' ? (
          <SessionPage key={route.sessionId} sessionId={route.sessionId} user={user} client={client} />
        ) : (
          <Dashboard user={user} client={client} />
        )}
      </main>
    </RepEventsProvider>
  );
}

function ConsoleHeader({ user, onLogout }: { user: User; onLogout(): void }) {
  const status = useRepEventsStatus();
  return (
    <header className="app-header">
      <a className="brand brand--link" href="#/">
        <span className="brand__mark" aria-hidden="true">
          L
        </span>
        Lobby
      </a>
      <span className={status === 'open' ? 'live-dot' : 'live-dot live-dot--off'} role="status">
        {status === 'open' ? 'Live' : status === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
      </span>
      <span className="app-header__user">
        <span className="app-header__name" title={user.displayName} data-testid="rep-name">
          {user.displayName}
        </span>
        <button type="button" className="btn btn--small" onClick={onLogout}>
          Log out
        </button>
      </span>
    </header>
  );
}
