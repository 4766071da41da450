/**
 * C5: the click-to-chat widget. On a customer's web site it is a "Chat with us" button
 * that opens a chat panel (`floating`); on the Lobby's own /chat/ page it fills the page
 * (`page`). Either way: who the link leads to, a start form, then the same waiting page,
 * chat and end as the portal. The customer token is kept per link in sessionStorage, so a
 * reload of the host page within the grace period finds the same chat (L3).
 *
 * Browser sharing (docs/cobrowse.md), in the floating widget only (the /chat/ page is the
 * Lobby's own, with no customer's page to share): a rep's request opens the panel with a
 * consent prompt; while sharing is on, a banner across the page says so and stops it with
 * one click.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StartedSession } from '../shared/api-types.js';
import { I18nProvider, LanguageSwitch, useI18n, type Lang } from '../shared/i18n/i18n.js';
import { CustomerSession } from '../portal/customer-session.js';
import { forgetCustomerToken, readCustomerToken, saveCustomerToken } from '../portal/customer-token.js';
import { LinkStart } from '../portal/link-start.js';
import { CobrowseBanner, CobrowseNoticeView, CobrowsePrompt } from './cobrowse-ui.js';
import { useCobrowse, type Cobrowse } from './use-cobrowse.js';

interface ChatWidgetProps {
  /** The Lobby's origin; null when the page is the Lobby's own. */
  baseUrl: string | null;
  linkToken: string;
  mode: 'floating' | 'page';
  /** Where the language goes: <html lang> on the Lobby's page, the widget's own root elsewhere. */
  onLanguage?(lang: Lang): void;
}

export function ChatWidget(props: ChatWidgetProps) {
  return (
    <I18nProvider {...(props.onLanguage ? { onLanguage: props.onLanguage } : {})}>
      {props.mode === 'page' ? <ChatPage {...props} /> : <FloatingChat {...props} />}
    </I18nProvider>
  );
}

function useChatToken(linkToken: string) {
  const key = `lobby.chat.${linkToken}`;
  const [token, setToken] = useState<string | null>(() => readCustomerToken(key));
  const started = useCallback(
    (session: StartedSession) => {
      saveCustomerToken(session.customerToken, key);
      setToken(session.customerToken);
    },
    [key],
  );
  const finished = useCallback(() => {
    forgetCustomerToken(key);
    setToken(null);
  }, [key]);
  return { token, started, finished };
}

type ChatToken = ReturnType<typeof useChatToken>;

/** `cobrowse`: null on the Lobby's own chat page, which has no customer's web page to share. */
function ChatBody(props: { baseUrl: string | null; linkToken: string; level: 1 | 2; chat: ChatToken; cobrowse: Cobrowse | null }) {
  const { baseUrl, linkToken, level, chat, cobrowse } = props;
  const { t } = useI18n();
  const { token, started, finished } = chat;
  if (token) {
    return (
      <>
        {cobrowse ? <CobrowsePrompt cobrowse={cobrowse} /> : null}
        {cobrowse ? <CobrowseNoticeView cobrowse={cobrowse} /> : null}
        <CustomerSession token={token} baseUrl={baseUrl} variant={level === 1 ? 'page' : 'widget'} onFinished={finished} />
      </>
    );
  }
  const texts = { title: level === 1 ? t.widget.title : t.widget.startTitle, intro: t.widget.intro, detailsLabel: t.widget.question, submit: t.widget.start, busy: t.widget.starting };
  return <LinkStart path={`/api/chat/links/${encodeURIComponent(linkToken)}`} baseUrl={baseUrl} texts={texts} level={level} onStarted={started} />;
}

function ChatPage({ baseUrl, linkToken }: ChatWidgetProps) {
  const { t } = useI18n();
  const chat = useChatToken(linkToken);
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
        <ChatBody baseUrl={baseUrl} linkToken={linkToken} level={1} chat={chat} cobrowse={null} />
      </main>
    </>
  );
}

/** The launcher and its panel. A closed panel stays mounted, so the chat stays connected. */
function FloatingChat({ baseUrl, linkToken }: ChatWidgetProps) {
  const { t } = useI18n();
  const chat = useChatToken(linkToken);
  const cobrowse = useCobrowse(baseUrl, chat.token);
  const [open, setOpen] = useState(() => readCustomerToken(`lobby.chat.${linkToken}`) !== null);
  const [opened, setOpened] = useState(open);
  // A rep asks to see the page: the customer must see the question, so the panel opens.
  useEffect(() => {
    if (cobrowse.status !== 'requested') return;
    setOpen(true);
    setOpened(true);
  }, [cobrowse.status]);
  const sharing = cobrowse.status === 'sharing';
  return (
    <>
      <CobrowseBanner cobrowse={cobrowse} />
      {!open ? (
        <button
          type="button"
          className="lw-launcher"
          onClick={() => {
            setOpen(true);
            setOpened(true);
          }}
        >
          <svg className="lw-launcher__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path
              fill="currentColor"
              fillRule="evenodd"
              d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-4.5 3.6A.9.9 0 0 1 3 20.9V6a2 2 0 0 1 1-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"
            />
          </svg>
          {t.widget.launcher}
        </button>
      ) : null}
      {opened ? (
        <section className={sharing ? 'lw-panel lw-panel--under-banner' : 'lw-panel'} role="dialog" aria-label={t.widget.title} hidden={!open}>
          <div className="lw-panel__head">
            <span className="lw-panel__title">{t.widget.title}</span>
            <LanguageSwitch />
            <button type="button" className="lw-close" aria-label={t.widget.close} onClick={() => setOpen(false)}>
              ×
            </button>
          </div>
          <div className="lw-panel__body">
            <ChatBody baseUrl={baseUrl} linkToken={linkToken} level={2} chat={chat} cobrowse={cobrowse} />
          </div>
        </section>
      ) : null}
    </>
  );
}
