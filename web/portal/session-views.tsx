/** What a customer sees of their session: waiting (Q9), chat, and the end (L3). */
import type { ReactNode } from 'react';
import type { Message } from '../shared/api-types.js';
import type { CustomerView } from '../shared/customer-types.js';
import { ChatLog } from '../shared/chat.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { useNow } from '../shared/use-now.js';

/** Pages use h1; the widget, a part of someone else's page, uses h2. */
export function Heading({ level, id, children }: { level: 1 | 2; id: string; children: ReactNode }) {
  return level === 1 ? <h1 id={id}>{children}</h1> : <h2 id={id}>{children}</h2>;
}

/** Q9: the estimate counts down from when the snapshot arrived; the server refreshes it on every change. */
function EstimatedWait({ estimatedWaitMs, receivedAt }: { estimatedWaitMs: number | null; receivedAt: number }) {
  const { t } = useI18n();
  const now = useNow(15_000);
  if (estimatedWaitMs === null) return null;
  const left = Math.max(0, estimatedWaitMs - Math.max(0, now - receivedAt));
  return (
    <p className="estimate" data-testid="estimated-wait">
      {t.session.estimate(left)}
    </p>
  );
}

export function SiteNotice({ text }: { text: string }) {
  const { t } = useI18n();
  if (!text.trim()) return null;
  return (
    <aside className="notice" aria-label={t.session.notice}>
      {text}
    </aside>
  );
}

export function WaitingView({ session, receivedAt, level }: { session: CustomerView; receivedAt: number; level: 1 | 2 }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="waiting-title">
      <Heading level={level} id="waiting-title">
        {t.session.waitingTitle}
      </Heading>
      <div className="queue-place" role="status">
        {session.position !== null ? (
          <>
            <span className="queue-place__number" aria-hidden="true">
              {session.position}
            </span>
            <p>
              <strong>{session.position === 1 ? t.session.next : t.session.number(session.position)}</strong>
              <br />
              <span className="muted">{session.queueName ? t.session.queue(session.queueName) : null}</span>
            </p>
          </>
        ) : (
          <p>
            <span className="waiting-pulse" aria-hidden="true" />
            {t.session.waiting}
          </p>
        )}
      </div>
      <EstimatedWait estimatedWaitMs={session.estimatedWaitMs} receivedAt={receivedAt} />
      <SiteNotice text={session.notice} />
      <p>
        <span className="waiting-pulse" aria-hidden="true" />
        {t.session.keepOpen}
      </p>
    </section>
  );
}

export function EndedView({
  session,
  messages,
  level,
  newLabel,
  onNew,
}: {
  session: CustomerView;
  messages: readonly Message[];
  level: 1 | 2;
  newLabel: string;
  onNew(): void;
}) {
  const { t } = useI18n();
  const why = (session.endReason && t.session.ended[session.endReason]) ?? t.session.endedOther;
  return (
    <section className="card stack" aria-labelledby="ended-title">
      <div>
        <Heading level={level} id="ended-title">
          {t.session.endedTitle}
        </Heading>
        <p role="status">{why}</p>
      </div>
      {messages.length > 0 ? (
        <ChatLog messages={messages} self="customer" label={t.session.conversation} emptyText="" selfName={t.session.you} />
      ) : null}
      <button type="button" className="btn btn--primary btn--block" onClick={onNew}>
        {newLabel}
      </button>
    </section>
  );
}
