import { useState } from 'react';
import type { AdminClient } from './admin-client.js';
import type { AdminData } from './admin-data.js';
import type { SiteConfig } from './admin-types.js';
import { StateBadge } from './form-fields.js';
import { UserForm } from './user-form.js';

interface UsersPageProps {
  client: AdminClient;
  data: AdminData;
  config: SiteConfig;
  /** The admin's own login: they cannot disable themselves. */
  self: string;
}

/** Users: create, disable, reset password, display number, policy, teams and roles, skills. */
export function UsersPage({ client, data, config, self }: UsersPageProps) {
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // The form keeps its state (and its "saved" message) from "create" to "edit" of the same user.
  const [formKey, setFormKey] = useState(0);
  const user = data.users.find((u) => u.login === selected) ?? null;
  const teamName = (id: string) => config.teams.find((t) => t.id === id)?.name ?? id;

  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="users-title">
        <div className="card__head">
          <h1 id="users-title">Users</h1>
          <button
            type="button"
            className="btn btn--primary btn--small"
            onClick={() => {
              setCreating(true);
              setSelected(null);
              setFormKey((k) => k + 1);
            }}
          >
            New user
          </button>
        </div>
        <ul className="entity-list" aria-label="Users">
          {data.users.map((u) => (
            <li key={u.login} className={u.login === selected ? 'entity-item entity-item--selected' : 'entity-item'}>
              <div className="entity-item__body">
                <div className="entity-item__title">
                  {u.displayName} <span className="muted">#{u.displayNumber}</span>
                </div>
                <p className="entity-item__line">
                  {u.login} · {config.policies.find((p) => p.id === u.policy)?.name ?? u.policy}
                  {u.teams.length > 0 ? ` · ${u.teams.map((m) => `${teamName(m.team)}${m.role === 'member' ? '' : ` (${m.role})`}`).join(', ')}` : ''}
                </p>
                <p className="entity-item__line">
                  {u.disabled ? <span className="badge badge--danger">disabled</span> : <StateBadge state={u.state} />}
                  {u.admin ? <span className="badge badge--accent"> admin</span> : null}
                  {u.sessionCount > 0 ? ` ${u.sessionCount} session(s)` : ''}
                </p>
              </div>
              <button
                type="button"
                className="btn btn--small"
                aria-label={`Edit ${u.displayName}`}
                onClick={() => {
                  setSelected(u.login);
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
      {creating || user ? (
        <UserForm
          key={formKey}
          client={client}
          config={config}
          user={creating ? null : user}
          self={self}
          onSaved={async (login) => {
            await data.reload();
            setCreating(false);
            setSelected(login);
          }}
        />
      ) : (
        <p className="muted">Choose a user to edit, or create one.</p>
      )}
    </div>
  );
}
