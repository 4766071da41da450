import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../shared/api.js';
import type { SessionView, User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { openLiveSocket } from '../shared/live-socket.js';
import { AdminApiError, type AdminClient } from '../admin/admin-client.js';
import { SignIn } from '../admin/sign-in.js';
import { TeamCard } from './team-card.js';

export interface DashboardMember {
  id: string;
  login: string;
  displayName: string;
  role: string;
  state: string;
  sessionCount: number;
  sessions: SessionView[];
  canAct: boolean;
}

export interface DashboardTeam {
  id: string;
  name: string;
  kind: string;
  viewerRole: string | null;
  waitingCount: number;
  members: DashboardMember[];
}

export interface TransferTarget {
  queueId: string;
  kind: string;
  name: string;
  repState: string | null;
}

/** The team dashboard for leads and managers (SPEC A6, T1). */
export function TeamApp() {
  return <SignIn title="Team dashboard">{({ user, client, logout }) => <Dashboard user={user} client={client} onLogout={logout} />}</SignIn>;
}

/**
 * Reads the dashboard, and again whenever /ws/team says something changed — at most one
 * read in flight, and one more if anything changed meanwhile.
 */
function useDashboard(client: AdminClient) {
  const [teams, setTeams] = useState<DashboardTeam[] | null>(null);
  const [error, setError] = useState<{ message: string; forbidden: boolean } | null>(null);
  const [live, setLive] = useState(false);
  const flight = useRef({ running: false, again: false });

  const load = useCallback(async () => {
    const f = flight.current;
    if (f.running) {
      f.again = true;
      return;
    }
    f.running = true;
    try {
      do {
        f.again = false;
        try {
          setTeams((await client.get<{ teams: DashboardTeam[] }>('/api/team/dashboard')).teams);
          setError(null);
        } catch (err) {
          setError({ message: errorMessage(err), forbidden: err instanceof AdminApiError && err.status === 403 });
        }
      } while (f.again);
    } finally {
      f.running = false;
    }
  }, [client]);

  useEffect(() => {
    void load();
    const socket = openLiveSocket({
      path: '/ws/team',
      onMessage: (m) => {
        if ((m as { type?: string }).type === 'changed') void load();
      },
      onOpen: (_s, reconnected) => {
        if (reconnected) void load();
      },
      onStatus: (s) => setLive(s === 'open'),
      shouldReconnect: (e) => e.code !== 4401 && e.code !== 4403,
    });
    return () => socket.close();
  }, [load]);

  return { teams, error, live, reload: load };
}

function Dashboard({ user, client, onLogout }: { user: User; client: AdminClient; onLogout(): void }) {
  const { teams, error, live, reload } = useDashboard(client);
  const [targets, setTargets] = useState<TransferTarget[]>([]);
  useEffect(() => {
    client
      .get<{ targets: TransferTarget[] }>('/api/rep/transfer-targets')
      .then((r) => setTargets(r.targets))
      .catch(() => setTargets([]));
  }, [client]);

  return (
    <>
      <header className="app-header">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">
            L
          </span>
          Lobby <span className="brand__sub">Team dashboard</span>
        </div>
        <div className="app-header__user">
          <span className={live ? 'live-dot' : 'live-dot live-dot--off'} role="status">
            {live ? 'Live' : 'Connecting…'}
          </span>
          <span className="app-header__name">{user.displayName}</span>
          <button type="button" className="btn btn--quiet btn--small" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <main className="page page--wide">
        <div className="page-intro">
          <h1>Team dashboard</h1>
          <p>Each member’s state and sessions. Leads and managers may take over or transfer a member’s session (T1).</p>
          <p>
            <a href="/console/">Rep console</a>
            {user.isAdmin ? (
              <>
                {' · '}
                <a href="/admin/">Admin pages</a>
              </>
            ) : null}
          </p>
        </div>
        {error ? <Banner>{error.forbidden ? 'The team dashboard is for team leads, managers and admins.' : error.message}</Banner> : null}
        {teams === null && !error ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : null}
        {teams?.length === 0 ? <p className="empty">You lead no team.</p> : null}
        <div className="stack">
          {(teams ?? []).map((t) => (
            <TeamCard key={t.id} team={t} client={client} targets={targets} onChanged={reload} />
          ))}
        </div>
      </main>
    </>
  );
}
