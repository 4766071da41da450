import { useCallback, useState } from 'react';
import type { StartedSession } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { I18nProvider, LanguageSwitch, useI18n, type Lang } from '../shared/i18n/i18n.js';
import { ButtonStart } from './link-start.js';
import { CustomerSession } from './customer-session.js';
import { forgetCustomerToken, readCustomerToken, saveCustomerToken } from './customer-token.js';
import { StartPage } from './start-page.js';

/** `?button=<token>`: the portal was opened by a support button (C4, via /b/<token>). */
function buttonFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get('button');
}

function setDocumentLanguage(lang: Lang): void {
  document.documentElement.lang = lang;
}

/** The public portal: start a session (key, rep list, issue form or button), then wait and chat. */
export function PortalApp() {
  return (
    <I18nProvider onLanguage={setDocumentLanguage}>
      <Portal />
    </I18nProvider>
  );
}

function Portal() {
  const { t } = useI18n();
  const [token, setToken] = useState<string | null>(() => readCustomerToken());
  const [button, setButton] = useState<string | null>(buttonFromUrl);
  const [notice, setNotice] = useState<string | null>(null);

  const started = useCallback((session: StartedSession) => {
    saveCustomerToken(session.customerToken);
    setNotice(null);
    setToken(session.customerToken);
  }, []);

  const finished = useCallback((message: string | null) => {
    forgetCustomerToken();
    setNotice(message);
    setToken(null);
    setButton(null);
    // A new request starts from the portal itself, not from the button it came by.
    if (window.location.search) window.history.replaceState(null, '', window.location.pathname);
  }, []);

  let body;
  if (token) body = <CustomerSession token={token} onFinished={finished} />;
  else if (button) body = <ButtonStart token={button} onStarted={started} onLeave={() => finished(null)} />;
  else body = <StartPage onStarted={started} />;

  return (
    <>
      <header className="app-header app-header--customer">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            L
          </span>
          {t.common.brand}
        </span>
        <LanguageSwitch />
      </header>
      <main className="page">
        {notice ? (
          <Banner kind="info" onDismiss={() => setNotice(null)} dismissLabel={t.common.dismiss}>
            {notice}
          </Banner>
        ) : null}
        {body}
      </main>
    </>
  );
}
