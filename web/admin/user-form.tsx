import { useState, type FormEvent } from 'react';
import type { AdminClient } from './admin-client.js';
import { skillTree } from './admin-data.js';
import type { AdminUser, ChangeResult, Role, SiteConfig } from './admin-types.js';
import { Check, NumberInput, SelectInput, TextInput, cleanNumbers } from './form-fields.js';
import { SaveFeedback, useSave } from './use-save.js';

interface UserFormProps {
  client: AdminClient;
  config: SiteConfig;
  /** Null: a new user. */
  user: AdminUser | null;
  self: string;
  onSaved(login: string): Promise<void>;
}

type Level = '' | 'preferred' | 'ignored';

/** One user: details, policy, teams with roles, skill levels (E8); disable and reset password. */
export function UserForm({ client, config, user, self, onSaved }: UserFormProps) {
  const save = useSave();
  const passwordSave = useSave();
  const [login, setLogin] = useState(user?.login ?? '');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [displayNumber, setDisplayNumber] = useState(user?.displayNumber ?? Number.NaN);
  const [policy, setPolicy] = useState(user?.policy ?? config.policies[0]?.id ?? '');
  const [admin, setAdmin] = useState(user?.admin ?? false);
  const [listed, setListed] = useState(user?.showOnRepList ?? true);
  const [roles, setRoles] = useState<Record<string, Role | ''>>(() => Object.fromEntries((user?.teams ?? []).map((m) => [m.team, m.role])));
  const [levels, setLevels] = useState<Record<string, Level>>(() => ({
    ...Object.fromEntries((user?.skills.preferred ?? []).map((s) => [s, 'preferred'])),
    ...Object.fromEntries((user?.skills.ignored ?? []).map((s) => [s, 'ignored'])),
  }));
  const [newPassword, setNewPassword] = useState('');
  const prefix = user ? `user-${user.login}` : 'user-new';
  const id = (name: string) => `${prefix}-${name}`;

  const body = () =>
    cleanNumbers({
      displayName,
      displayNumber,
      policy,
      admin,
      showOnRepList: listed,
      teams: Object.entries(roles).flatMap(([team, role]) => (role ? [{ team, role }] : [])),
      skills: {
        preferred: Object.keys(levels).filter((s) => levels[s] === 'preferred'),
        ignored: Object.keys(levels).filter((s) => levels[s] === 'ignored'),
      },
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = user
      ? await save.run(() => client.patch<ChangeResult>(`/api/admin/users/${encodeURIComponent(user.login)}`, body()), 'Saved. The change applies at once.')
      : await save.run(() => client.post<ChangeResult>('/api/admin/users', { ...body(), login: login.trim(), password }), `Created ${login.trim()}.`);
    if (result) await onSaved(user?.login ?? login.trim());
  };

  const setDisabled = async (disabled: boolean) => {
    if (!user) return;
    const result = await save.run(
      () => client.patch<ChangeResult>(`/api/admin/users/${encodeURIComponent(user.login)}`, { disabled }),
      disabled ? `${user.displayName} is disabled and signed out; their sessions were handed on.` : `${user.displayName} is enabled.`,
    );
    if (result) await onSaved(user.login);
  };

  const resetPassword = async () => {
    if (!user) return;
    const result = await passwordSave.run(
      () => client.post<ChangeResult>(`/api/admin/users/${encodeURIComponent(user.login)}/password`, { password: newPassword }),
      'Password changed; the user was signed out everywhere.',
    );
    if (result) setNewPassword('');
  };

  return (
    <section className="card" aria-labelledby={id('title')}>
      <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby={id('title')}>
        <h2 id={id('title')}>{user ? `Edit ${user.displayName}` : 'New user'}</h2>
        <SaveFeedback save={save} />
        {user ? null : (
          <div className="row">
            <TextInput id={id('login')} label="Login" hint="Lowercase letters, digits, . - _" value={login} onChange={setLogin} error={save.fieldError('login')} />
            <TextInput id={id('password')} label="Initial password" type="password" autoComplete="new-password" hint="At least 8 characters" value={password} onChange={setPassword} error={save.fieldError('password')} />
          </div>
        )}
        <div className="row">
          <TextInput id={id('name')} label="Display name" value={displayName} onChange={setDisplayName} error={save.fieldError('displayName')} />
          <NumberInput id={id('number')} label="Display number" hint="Orders the representative list (C2)" min={1} max={99_999} value={displayNumber} onChange={setDisplayNumber} error={save.fieldError('displayNumber')} />
        </div>
        <SelectInput id={id('policy')} label="Policy" value={policy} options={config.policies.map((p) => ({ value: p.id, label: p.name }))} onChange={setPolicy} error={save.fieldError('policy')} />
        <Check id={id('admin')} label="Admin: may use these admin pages" checked={admin} onChange={setAdmin} />
        <Check id={id('listed')} label="Show on the portal’s representative list (C2)" checked={listed} onChange={setListed} />

        <fieldset>
          <legend>Teams and roles</legend>
          {config.teams.length === 0 ? <p className="muted">No teams yet.</p> : null}
          {config.teams.map((t) => (
            <SelectInput
              key={t.id}
              id={id(`team-${t.id}`)}
              label={`${t.name}${t.kind === 'embassy' ? ' (embassy)' : ''}`}
              value={roles[t.id] ?? ''}
              options={[
                { value: '', label: 'Not a member' },
                { value: 'member', label: 'Member' },
                { value: 'lead', label: 'Lead' },
                { value: 'manager', label: 'Manager' },
              ]}
              onChange={(v) => setRoles({ ...roles, [t.id]: v as Role | '' })}
            />
          ))}
          {save.error?.path?.startsWith('teams') ? <p className="field__error">{save.error.message}</p> : null}
        </fieldset>

        <fieldset>
          <legend>Skills (E8)</legend>
          <p className="field__hint">Preferred skills make the rep a better fit; their sub-skills count as less preferred. Ignored counts as not held.</p>
          {config.skills.length === 0 ? <p className="muted">No skills yet.</p> : null}
          {skillTree(config).map((s) => (
            <div key={s.id} style={{ paddingLeft: `${s.depth * 1.25}rem` }}>
              <SelectInput
                id={id(`skill-${s.id}`)}
                label={s.name}
                value={levels[s.id] ?? ''}
                options={[
                  { value: '', label: s.parent ? 'Inherited / not held' : 'Not held' },
                  { value: 'preferred', label: 'Preferred' },
                  { value: 'ignored', label: 'Ignored' },
                ]}
                onChange={(v) => setLevels({ ...levels, [s.id]: v as Level })}
              />
            </div>
          ))}
          {save.error?.path?.startsWith('skills') ? <p className="field__error">{save.error.message}</p> : null}
        </fieldset>

        <div className="actions">
          <button type="submit" className="btn btn--primary" disabled={save.busy}>
            {user ? 'Save user' : 'Create user'}
          </button>
          {user && user.login !== self ? (
            <button type="button" className={user.disabled ? 'btn' : 'btn btn--danger'} disabled={save.busy} onClick={() => void setDisabled(!user.disabled)}>
              {user.disabled ? 'Enable user' : 'Disable user'}
            </button>
          ) : null}
        </div>
      </form>
      {user ? (
        <fieldset style={{ marginTop: '1rem' }}>
          <legend>Reset password</legend>
          <SaveFeedback save={passwordSave} />
          <TextInput id={id('new-password')} label="New password" type="password" autoComplete="new-password" hint="At least 8 characters" value={newPassword} onChange={setNewPassword} error={passwordSave.fieldError('password')} />
          <button type="button" className="btn" disabled={passwordSave.busy || newPassword === ''} onClick={() => void resetPassword()}>
            Reset password
          </button>
        </fieldset>
      ) : null}
    </section>
  );
}
