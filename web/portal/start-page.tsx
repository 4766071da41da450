import type { StartedSession } from '../shared/api-types.js';
import { IssueForm } from './issue-form.js';
import { SessionKeyForm } from './session-key-form.js';

interface StartPageProps {
  onStarted(session: StartedSession): void;
}

/** Digits from `?key=` (the URL a rep hands out with a session key), if any. */
function keyFromUrl(): string {
  const raw = new URLSearchParams(window.location.search).get('key') ?? '';
  return raw.replace(/\D/g, '').slice(0, 7);
}

export function StartPage({ onStarted }: StartPageProps) {
  const presetKey = keyFromUrl();
  const keyForm = <SessionKeyForm initialKey={presetKey} onStarted={onStarted} />;
  const issueForm = <IssueForm onStarted={onStarted} />;
  return (
    <>
      <div className="page-intro">
        <h1>Get support</h1>
        <p>Tell us what you need and a support representative will chat with you.</p>
      </div>
      {presetKey ? keyForm : issueForm}
      <p className="or-divider">or</p>
      {presetKey ? issueForm : keyForm}
    </>
  );
}
