import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, errorMessage, getJson, postJson } from '../shared/api.js';
import type { AuthResponse, User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { Field } from '../shared/field.js';
import { useFormErrors } from '../shared/form-errors.js';
import { AdminClient } from './admin-client.js';

type Auth =
  | { status: 'checking' }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'failed'; message: string }
  | { status: 'signed-in'; user: User; csrfToken: string };

interface SignInProps {
  /** "Admin" or "Team dashboard", under the brand. */
  title: string;
  children(session: { user: User; client: AdminClient; logout(): void }): ReactNode;
}

/** Logs a rep in (the same login as the console) and hands the page an API client. */
export function SignIn({ title, children }: SignInProps) {
  const [auth, setAuth] = useState<Auth>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let alive = true;
    getJson<AuthResponse>('/api/auth/me')
      .then((me) => alive && setAuth({ status: 'signed-in', user: me.user, csrfToken: me.csrfToken }))
      .catch((err: unknown) => {
        if (!alive) return;
        if (err instanceof ApiError && err.status === 401) setAuth({ status: 'signed-out', notice: null });
        else setAuth({ status: 'failed', message: errorMessage(err) });
      });
    return () => {
      alive = false;
    };
  }, [attempt]);

  const signedOut = useCallback(() => setAuth({ status: 'signed-out', notice: 'Your login has ended. Please log in again.' }), []);
  const csrfToken = auth.status === 'signed-in' ? auth.csrfToken : null;
  const client = useMemo(() => (csrfToken ? new AdminClient(csrfToken, signedOut) : null), [csrfToken, signedOut]);

  const logout = () => {
    if (client) void client.post('/api/auth/logout').catch(() => undefined);
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
          <p>Cannot reach the server: {auth.message}</p>
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
        title={title}
        notice={auth.status === 'signed-out' ? auth.notice : null}
        onLoggedIn={(me) => setAuth({ status: 'signed-in', user: me.user, csrfToken: me.csrfToken })}
      />
    );
  }
  return <>{children({ user: auth.user, client, logout })}</>;
}

const FIELDS = ['login', 'password'] as const;

function LoginForm({ title, notice, onLoggedIn }: { title: string; notice: string | null; onLoggedIn(me: AuthResponse): void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors(FIELDS);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    clear();
    try {
      onLoggedIn(await postJson<AuthResponse>('/api/auth/login', { login: login.trim(), password }));
    } catch (err) {
      show(err);
      setBusy(false);
    }
  };

  return (
    <main className="page">
      <form className="card login" aria-labelledby="login-title" onSubmit={(e) => void submit(e)} noValidate>
        <div className="brand login__brand">
          <span className="brand__mark" aria-hidden="true">
            L
          </span>
          Lobby <span className="brand__sub">{title}</span>
        </div>
        <h1 id="login-title">Log in</h1>
        {notice ? <Banner kind="info">{notice}</Banner> : null}
        {errors.banner ? <Banner>{errors.banner}</Banner> : null}
        <Field id="login" label="Login" error={errors.fields.login}>
          {(control) => <input {...control} type="text" autoComplete="username" autoCapitalize="none" spellCheck={false} value={login} onChange={(e) => setLogin(e.target.value)} />}
        </Field>
        <Field id="password" label="Password" error={errors.fields.password}>
          {(control) => <input {...control} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
