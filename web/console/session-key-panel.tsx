import { useState } from 'react';
import { errorMessage } from '../shared/api.js';
import type { SessionKey } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { Field } from '../shared/field.js';
import { formatClock } from '../shared/time-format.js';
import type { RepClient } from './rep-client.js';

const LIFETIMES: ReadonlyArray<{ minutes: number; label: string }> = [
  { minutes: 15, label: '15 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 240, label: '4 hours' },
  { minutes: 1440, label: '1 day' },
  { minutes: 10080, label: '7 days' },
];

/** C1: a 7-digit key (and its link) that brings a customer straight to this rep's queue. */
export function SessionKeyPanel({ client }: { client: RepClient }) {
  const [minutes, setMinutes] = useState(60);
  const [key, setKey] = useState<SessionKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const generate = async () => {
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      setKey(await client.post<SessionKey>('/api/rep/session-keys', { expiresInMinutes: minutes }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const url = key ? new URL(key.url, window.location.href).toString() : '';

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setError('Copying is not allowed here: select the link and copy it by hand.');
    }
  };

  return (
    <section className="card" aria-labelledby="key-title">
      <h2 id="key-title">Session key</h2>
      <p className="muted">Give a customer a key: their session comes straight to your personal queue.</p>
      {error ? <Banner>{error}</Banner> : null}
      <Field id="key-lifetime" label="Key valid for">
        {(control) => (
          <select {...control} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {LIFETIMES.map((l) => (
              <option key={l.minutes} value={l.minutes}>
                {l.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="button" className="btn btn--primary btn--block" onClick={() => void generate()} disabled={busy}>
        {busy ? 'Generating…' : 'Generate session key'}
      </button>
      {key ? (
        <div className="stack" role="status" aria-live="polite">
          <div>
            <p className="muted key-caption">
              Key for your customer
            </p>
            <strong className="session-key" data-testid="session-key">
              {key.key}
            </strong>
            <a className="key-url" href={url} target="_blank" rel="noreferrer">
              {url}
            </a>
            <p className="muted">Use it to start a session before {formatClock(key.expiresAt)}.</p>
          </div>
          <div className="actions">
            <button type="button" className="btn btn--small" onClick={() => void copy()}>
              {copied ? 'Link copied' : 'Copy link'}
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
