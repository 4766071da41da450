import { useState, type FormEvent } from 'react';
import type { AdminClient } from './admin-client.js';
import type { AdminData } from './admin-data.js';
import { POLICY_FLAGS, POLICY_NUMBERS, type ChangeResult, type Policy, type SiteConfig } from './admin-types.js';
import { Check, NumberInput, TextInput, cleanNumbers } from './form-fields.js';
import { SaveFeedback, useSave } from './use-save.js';

interface PageProps {
  client: AdminClient;
  data: AdminData;
  config: SiteConfig;
}

/** Policies: every availability setting (SPEC section 7) and permission. */
export function PoliciesPage({ client, data, config }: PageProps) {
  const [selected, setSelected] = useState<string | null>(config.policies[0]?.id ?? null);
  const [creating, setCreating] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const policy = config.policies.find((p) => p.id === selected) ?? null;
  const usedBy = (id: string) => config.users.filter((u) => u.policy === id).length;

  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="policies-title">
        <div className="card__head">
          <h1 id="policies-title">Policies</h1>
          <button
            type="button"
            className="btn btn--primary btn--small"
            onClick={() => {
              setCreating(true);
              setFormKey((k) => k + 1);
            }}
          >
            New policy
          </button>
        </div>
        <ul className="entity-list" aria-label="Policies">
          {config.policies.map((p) => (
            <li key={p.id} className={p.id === selected && !creating ? 'entity-item entity-item--selected' : 'entity-item'}>
              <div className="entity-item__body">
                <div className="entity-item__title">{p.name}</div>
                <p className="entity-item__line">
                  {p.id} · {usedBy(p.id)} user(s) · limit {p.maxSessions === 0 ? 'none' : String(p.maxSessions)}
                </p>
              </div>
              <button
                type="button"
                className="btn btn--small"
                aria-label={`Edit ${p.name}`}
                onClick={() => {
                  setSelected(p.id);
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
      {creating || policy ? (
        <PolicyForm
          key={formKey}
          client={client}
          policy={creating ? null : policy}
          onSaved={async (id) => {
            await data.reload();
            setCreating(false);
            setSelected(id);
          }}
        />
      ) : null}
    </div>
  );
}

function PolicyForm({ client, policy, onSaved }: { client: AdminClient; policy: Policy | null; onSaved(id: string | null): Promise<void> }) {
  const save = useSave();
  const [id, setId] = useState(policy?.id ?? '');
  const [name, setName] = useState(policy?.name ?? '');
  const [values, setValues] = useState<Record<string, number | boolean>>(() => {
    const out: Record<string, number | boolean> = {};
    for (const n of POLICY_NUMBERS) out[n.key] = policy ? Number(policy[n.key]) : n.key === 'idleMinutes' ? 15 : n.key === 'missedOffersBeforeOptOut' ? 3 : 0;
    for (const f of POLICY_FLAGS) out[f.key] = policy ? Boolean(policy[f.key]) : true;
    return out;
  });
  const prefix = policy ? `policy-${policy.id}` : 'policy-new';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = cleanNumbers({ name, ...values });
    const result = policy
      ? await save.run(() => client.patch<ChangeResult>(`/api/admin/policies/${policy.id}`, body), 'Saved. Reps with this policy follow it at once.')
      : await save.run(() => client.post<ChangeResult>('/api/admin/policies', { ...body, id: id.trim() }), 'Policy created.');
    if (result) await onSaved(policy?.id ?? id.trim());
  };

  const remove = async () => {
    if (!policy) return;
    if (await save.run(() => client.delete<ChangeResult>(`/api/admin/policies/${policy.id}`), 'Policy deleted.')) await onSaved(null);
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{policy ? `Edit ${policy.name}` : 'New policy'}</h2>
      <SaveFeedback save={save} />
      <div className="row">
        {policy ? null : <TextInput id={`${prefix}-id`} label="Id" value={id} onChange={setId} error={save.fieldError('id')} />}
        <TextInput id={`${prefix}-name`} label="Name" value={name} onChange={setName} error={save.fieldError('name')} />
      </div>
      <fieldset>
        <legend>Availability (section 7)</legend>
        <div className="row">
          {POLICY_NUMBERS.map((n) => (
            <NumberInput
              key={n.key}
              id={`${prefix}-${n.key}`}
              label={n.label}
              hint={n.hint}
              min={0}
              max={n.max}
              value={Number(values[n.key])}
              error={save.fieldError(n.key)}
              onChange={(v) => setValues({ ...values, [n.key]: v })}
            />
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Permissions</legend>
        {POLICY_FLAGS.map((f) => (
          <Check key={f.key} id={`${prefix}-${f.key}`} label={f.label} checked={Boolean(values[f.key])} onChange={(v) => setValues({ ...values, [f.key]: v })} />
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" className="btn btn--primary" disabled={save.busy}>
          {policy ? 'Save policy' : 'Create policy'}
        </button>
        {policy ? (
          <button type="button" className="btn btn--danger" disabled={save.busy} onClick={() => void remove()}>
            Delete policy
          </button>
        ) : null}
      </div>
    </form>
  );
}
