import { useCallback, useState } from 'react';
import { errorMessage } from '../shared/api.js';
import { Banner } from '../shared/banner.js';
import { AdminApiError } from './admin-client.js';
import type { ChangeResult, Warning } from './admin-types.js';

export interface Save {
  busy: boolean;
  error: AdminApiError | null;
  done: string | null;
  warnings: Warning[];
  /** Runs one change; on success shows `done` and the server's warnings (W3), else the error. */
  run<T extends Partial<ChangeResult>>(work: () => Promise<T>, done: string): Promise<T | null>;
  /** The error the server tied to `field` (its path in the request), without the path prefix. */
  fieldError(field: string): string | undefined;
  reset(): void;
}

/** Saving state of one form: busy, the server's refusal (naming a field), or warnings. */
export function useSave(): Save {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AdminApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<Warning[]>([]);

  const reset = useCallback(() => {
    setError(null);
    setDone(null);
    setWarnings([]);
  }, []);

  const run = useCallback(async <T extends Partial<ChangeResult>>(work: () => Promise<T>, message: string): Promise<T | null> => {
    setBusy(true);
    setError(null);
    setDone(null);
    setWarnings([]);
    try {
      const result = await work();
      setDone(message);
      setWarnings(result.warnings ?? []);
      return result;
    } catch (err) {
      setError(err instanceof AdminApiError ? err : new AdminApiError(0, 'error', errorMessage(err), null, []));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);

  const fieldError = useCallback(
    (field: string) => {
      if (!error || error.path !== field) return undefined;
      return error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
    },
    [error],
  );

  return { busy, error, done, warnings, run, fieldError, reset };
}

/** The outcome of the last save: the refusal, or "saved" and any warnings (W3). */
export function SaveFeedback({ save, only }: { save: Save; only?: (w: Warning) => boolean }) {
  const warnings = only ? save.warnings.filter(only) : save.warnings;
  return (
    <>
      {save.error ? <Banner>{save.error.message}</Banner> : null}
      {save.done && !save.error ? <Banner kind="success">{save.done}</Banner> : null}
      {warnings.length > 0 ? (
        <div className="banner banner--warning" role="status">
          <div className="banner__text">
            <strong>Saved, with {warnings.length === 1 ? 'a warning' : 'warnings'}:</strong>
            <ul className="plain-list">
              {warnings.map((w) => (
                <li key={`${w.path}:${w.message}`}>{w.message}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : null}
    </>
  );
}
