import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson, postJson } from '../shared/api.js';
import type { StartedSession } from '../shared/api-types.js';
import type { PublicLink } from '../shared/customer-types.js';
import { Banner } from '../shared/banner.js';
import { Field } from '../shared/field.js';
import { useFormErrors } from '../shared/form-errors.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { localizeError } from '../shared/i18n/localize-error.js';
import { Heading } from './session-views.js';

const FIELDS = ['customerName', 'details'] as const;

type Load = { status: 'loading' } | { status: 'ready'; link: PublicLink } | { status: 'expired' } | { status: 'invalid' } | { status: 'failed'; error: unknown };

export interface LinkStartTexts {
  title: string;
  intro(target: string | null): string;
  detailsLabel: string;
  submit: string;
  busy: string;
}

interface LinkStartProps {
  /** `/api/portal/buttons/<token>` or `/api/chat/links/<token>`; sessions start at `<path>/sessions`. */
  path: string;
  texts: LinkStartTexts;
  onStarted(session: StartedSession): void;
  /** Back to the portal's start page; without it the dead-link page offers no way on. */
  onLeave?: () => void;
  baseUrl?: string | null;
  level?: 1 | 2;
}

/** C4: the page a support button opens. */
export function ButtonStart({ token, onStarted, onLeave }: { token: string; onStarted(session: StartedSession): void; onLeave(): void }) {
  const { t } = useI18n();
  const texts = { ...t.button, detailsLabel: t.fields.details };
  return <LinkStart path={`/api/portal/buttons/${encodeURIComponent(token)}`} texts={texts} onStarted={onStarted} onLeave={onLeave} />;
}

/**
 * C4, C5: following a support button or a click-to-chat link shows who the customer will
 * reach and one button to start; a link past its lifetime shows "This link has expired".
 * The session starts on the click, not on loading the page, so that link previews and
 * prefetching start nothing.
 */
export function LinkStart({ path, texts, onStarted, onLeave, baseUrl = null, level = 1 }: LinkStartProps) {
  const { t } = useI18n();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [name, setName] = useState('');
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const { errors, show, clear, forget } = useFormErrors(FIELDS);

  useEffect(() => {
    const abort = new AbortController();
    getJson<{ link: PublicLink }>(path, { signal: abort.signal, baseUrl })
      .then(({ link }) => setLoad({ status: 'ready', link }))
      .catch((err: unknown) => {
        if (abort.signal.aborted) return;
        if (err instanceof ApiError && err.code === 'link_expired') setLoad({ status: 'expired' });
        else if (err instanceof ApiError && err.status === 404) setLoad({ status: 'invalid' });
        else setLoad({ status: 'failed', error: err });
      });
    return () => abort.abort();
  }, [path, baseUrl]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    clear();
    try {
      const body = {
        ...(name.trim() ? { customerName: name.trim() } : {}),
        ...(details.trim() ? { details: details.trim() } : {}),
      };
      const started = await postJson<StartedSession>(`${path}/sessions`, body, { baseUrl });
      onStarted(started);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'link_expired') setLoad({ status: 'expired' });
      else show(localizeError(err, t, { customerName: name, details }));
      setBusy(false);
    }
  };

  if (load.status === 'loading') {
    return (
      <p className="muted" role="status">
        {t.button.loading}
      </p>
    );
  }
  if (load.status === 'expired' || load.status === 'invalid') {
    const expired = load.status === 'expired';
    return (
      <section className="card stack" aria-labelledby="link-dead-title">
        <div>
          <Heading level={level} id="link-dead-title">
            {expired ? t.button.expiredTitle : t.button.invalidTitle}
          </Heading>
          <p>{expired ? t.button.expiredText : t.button.invalidText}</p>
        </div>
        {onLeave ? (
          <button type="button" className="btn btn--primary btn--block" onClick={onLeave}>
            {t.button.toPortal}
          </button>
        ) : null}
      </section>
    );
  }
  if (load.status === 'failed') {
    return <Banner dismissLabel={t.common.dismiss}>{localizeError(load.error, t).message}</Banner>;
  }
  return (
    <form className="card" aria-labelledby="link-start-title" onSubmit={(e) => void submit(e)} noValidate>
      <Heading level={level} id="link-start-title">
        {texts.title}
      </Heading>
      <p className="lead">{texts.intro(load.link.targetName)}</p>
      {errors.banner ? <Banner dismissLabel={t.common.dismiss}>{errors.banner}</Banner> : null}
      <Field id="link-name" label={t.fields.name} note={t.common.optional} error={errors.fields.customerName}>
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
      <Field id="link-details" label={texts.detailsLabel} note={t.common.optional} error={errors.fields.details}>
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
        {busy ? texts.busy : texts.submit}
      </button>
    </form>
  );
}
