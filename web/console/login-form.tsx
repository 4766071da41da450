import { useState, type FormEvent } from 'react';
import { postJson } from '../shared/api.js';
import type { AuthResponse } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { Field } from '../shared/field.js';
import { useFormErrors } from '../shared/form-errors.js';

const FIELDS = ['login', 'password'] as const;

interface LoginFormProps {
  notice: string | null;
  onLoggedIn(me: AuthResponse): void;
}

export function LoginForm({ notice, onLoggedIn }: LoginFormProps) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear, forget } = useFormErrors(FIELDS);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    clear();
    try {
      const me = await postJson<AuthResponse>('/api/auth/login', { login: login.trim(), password });
      onLoggedIn(me);
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
          Lobby <span className="brand__sub">Rep console</span>
        </div>
        <h1 id="login-title">Log in</h1>
        {notice ? <Banner kind="info">{notice}</Banner> : null}
        {errors.banner ? <Banner>{errors.banner}</Banner> : null}
        <Field id="login" label="Login" error={errors.fields.login}>
          {(control) => (
            <input
              {...control}
              type="text"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={login}
              onChange={(e) => {
                setLogin(e.target.value);
                forget('login');
              }}
            />
          )}
        </Field>
        <Field id="password" label="Password" error={errors.fields.password}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                forget('password');
              }}
            />
          )}
        </Field>
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
