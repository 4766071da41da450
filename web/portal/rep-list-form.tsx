import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson, postJson } from '../shared/api.js';
import type { StartedSession } from '../shared/api-types.js';
import type { ListedRep } from '../shared/customer-types.js';
import { Banner } from '../shared/banner.js';
import { Field } from '../shared/field.js';
import { useFormErrors } from '../shared/form-errors.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { localizeError } from '../shared/i18n/localize-error.js';

const FIELDS = ['repId', 'customerName', 'details'] as const;

/**
 * C2: the reps who are logged in and listed; choosing one puts the session in that rep's
 * personal queue. Hidden while nobody is listed.
 */
export function RepListForm({ onStarted }: { onStarted(session: StartedSession): void }) {
  const { t } = useI18n();
  const [reps, setReps] = useState<ListedRep[]>([]);
  const [repId, setRepId] = useState('');
  const [name, setName] = useState('');
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear, forget } = useFormErrors(FIELDS);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const { reps: listed } = await getJson<{ reps: ListedRep[] }>('/api/portal/reps', signal ? { signal } : {});
      setReps(listed);
    } catch {
      // The list is a convenience: without it the key and issue forms still work.
    }
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    void load(abort.signal);
    return () => abort.abort();
  }, [load]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    clear();
    if (!repId) {
      show(new ApiError(400, 'invalid_input', t.errors.chooseRep, 'repId'));
      return;
    }
    setBusy(true);
    try {
      const started = await postJson<StartedSession>('/api/portal/rep-sessions', {
        repId,
        customerName: name.trim(),
        ...(details.trim() ? { details: details.trim() } : {}),
      });
      onStarted(started);
    } catch (err) {
      const local = localizeError(err, t, { customerName: name, details });
      show(local);
      // C2: the rep went away since the list was loaded; show who is here now.
      if (local.code === 'rep_unavailable') {
        setRepId('');
        void load();
      }
      setBusy(false);
    }
  };

  if (reps.length === 0 && !errors.fields.repId) return null;
  const repError = errors.fields.repId;
  return (
    <form className="card" aria-labelledby="rep-list-title" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="rep-list-title">{t.repList.title}</h2>
      <p className="muted">{t.repList.hint}</p>
      {errors.banner ? <Banner dismissLabel={t.common.dismiss}>{errors.banner}</Banner> : null}
      <fieldset
        className={repError ? 'field field--invalid rep-choice' : 'field rep-choice'}
        aria-invalid={Boolean(repError)}
        {...(repError ? { 'aria-describedby': 'rep-choice-error' } : {})}
      >
        <legend>{t.repList.legend}</legend>
        {reps.map((rep) => (
          <label key={rep.id} className="rep-choice__option">
            <input
              type="radio"
              name="rep"
              value={rep.id}
              checked={repId === rep.id}
              onChange={() => {
                setRepId(rep.id);
                forget('repId');
              }}
            />
            <span>{rep.name}</span>
          </label>
        ))}
        {repError ? (
          <p className="field__error" id="rep-choice-error">
            {repError}
          </p>
        ) : null}
      </fieldset>
      <Field id="rep-name" label={t.fields.name} error={errors.fields.customerName}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="name"
            maxLength={100}
            required
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              forget('customerName');
            }}
          />
        )}
      </Field>
      <Field id="rep-details" label={t.fields.details} note={t.common.optional} error={errors.fields.details}>
        {(control) => (
          <textarea
            {...control}
            rows={3}
            value={details}
            onChange={(e) => {
              setDetails(e.target.value);
              forget('details');
            }}
          />
        )}
      </Field>
      <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
        {busy ? t.repList.busy : t.repList.submit}
      </button>
    </form>
  );
}
