import { useState, type FormEvent } from 'react';
import type { AdminClient } from './admin-client.js';
import type { AdminUser, EntryLink, SiteConfig } from './admin-types.js';
import { NumberInput, SelectInput, TextInput } from './form-fields.js';
import { formatDate, type LinkKindInfo } from './entry-link-labels.js';
import { SaveFeedback, useSave } from './use-save.js';

interface FormProps {
  client: AdminClient;
  config: SiteConfig;
  users: AdminUser[];
  info: LinkKindInfo;
  /** Null: a new link. */
  link: EntryLink | null;
  onSaved(link: EntryLink): Promise<void>;
}

type TargetKind = EntryLink['target']['kind'];

const MAX_MINUTES = 365 * 24 * 60;
const DEFAULT_BUTTON_MINUTES = String(7 * 24 * 60);
const LIFETIMES = [
  { value: '60', label: '1 hour' },
  { value: '1440', label: '1 day' },
  { value: DEFAULT_BUTTON_MINUTES, label: '7 days' },
  { value: String(30 * 24 * 60), label: '30 days' },
  { value: String(90 * 24 * 60), label: '90 days' },
  { value: String(MAX_MINUTES), label: '365 days' },
  { value: 'custom', label: 'Other (minutes)…' },
];

/** Makes or changes a link: name, where it leads (C4, C5, C7) and how long it works. */
export function EntryLinkForm({ client, config, users, info, link, onSaved }: FormProps) {
  const save = useSave();
  const chat = info.kind === 'chat';
  const [name, setName] = useState(link?.name ?? '');
  const [targetKind, setTargetKind] = useState<TargetKind>(link?.target.kind ?? (chat ? 'general' : 'team'));
  const [teamId, setTeamId] = useState(link?.target.kind === 'team' ? (link.target.id ?? '') : (config.teams[0]?.id ?? ''));
  const reps = users.filter((u) => !u.disabled);
  const [repId, setRepId] = useState(link?.target.kind === 'rep' ? (link.target.id ?? '') : (reps[0]?.id ?? ''));
  const [issueCode, setIssueCode] = useState(link?.target.kind === 'issue' ? (link.issue?.code ?? link.target.id ?? '') : (config.issues[0]?.code ?? ''));
  const [withIssue, setWithIssue] = useState(link && link.target.kind !== 'issue' ? (link.issue?.code ?? '') : '');
  const [lifetime, setLifetime] = useState(link ? 'keep' : chat ? 'never' : DEFAULT_BUTTON_MINUTES);
  const [minutes, setMinutes] = useState(Number.NaN);
  const [minutesError, setMinutesError] = useState<string | undefined>(undefined);
  const prefix = link ? `${info.kind}-edit-${link.id}` : `${info.kind}-new`;
  const formTitle = link ? `Change ${link.name}` : `New ${info.noun}`;

  const targets: { value: TargetKind; label: string }[] = [
    ...(chat ? [{ value: 'general' as const, label: 'The general queue (C7: the fallback queue while it is off)' }] : []),
    { value: 'team', label: 'A team or embassy' },
    { value: 'rep', label: 'A rep (their personal queue)' },
    { value: 'issue', label: 'An issue (its team’s queue, with its skills and priority)' },
  ];
  const lifetimes = [
    ...(link ? [{ value: 'keep', label: link.expiresAt === null ? 'Keep: never expires' : `Keep: until ${formatDate(link.expiresAt)}` }] : []),
    ...(chat ? [{ value: 'never', label: 'Never expires' }] : []),
    ...LIFETIMES,
  ];
  const issueOptions = config.issues.map((i) => ({ value: i.code, label: i.title }));

  /** The request's target: any target field replaces the link's target whole. */
  const target = (): Record<string, unknown> => {
    const extra = withIssue === '' ? {} : { issueCode: withIssue };
    if (targetKind === 'general') return { general: true };
    if (targetKind === 'team') return { teamId, ...extra };
    if (targetKind === 'rep') return { repId, ...extra };
    return { issueCode };
  };

  /** Undefined: keep (or the default); null: never expires. */
  const expiry = (): number | null | undefined => {
    if (lifetime === 'keep') return undefined;
    if (lifetime === 'never') return link ? null : undefined;
    return lifetime === 'custom' ? minutes : Number(lifetime);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const expiresInMinutes = expiry();
    if (lifetime === 'custom' && !(Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_MINUTES)) {
      setMinutesError(`Give a whole number of minutes from 1 to ${MAX_MINUTES}.`);
      return;
    }
    setMinutesError(undefined);
    const body = { name: name.trim(), ...target(), ...(expiresInMinutes !== undefined ? { expiresInMinutes } : {}) };
    const result = link
      ? await save.run(() => client.patch<Record<string, EntryLink>>(`${info.path}/${link.id}`, body), 'Saved. The address stays the same and leads where it says now.')
      : await save.run(() => client.post<Record<string, EntryLink>>(info.path, body), 'Made.');
    const saved = result?.[info.single];
    if (!saved) return;
    // The list now shows the new expiry; a second save should not count it from now again.
    setLifetime('keep');
    await onSaved(saved);
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{formTitle}</h2>
      <SaveFeedback save={save} />
      <TextInput id={`${prefix}-name`} label="Name" hint="Shown to customers who follow it, and in this list" value={name} onChange={setName} error={save.fieldError('name')} />
      <fieldset>
        <legend>Leads to</legend>
        <SelectInput
          id={`${prefix}-target`}
          label="Sessions start in"
          value={targetKind}
          options={targets}
          onChange={(v) => setTargetKind(v as TargetKind)}
          error={save.fieldError('general')}
        />
        {targetKind === 'team' ? (
          <SelectInput
            id={`${prefix}-team`}
            label="Team"
            value={teamId}
            options={config.teams.map((t) => ({ value: t.id, label: `${t.name}${t.kind === 'embassy' ? ' (embassy)' : ''}` }))}
            onChange={setTeamId}
            error={save.fieldError('teamId')}
          />
        ) : null}
        {targetKind === 'rep' ? (
          <SelectInput
            id={`${prefix}-rep`}
            label="Rep"
            value={repId}
            options={reps.map((u) => ({ value: u.id, label: `${u.displayName} (${u.login})` }))}
            onChange={setRepId}
            error={save.fieldError('repId')}
          />
        ) : null}
        {targetKind === 'issue' ? (
          <SelectInput id={`${prefix}-issue`} label="Issue" value={issueCode} options={issueOptions} onChange={setIssueCode} error={save.fieldError('issueCode')} />
        ) : null}
        {targetKind === 'team' || targetKind === 'rep' ? (
          <SelectInput
            id={`${prefix}-with-issue`}
            label="With an issue"
            note="optional"
            hint="Sessions take the issue’s required skills and priority; the queue stays the one above"
            value={withIssue}
            options={[{ value: '', label: '— none —' }, ...issueOptions]}
            onChange={setWithIssue}
            error={save.fieldError('issueCode')}
          />
        ) : null}
      </fieldset>
      <div className="row">
        <SelectInput
          id={`${prefix}-lifetime`}
          label={link ? 'Works' : 'Works for'}
          hint={chat ? 'A chat link on a web site usually never expires' : 'A support button always expires (C4); a new lifetime counts from now'}
          value={lifetime}
          options={lifetimes}
          onChange={setLifetime}
          error={lifetime === 'custom' ? undefined : save.fieldError('expiresInMinutes')}
        />
        {lifetime === 'custom' ? (
          <NumberInput
            id={`${prefix}-minutes`}
            label="Minutes from now"
            hint={`1–${MAX_MINUTES}`}
            min={1}
            max={MAX_MINUTES}
            value={minutes}
            onChange={setMinutes}
            error={minutesError ?? save.fieldError('expiresInMinutes')}
          />
        ) : null}
      </div>
      <button type="submit" className="btn btn--primary" disabled={save.busy}>
        {link ? `Save ${info.noun}` : `Make ${info.noun}`}
      </button>
    </form>
  );
}
