import { useState, type FormEvent } from 'react';
import type { AdminClient } from './admin-client.js';
import { skillTree, type AdminData } from './admin-data.js';
import type { ChangeResult, SiteConfig } from './admin-types.js';
import { SelectInput, TextInput } from './form-fields.js';
import { SaveFeedback, useSave } from './use-save.js';

interface PageProps {
  client: AdminClient;
  data: AdminData;
  config: SiteConfig;
}

/**
 * The skills tree (E8): add, rename, move, rank the root skills. Rep skill levels are set on
 * each user's page.
 */
export function SkillsPage({ client, data, config }: PageProps) {
  const save = useSave();
  const tree = skillTree(config);
  const roots = tree.filter((s) => s.parent === null);
  const [editing, setEditing] = useState<string | null>(null);

  const change = async (work: () => Promise<ChangeResult>, done: string) => {
    if (await save.run(work, done)) {
      await data.reload();
      setEditing(null);
    }
  };
  const patch = (id: string, body: unknown, done: string) => change(() => client.patch(`/api/admin/skills/${id}`, body), done);

  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="skills-title">
        <h1 id="skills-title">Skills</h1>
        <p className="muted">Root skills are ranked: the first is the most important when no rep holds every required skill (E8).</p>
        <SaveFeedback save={save} />
        {tree.length === 0 ? <p className="muted">No skills yet.</p> : null}
        <ul className="entity-list" aria-label="Skills tree">
          {tree.map((s) => {
            const rank = s.parent === null ? roots.findIndex((r) => r.id === s.id) + 1 : null;
            return (
              <li key={s.id} className="skill-row" style={{ paddingLeft: `${s.depth * 1.25}rem` }}>
                {editing === s.id ? (
                  <SkillEditor
                    key={s.id}
                    config={config}
                    skill={s}
                    onCancel={() => setEditing(null)}
                    onSave={(body) => patch(s.id, body, `Saved ${s.name}.`)}
                  />
                ) : (
                  <>
                    <span className="skill-row__name">
                      {rank !== null ? <span className="badge badge--accent">#{rank}</span> : null} {s.name} <span className="muted">({s.id})</span>
                    </span>
                    {rank !== null ? (
                      <>
                        <button type="button" className="btn btn--quiet btn--small" aria-label={`Rank ${s.name} higher`} disabled={rank === 1} onClick={() => void patch(s.id, { rank: rank - 1 }, `${s.name} ranked #${rank - 1}.`)}>
                          ↑
                        </button>
                        <button type="button" className="btn btn--quiet btn--small" aria-label={`Rank ${s.name} lower`} disabled={rank === roots.length} onClick={() => void patch(s.id, { rank: rank + 1 }, `${s.name} ranked #${rank + 1}.`)}>
                          ↓
                        </button>
                      </>
                    ) : null}
                    <button type="button" className="btn btn--small" aria-label={`Edit ${s.name}`} onClick={() => setEditing(s.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn btn--quiet btn--small"
                      aria-label={`Delete ${s.name}`}
                      onClick={() => void change(() => client.delete(`/api/admin/skills/${s.id}`), `Deleted ${s.name}.`)}
                    >
                      Delete
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <NewSkillForm client={client} config={config} onSaved={data.reload} />
    </div>
  );
}

function parentOptions(config: SiteConfig, except?: string) {
  return [{ value: '', label: '— none: a root skill —' }, ...skillTree(config).filter((s) => s.id !== except).map((s) => ({ value: s.id, label: `${'· '.repeat(s.depth)}${s.name}` }))];
}

function SkillEditor({
  config,
  skill,
  onSave,
  onCancel,
}: {
  config: SiteConfig;
  skill: { id: string; name: string; parent: string | null };
  onSave(body: { name: string; parent: string | null }): Promise<void>;
  onCancel(): void;
}) {
  const [name, setName] = useState(skill.name);
  const [parent, setParent] = useState(skill.parent ?? '');
  return (
    <div className="skill-row__name">
      <TextInput id={`skill-${skill.id}-name`} label="Name" value={name} onChange={setName} />
      <SelectInput id={`skill-${skill.id}-parent`} label="Parent" value={parent} options={parentOptions(config, skill.id)} onChange={setParent} />
      <div className="actions">
        <button type="button" className="btn btn--primary btn--small" onClick={() => void onSave({ name, parent: parent === '' ? null : parent })}>
          Save skill
        </button>
        <button type="button" className="btn btn--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function NewSkillForm({ client, config, onSaved }: { client: AdminClient; config: SiteConfig; onSaved(): Promise<void> }) {
  const save = useSave();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { id: id.trim(), name, ...(parent !== '' ? { parent } : {}) };
    if (await save.run(() => client.post<ChangeResult>('/api/admin/skills', body), `Added ${name}.`)) {
      setId('');
      setName('');
      await onSaved();
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="new-skill-title">
      <h2 id="new-skill-title">Add a skill</h2>
      <SaveFeedback save={save} />
      <TextInput id="skill-new-id" label="Id" hint="Lowercase letters, digits, - _" value={id} onChange={setId} error={save.fieldError('id')} />
      <TextInput id="skill-new-name" label="Name" value={name} onChange={setName} error={save.fieldError('name')} />
      <SelectInput id="skill-new-parent" label="Parent" hint="A root skill is added last in rank" value={parent} options={parentOptions(config)} onChange={setParent} error={save.fieldError('parent')} />
      <button type="submit" className="btn btn--primary" disabled={save.busy}>
        Add skill
      </button>
    </form>
  );
}
