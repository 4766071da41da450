import { useState, type FormEvent } from 'react';
import { ApiError, postJson } from '../shared/api.js';
import type { StartedSession } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { localizeError } from '../shared/i18n/localize-error.js';
import { Field } from '../shared/field.js';
import { useFormErrors } from '../shared/form-errors.js';

const FIELDS = ['key', 'customerName'] as const;

interface SessionKeyFormProps {
  initialKey: string;
  onStarted(session: StartedSession): void;
}

/** C1: the 7-digit key a representative gave the customer; the session goes to that rep. */
export function SessionKeyForm({ initialKey, onStarted }: SessionKeyFormProps) {
  const { t } = useI18n();
  const [key, setKey] = useState(initialKey);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear, forget } = useFormErrors(FIELDS);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    clear();
    try {
      const started = await postJson<StartedSession>('/api/portal/session-key', {
        key: key.replace(/\D/g, ''),
        ...(name.trim() ? { customerName: name.trim() } : {}),
      });
      onStarted(started);
    } catch (err) {
      // An unusable key (invalid_key) belongs next to the key even when no field is named.
      const local = localizeError(err, t, { customerName: name });
      const onKey = local.code === 'invalid_key' && !local.field;
      show(onKey ? new ApiError(local.status, local.code, local.message, 'key') : local);
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-labelledby="key-form-title" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="key-form-title">{t.key.title}</h2>
      <p className="muted">{t.key.hint}</p>
      {errors.banner ? <Banner dismissLabel={t.common.dismiss}>{errors.banner}</Banner> : null}
      <Field id="session-key" label={t.key.label} error={errors.fields.key}>
        {(control) => (
          <input
            {...control}
            className="input--key"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={9}
            required
            value={key}
            onChange={(e) => {
              setKey(e.target.value);
              forget('key');
            }}
          />
        )}
      </Field>
      <Field id="key-name" label={t.fields.name} note={t.common.optional} error={errors.fields.customerName}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="name"
            maxLength={100}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              forget('customerName');
            }}
          />
        )}
      </Field>
      <button type="submit" className="btn btn--primary btn--block" disabled={busy || key.replace(/\D/g, '') === ''}>
        {busy ? t.key.busy : t.key.submit}
      </button>
    </form>
  );
}
