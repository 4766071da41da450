/**
 * What the customer sees of browser sharing (docs/cobrowse.md): the request, with what it
 * means, in the chat panel; while sharing, a banner across the top of the page with one
 * button that stops it; and a sentence when sharing ended without their click.
 */
import { useI18n } from '../shared/i18n/i18n.js';
import type { Cobrowse } from './use-cobrowse.js';

/** The consent prompt, inside the panel. */
export function CobrowsePrompt({ cobrowse }: { cobrowse: Cobrowse }) {
  const { t } = useI18n();
  if (cobrowse.status !== 'requested') return null;
  return (
    <section className="lw-cobrowse-ask" role="alertdialog" aria-labelledby="lw-cobrowse-ask-title" aria-describedby="lw-cobrowse-ask-text">
      <h2 id="lw-cobrowse-ask-title">{t.cobrowse.askTitle}</h2>
      <p id="lw-cobrowse-ask-text" role="alert">
        {t.cobrowse.ask(cobrowse.requestedBy)}
      </p>
      <p className="muted lw-cobrowse-ask__details">{t.cobrowse.askDetails}</p>
      <div className="actions">
        <button type="button" className="btn btn--primary" onClick={cobrowse.consent}>
          {t.cobrowse.allow}
        </button>
        <button type="button" className="btn" onClick={cobrowse.decline}>
          {t.cobrowse.deny}
        </button>
      </div>
    </section>
  );
}

/** Across the top of the host page while sharing is on, whether the panel is open or not. */
export function CobrowseBanner({ cobrowse }: { cobrowse: Cobrowse }) {
  const { t } = useI18n();
  if (cobrowse.status !== 'sharing') return null;
  return (
    <div className="lw-share-banner" role="region" aria-label={t.cobrowse.region}>
      <span className="lw-share-banner__dot" aria-hidden="true" />
      <p className="lw-share-banner__text" role="status">
        <strong>{t.cobrowse.sharing(cobrowse.requestedBy)}</strong> <span className="lw-share-banner__hint">{t.cobrowse.sharingHint}</span>
      </p>
      <button type="button" className="lw-share-banner__stop" onClick={cobrowse.stop}>
        {t.cobrowse.stop}
      </button>
    </div>
  );
}

/** Why sharing ended, in the panel, until dismissed. */
export function CobrowseNoticeView({ cobrowse }: { cobrowse: Cobrowse }) {
  const { t } = useI18n();
  if (!cobrowse.notice || cobrowse.status === 'sharing' || cobrowse.status === 'requested') return null;
  const text = t.cobrowse[cobrowse.notice];
  return (
    <div className={`banner banner--${cobrowse.notice === 'stopped' ? 'info' : 'error'}`} role={cobrowse.notice === 'stopped' ? 'status' : 'alert'}>
      <div className="banner__text">{text}</div>
      <button type="button" className="btn btn--quiet btn--small" onClick={cobrowse.dismissNotice}>
        {t.common.dismiss}
      </button>
    </div>
  );
}
