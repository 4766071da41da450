import { useState, type FormEvent } from 'react';
import type { AdminClient } from './admin-client.js';
import { queueOptions, type AdminData } from './admin-data.js';
import type { ChangeResult, QueueSettings, Role, SiteConfig, Team } from './admin-types.js';
import { SelectInput, TextInput, cleanNumbers } from './form-fields.js';
import { CycleNotice, QueueFields } from './queue-fields.js';
import { SaveFeedback, useSave } from './use-save.js';

interface PageProps {
  client: AdminClient;
  data: AdminData;
  config: SiteConfig;
}

const NEW_QUEUE: QueueSettings = { algorithm: 'skills_least_busy', offerTimeoutSeconds: 30, persistent: false, waiting: { action: 'none', afterSeconds: 300, overflowQueue: null } };

/** Teams and embassies: members and roles, persistent queue, routing and waiting rule (W3 warning on save). */
export function TeamsPage({ client, data, config }: PageProps) {
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const team = config.teams.find((t) => t.id === selected) ?? null;
  const groups = [
    { kind: 'team', title: 'Teams' },
    { kind: 'embassy', title: 'Embassies' },
  ] as const;

  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="teams-title">
        <div className="card__head">
          <h1 id="teams-title">Teams & embassies</h1>
          <button
            type="button"
            className="btn btn--primary btn--small"
            onClick={() => {
              setCreating(true);
              setSelected(null);
              setFormKey((k) => k + 1);
            }}
          >
            New team
          </button>
        </div>
        {groups.map((g) => (
          <div key={g.kind} className="queue-group">
            <h2>{g.title}</h2>
            <ul className="entity-list" aria-label={g.title}>
              {config.teams
                .filter((t) => t.kind === g.kind)
                .map((t) => (
                  <li key={t.id} className={t.id === selected ? 'entity-item entity-item--selected' : 'entity-item'}>
                    <div className="entity-item__body">
                      <div className="entity-item__title">{t.name}</div>
                      <p className="entity-item__line">
                        {t.members.length} member(s) · {t.algorithm.replaceAll('_', ' ')}
                        {t.persistent ? ' · persistent' : ''}
                        {t.waiting.action === 'transfer' ? ` · overflows to ${t.waiting.overflowQueue ?? '?'} after ${t.waiting.afterSeconds}s` : ''}
                        {t.waiting.action === 'mark' ? ` · overdue after ${t.waiting.afterSeconds}s` : ''}
                      </p>
                    </div>
                    <button
                      type="button"
                      className="btn btn--small"
                      aria-label={`Edit ${t.name}`}
                      onClick={() => {
                        setSelected(t.id);
                        setCreating(false);
                        setFormKey((k) => k + 1);
                      }}
                    >
                      Edit
                    </button>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </section>
      {creating || team ? (
        <TeamForm
          key={formKey}
          client={client}
          config={config}
          team={creating ? null : team}
          onSaved={async (id) => {
            await data.reload();
            setCreating(false);
            setSelected(id);
          }}
        />
      ) : (
        <p className="muted">Choose a team to edit, or create one.</p>
      )}
    </div>
  );
}

function TeamForm({ client, config, team, onSaved }: { client: AdminClient; config: SiteConfig; team: Team | null; onSaved(id: string | null): Promise<void> }) {
  const save = useSave();
  const [id, setId] = useState(team?.id ?? '');
  const [name, setName] = useState(team?.name ?? '');
  const [kind, setKind] = useState<Team['kind']>(team?.kind ?? 'team');
  const [members, setMembers] = useState(team?.members ?? []);
  const [queue, setQueue] = useState<QueueSettings>(() => (team ? { algorithm: team.algorithm, offerTimeoutSeconds: team.offerTimeoutSeconds, persistent: team.persistent, waiting: team.waiting } : NEW_QUEUE));
  const [adding, setAdding] = useState('');
  const [cycle, setCycle] = useState<string[]>([]);
  const prefix = team ? `team-${team.id}` : 'team-new';
  const self = team?.id ?? id.trim();
  const candidates = config.users.filter((u) => !u.disabled && !members.some((m) => m.user === u.login));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const clean = cleanNumbers({ name, kind, members, ...queue, waiting: cleanNumbers(queue.waiting) });
    type Reply = ChangeResult & { overflowCycle: string[] };
    const result = team
      ? await save.run(() => client.patch<Reply>(`/api/admin/teams/${team.id}`, clean), 'Saved. The next routing decision uses it.')
      : await save.run(() => client.post<Reply>('/api/admin/teams', { ...clean, id: id.trim() }), 'Team created.');
    setCycle(result?.overflowCycle ?? []);
    if (result) await onSaved(self);
  };

  const remove = async () => {
    if (!team) return;
    if (await save.run(() => client.delete<ChangeResult>(`/api/admin/teams/${team.id}`), 'Deleted.')) await onSaved(null);
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{team ? `Edit ${team.name}` : 'New team or embassy'}</h2>
      <SaveFeedback save={save} />
      <CycleNotice cycle={cycle} save={save} />
      <div className="row">
        {team ? null : <TextInput id={`${prefix}-id`} label="Id" hint="Lowercase letters, digits, - _" value={id} onChange={setId} error={save.fieldError('id')} />}
        <TextInput id={`${prefix}-name`} label="Name" value={name} onChange={setName} error={save.fieldError('name')} />
        <SelectInput
          id={`${prefix}-kind`}
          label="Kind"
          value={kind}
          options={[
            { value: 'team', label: 'Team' },
            { value: 'embassy', label: 'Embassy (external reps)' },
          ]}
          onChange={(v) => setKind(v as Team['kind'])}
        />
      </div>
      <fieldset>
        <legend>Members and roles</legend>
        {members.length === 0 ? <p className="muted">No members yet.</p> : null}
        {members.map((m, i) => (
          <div key={m.user} className="inline-row">
            <span style={{ flex: 2 }}>{config.users.find((u) => u.login === m.user)?.displayName ?? m.user}</span>
            <select
              aria-label={`Role of ${m.user}`}
              value={m.role}
              onChange={(e) => setMembers(members.map((x, j) => (j === i ? { ...x, role: e.target.value as Role } : x)))}
            >
              <option value="member">Member</option>
              <option value="lead">Lead</option>
              <option value="manager">Manager</option>
            </select>
            <button type="button" className="btn btn--quiet btn--small" aria-label={`Remove ${m.user}`} onClick={() => setMembers(members.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <div className="inline-row">
          <select aria-label="Add member" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Add a member…</option>
            {candidates.map((u) => (
              <option key={u.login} value={u.login}>
                {u.displayName}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn--small"
            disabled={adding === ''}
            onClick={() => {
              setMembers([...members, { user: adding, role: 'member' }]);
              setAdding('');
            }}
          >
            Add
          </button>
        </div>
        {save.error?.path?.startsWith('members') ? <p className="field__error">{save.error.message}</p> : null}
      </fieldset>
      <QueueFields
        idPrefix={prefix}
        value={queue}
        onChange={setQueue}
        targets={queueOptions(config).filter((q) => q.value !== self)}
        save={save}
        withPersistent
      />
      <div className="actions">
        <button type="submit" className="btn btn--primary" disabled={save.busy}>
          {team ? 'Save team' : 'Create team'}
        </button>
        {team ? (
          <button type="button" className="btn btn--danger" disabled={save.busy} onClick={() => void remove()}>
            Delete
          </button>
        ) : null}
      </div>
    </form>
  );
}
