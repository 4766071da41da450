import { useCallback, useState } from 'react';
import type { StartedSession } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import { CustomerSession } from './customer-session.js';
import { forgetCustomerToken, readCustomerToken, saveCustomerToken } from './customer-token.js';
import { StartPage } from './start-page.js';

/** The public portal: start a session (issue form or session key), then wait and chat. */
export function PortalApp() {
  const [token, setToken] = useState<string | null>(() => readCustomerToken());
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
  }, []);

  return (
    <>
      <header className="app-header">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            L
          </span>
          Support
        </span>
      </header>
      <main className="page">
        {notice ? (
          <Banner kind="info" onDismiss={() => setNotice(null)}>
            {notice}
          </Banner>
        ) : null}
        {token ? <CustomerSession token={token} onFinished={finished} /> : <StartPage onStarted={started} />}
      </main>
    </>
  );
}
