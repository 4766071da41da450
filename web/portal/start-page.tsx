import type { StartedSession } from '../shared/api-types.js';
import { useI18n } from '../shared/i18n/i18n.js';
import { IssueForm } from './issue-form.js';
import { RepListForm } from './rep-list-form.js';
import { SessionKeyForm } from './session-key-form.js';

interface StartPageProps {
  onStarted(session: StartedSession): void;
}

/** Digits from `?key=` (the URL a rep hands out with a session key), if any. */
function keyFromUrl(): string {
  const raw = new URLSearchParams(window.location.search).get('key') ?? '';
  return raw.replace(/\D/g, '').slice(0, 7);
}

/** The portal's three ways in: a session key (C1), the representative list (C2), the issue form (C3). */
export function StartPage({ onStarted }: StartPageProps) {
  const { t } = useI18n();
  const presetKey = keyFromUrl();
  const keyForm = <SessionKeyForm initialKey={presetKey} onStarted={onStarted} />;
  const issueForm = <IssueForm onStarted={onStarted} />;
  const or = <p className="or-divider">{t.common.or}</p>;
  return (
    <>
      <div className="page-intro">
        <h1>{t.start.title}</h1>
        <p>{t.start.intro}</p>
      </div>
      {presetKey ? keyForm : issueForm}
      {or}
      {presetKey ? issueForm : keyForm}
      {/* Shown only when the list is (C2: hidden while nobody is listed). */}
      <p className="or-divider rep-list-divider">{t.common.or}</p>
      <RepListForm onStarted={onStarted} />
    </>
  );
}
