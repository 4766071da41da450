import { useState, type FormEvent } from 'react';
import { Banner } from '../shared/banner.js';
import type { AdminClient, ConfigIssue } from './admin-client.js';
import { AdminApiError } from './admin-client.js';
import type { AdminData } from './admin-data.js';
import type { ChangeResult } from './admin-types.js';
import { SaveFeedback, useSave } from './use-save.js';

interface ImportResult extends ChangeResult {
  summary: { users: number; teams: number; skills: number; issues: number; usersCreated: string[]; usersDisabled: string[]; teamsRemoved: string[] };
}

function where(issue: ConfigIssue): string {
  const line = issue.line !== undefined ? ` (line ${issue.line}${issue.path === '' && issue.column !== undefined ? `, column ${issue.column}` : ''})` : '';
  return `${issue.path === '' ? 'file' : issue.path}${line}`;
}

/** The whole configuration as one YAML file (SPEC I3): download, and all-or-nothing upload. */
export function ConfigFilePage({ client, data }: { client: AdminClient; data: AdminData }) {
  const save = useSave();
  const [yaml, setYaml] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    const done = await save.run(() => client.post<ImportResult>('/api/admin/config/import', { yaml }), 'Imported. The new configuration is in force.');
    if (done) {
      setResult(done);
      await data.reload();
    }
  };

  const issues = save.error instanceof AdminApiError ? save.error.issues : [];
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="export-title">
        <h1 id="export-title">Export</h1>
        <p>The whole site configuration as one YAML file: every setting written out; passwords only as hashes.</p>
        <a className="btn btn--primary" href="/api/admin/config/export" download="lobby-site.yaml">
          Download YAML
        </a>
      </section>
      <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="import-title">
        <h2 id="import-title">Import</h2>
        <p className="muted">The file replaces the configuration, all or nothing: with any error, nothing changes.</p>
        {issues.length > 0 ? (
          <Banner>
            <strong>Nothing was imported: fix {issues.length === 1 ? 'this problem' : `these ${issues.length} problems`} and try again.</strong>
            <ul className="error-list" aria-label="Problems in the file">
              {issues.map((i) => (
                <li key={`${i.path}:${i.line ?? ''}:${i.message}`}>
                  {where(i)}: {i.message}
                </li>
              ))}
            </ul>
          </Banner>
        ) : (
          <SaveFeedback save={save} />
        )}
        {result ? (
          <p role="status">
            {result.changes.length} change(s): {result.summary.users} users, {result.summary.teams} teams, {result.summary.skills} skills, {result.summary.issues} issues.
            {result.summary.usersCreated.length > 0 ? ` Created ${result.summary.usersCreated.join(', ')}.` : ''}
            {result.summary.usersDisabled.length > 0 ? ` Disabled ${result.summary.usersDisabled.join(', ')}.` : ''}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="import-file">YAML file</label>
          <input
            id="import-file"
            type="file"
            accept=".yaml,.yml,application/yaml,text/yaml"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              setFileName(file.name);
              void file.text().then(setYaml);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="import-text">Or paste it here</label>
          <textarea id="import-text" rows={10} spellCheck={false} value={yaml} onChange={(e) => setYaml(e.target.value)} />
        </div>
        <button type="submit" className="btn btn--primary" disabled={save.busy || yaml.trim() === ''}>
          {fileName ? `Import ${fileName}` : 'Import'}
        </button>
      </form>
    </div>
  );
}
