import { useEffect, useState, type FormEvent } from 'react';
import { getJson, postJson, errorMessage } from '../shared/api.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { localizeError } from '../shared/i18n/localize-error.js';
import type { PortalIssue, StartedSession } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { Field } from '../shared/field.js';
import { useFormErrors } from '../shared/form-errors.js';

const FIELDS = ['customerName', 'customerCompany', 'issueCode', 'details'] as const;

type IssueLoad = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; issues: PortalIssue[] };

interface IssueFormProps {
  onStarted(session: StartedSession): void;
}

/** C3: name, company (optional), issue and details; the session enters the issue's team queue. */
export function IssueForm({ onStarted }: IssueFormProps) {
  const { t } = useI18n();
  const [load, setLoad] = useState<IssueLoad>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [name, setName] = useState('');
  const [company, setCompany] = useState('');
  const [issueCode, setIssueCode] = useState('');
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear, forget } = useFormErrors(FIELDS);

  useEffect(() => {
    const abort = new AbortController();
    setLoad({ status: 'loading' });
    getJson<{ issues: PortalIssue[] }>('/api/portal/issues', { signal: abort.signal })
      .then(({ issues }) => {
        setLoad({ status: 'ready', issues });
        if (issues.length === 1 && issues[0]) setIssueCode(issues[0].code);
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setLoad({ status: 'failed', message: errorMessage(err) });
      });
    return () => abort.abort();
  }, [attempt]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    clear();
    try {
      const started = await postJson<StartedSession>('/api/portal/sessions', {
        issueCode,
        customerName: name.trim(),
        ...(company.trim() ? { customerCompany: company.trim() } : {}),
        ...(details.trim() ? { details: details.trim() } : {}),
      });
      onStarted(started);
    } catch (err) {
      show(localizeError(err, t, { customerName: name, customerCompany: company, details }));
      setBusy(false);
    }
  };

  const issues = load.status === 'ready' ? load.issues : [];
  const chosen = issues.find((i) => i.code === issueCode);

  return (
    <form className="card" aria-labelledby="issue-form-title" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="issue-form-title">{t.issue.title}</h2>
      {errors.banner ? <Banner dismissLabel={t.common.dismiss}>{errors.banner}</Banner> : null}
      {load.status === 'failed' ? (
        <Banner>
          <p>{t.issue.loadFailed(load.message)}</p>
          <button type="button" className="btn btn--small" onClick={() => setAttempt((n) => n + 1)}>
            {t.common.tryAgain}
          </button>
        </Banner>
      ) : null}
      <Field id="issue-name" label={t.fields.name} error={errors.fields.customerName}>
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
      <Field id="issue-company" label={t.fields.company} note={t.common.optional} error={errors.fields.customerCompany}>
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="organization"
            maxLength={100}
            value={company}
            onChange={(e) => {
              setCompany(e.target.value);
              forget('customerCompany');
            }}
          />
        )}
      </Field>
      <Field id="issue-code" label={t.issue.issue} error={errors.fields.issueCode}>
        {(control) => (
          <>
            <select
              {...control}
              required
              value={issueCode}
              disabled={load.status !== 'ready'}
              onChange={(e) => {
                setIssueCode(e.target.value);
                forget('issueCode');
              }}
            >
              <option value="" disabled>
                {load.status === 'loading' ? t.issue.loading : t.issue.choose}
              </option>
              {issues.map((issue) => (
                <option key={issue.code} value={issue.code}>
                  {issue.title}
                </option>
              ))}
            </select>
            {chosen?.description ? <p className="issue-description">{chosen.description}</p> : null}
          </>
        )}
      </Field>
      <Field
        id="issue-details"
        label={t.fields.details}
        note={t.common.optional}
        hint={t.issue.detailsHint}
        error={errors.fields.details}
      >
        {(control) => (
          <textarea
            {...control}
            rows={4}
            value={details}
            onChange={(e) => {
              setDetails(e.target.value);
              forget('details');
            }}
          />
        )}
      </Field>
      {load.status === 'ready' && issues.length === 0 ? (
        <p className="muted">{t.issue.none}</p>
      ) : null}
      <button type="submit" className="btn btn--primary btn--block" disabled={busy || issues.length === 0}>
        {busy ? t.issue.busy : t.issue.submit}
      </button>
    </form>
  );
}
