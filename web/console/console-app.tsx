import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, errorMessage, getJson, postJson } from '../shared/api.js';
import type { AuthResponse, User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { LoginForm } from './login-form.js';
import { RepConsole } from './rep-console.js';
import { RepClient } from './rep-client.js';

type Auth =
  | { status: 'checking' }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'failed'; message: string }
  | { status: 'signed-in'; user: User; csrfToken: string };

/** The rep console: log in (the CSRF token is re-read from /api/auth/me on load), then work. */
export function ConsoleApp() {
  const [auth, setAuth] = useState<Auth>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    getJson<AuthResponse>('/api/auth/me', { signal: abort.signal })
      .then((me) => setAuth({ status: 'signed-in', user: me.user, csrfToken: me.csrfToken }))
      .catch((err: unknown) => {
        if (abort.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401) setAuth({ status: 'signed-out', notice: null });
        else setAuth({ status: 'failed', message: errorMessage(err) });
      });
    return () => abort.abort();
  }, [attempt]);

  const signedOut = useCallback(
    () => setAuth({ status: 'signed-out', notice: 'Your login has ended. Please log in again.' }),
    [],
  );

  const csrfToken = auth.status === 'signed-in' ? auth.csrfToken : null;
  const client = useMemo(() => (csrfToken ? new RepClient(csrfToken, signedOut) : null), [csrfToken, signedOut]);

  const logout = async () => {
    try {
      if (csrfToken) await postJson('/api/auth/logout', {}, { csrfToken });
    } catch {
      // Already logged out on the server: the form below is right either way.
    }
    window.location.hash = '';
    setAuth({ status: 'signed-out', notice: 'You have logged out.' });
  };

  if (auth.status === 'checking') {
    return (
      <main className="page">
        <p className="muted" role="status">
          Loading…
        </p>
      </main>
    );
  }
  if (auth.status === 'failed') {
    return (
      <main className="page">
        <Banner>
          <p>{auth.message.startsWith('Cannot reach') ? auth.message : `Cannot reach the server: ${auth.message}`}</p>
          <button type="button" className="btn btn--small" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </Banner>
      </main>
    );
  }
  if (auth.status === 'signed-out' || !client) {
    return (
      <LoginForm
        notice={auth.status === 'signed-out' ? auth.notice : null}
        onLoggedIn={(me) => setAuth({ status: 'signed-in', user: me.user, csrfToken: me.csrfToken })}
      />
    );
  }
  return <RepConsole user={auth.user} client={client} onLogout={() => void logout()} />;
}
