import { useState, type FormEvent } from 'react';
import type { AdminClient } from './admin-client.js';
import { skillTree, type AdminData } from './admin-data.js';
import type { ChangeResult, Issue, SiteConfig } from './admin-types.js';
import { Check, NumberInput, SelectInput, TextArea, TextInput, cleanNumbers } from './form-fields.js';
import { SaveFeedback, useSave } from './use-save.js';

interface PageProps {
  client: AdminClient;
  data: AdminData;
  config: SiteConfig;
}

/** Issues (C3): what customers pick on the portal, with owning team, skills and priority. */
export function IssuesPage({ client, data, config }: PageProps) {
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const issue = config.issues.find((i) => i.code === selected) ?? null;
  const teamName = (id: string) => config.teams.find((t) => t.id === id)?.name ?? id;

  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="issues-title">
        <div className="card__head">
          <h1 id="issues-title">Issues</h1>
          <button
            type="button"
            className="btn btn--primary btn--small"
            onClick={() => {
              setCreating(true);
              setSelected(null);
              setFormKey((k) => k + 1);
            }}
          >
            New issue
          </button>
        </div>
        <ul className="entity-list" aria-label="Issues">
          {config.issues.map((i) => (
            <li key={i.code} className={i.code === selected ? 'entity-item entity-item--selected' : 'entity-item'}>
              <div className="entity-item__body">
                <div className="entity-item__title">{i.title}</div>
                <p className="entity-item__line">
                  {i.code} · {teamName(i.team)} · priority {i.priority}
                  {i.skills.length > 0 ? ` · needs ${i.skills.join(', ')}` : ''}
                </p>
                <p className="entity-item__line">{i.showOnPortal ? <span className="badge badge--success">on the portal</span> : <span className="badge">API and buttons only</span>}</p>
              </div>
              <button
                type="button"
                className="btn btn--small"
                aria-label={`Edit ${i.title}`}
                onClick={() => {
                  setSelected(i.code);
                  setCreating(false);
                  setFormKey((k) => k + 1);
                }}
              >
                Edit
              </button>
            </li>
          ))}
        </ul>
      </section>
      {creating || issue ? (
        <IssueForm
          key={formKey}
          client={client}
          config={config}
          issue={creating ? null : issue}
          onSaved={async (code) => {
            await data.reload();
            setCreating(false);
            setSelected(code);
          }}
        />
      ) : (
        <p className="muted">Choose an issue to edit, or create one.</p>
      )}
    </div>
  );
}

function IssueForm({ client, config, issue, onSaved }: { client: AdminClient; config: SiteConfig; issue: Issue | null; onSaved(code: string | null): Promise<void> }) {
  const save = useSave();
  const [code, setCode] = useState(issue?.code ?? '');
  const [title, setTitle] = useState(issue?.title ?? '');
  const [description, setDescription] = useState(issue?.description ?? '');
  const [team, setTeam] = useState(issue?.team ?? config.teams[0]?.id ?? '');
  const [skills, setSkills] = useState<string[]>(issue?.skills ?? []);
  const [priority, setPriority] = useState(issue?.priority ?? 0);
  const [shown, setShown] = useState(issue?.showOnPortal ?? true);
  const [adding, setAdding] = useState('');
  const prefix = issue ? `issue-${issue.code}` : 'issue-new';
  const skillName = (id: string) => config.skills.find((s) => s.id === id)?.name ?? id;
  const move = (i: number, by: number) => {
    const next = [...skills];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    setSkills(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = cleanNumbers({ title, description, team, skills, priority, showOnPortal: shown });
    const result = issue
      ? await save.run(() => client.patch<ChangeResult>(`/api/admin/issues/${issue.code}`, body), 'Saved. New sessions for this issue follow it.')
      : await save.run(() => client.post<ChangeResult>('/api/admin/issues', { ...body, code: code.trim() }), 'Issue created.');
    if (result) await onSaved(issue?.code ?? code.trim());
  };

  const remove = async () => {
    if (!issue) return;
    if (await save.run(() => client.delete<ChangeResult>(`/api/admin/issues/${issue.code}`), 'Issue deleted.')) await onSaved(null);
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{issue ? `Edit ${issue.title}` : 'New issue'}</h2>
      <SaveFeedback save={save} />
      {issue ? null : <TextInput id={`${prefix}-code`} label="Code name" hint="Lowercase letters, digits, - _" value={code} onChange={setCode} error={save.fieldError('code')} />}
      <TextInput id={`${prefix}-title-input`} label="Title" value={title} onChange={setTitle} error={save.fieldError('title')} />
      <TextArea id={`${prefix}-description`} label="Description" note="optional" value={description} onChange={setDescription} error={save.fieldError('description')} />
      <div className="row">
        <SelectInput
          id={`${prefix}-team`}
          label="Owning team"
          value={team}
          options={config.teams.map((t) => ({ value: t.id, label: `${t.name}${t.kind === 'embassy' ? ' (embassy)' : ''}` }))}
          onChange={setTeam}
          error={save.fieldError('team')}
        />
        <NumberInput id={`${prefix}-priority`} label="Priority" hint="−100 to 100; higher is served first (Q4)" min={-100} max={100} value={priority} onChange={setPriority} error={save.fieldError('priority')} />
      </div>
      <fieldset>
        <legend>Required skills, most important first (E8)</legend>
        {skills.length === 0 ? <p className="muted">None: every rep of the team fits.</p> : null}
        <ol className="plain-list">
          {skills.map((s, i) => (
            <li key={s}>
              <div className="inline-row">
                <span style={{ flex: 1 }}>{skillName(s)}</span>
                <button type="button" className="btn btn--quiet btn--small" aria-label={`Move ${skillName(s)} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button type="button" className="btn btn--quiet btn--small" aria-label={`Move ${skillName(s)} down`} disabled={i === skills.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </button>
                <button type="button" className="btn btn--quiet btn--small" aria-label={`Remove ${skillName(s)}`} onClick={() => setSkills(skills.filter((x) => x !== s))}>
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ol>
        <div className="inline-row">
          <select aria-label="Add a required skill" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Add a skill…</option>
            {skillTree(config)
              .filter((s) => !skills.includes(s.id))
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {`${'· '.repeat(s.depth)}${s.name}`}
                </option>
              ))}
          </select>
          <button
            type="button"
            className="btn btn--small"
            disabled={adding === ''}
            onClick={() => {
              setSkills([...skills, adding]);
              setAdding('');
            }}
          >
            Add
          </button>
        </div>
        {save.error?.path?.startsWith('skills') ? <p className="field__error">{save.error.message}</p> : null}
      </fieldset>
      <Check id={`${prefix}-portal`} label="Show on the portal’s issue form (C3)" checked={shown} onChange={setShown} />
      <div className="actions">
        <button type="submit" className="btn btn--primary" disabled={save.busy}>
          {issue ? 'Save issue' : 'Create issue'}
        </button>
        {issue ? (
          <button type="button" className="btn btn--danger" disabled={save.busy} onClick={() => void remove()}>
            Delete issue
          </button>
        ) : null}
      </div>
    </form>
  );
}
