import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Banner } from '../shared/banner.js';
import type { AdminClient } from './admin-client.js';
import { queueOptions, type AdminData } from './admin-data.js';
import type { ChangeResult, QueueSettings, SiteChangeResult, SiteConfig, SiteReply, SiteSettings } from './admin-types.js';
import { CobrowseFields, cobrowseProblems } from './cobrowse-fields.js';
import { Check, NumberInput, SelectInput, TextArea, TextInput, cleanNumbers } from './form-fields.js';
import { CycleNotice, QueueFields } from './queue-fields.js';
import { SaveFeedback, useSave } from './use-save.js';

interface PageProps {
  client: AdminClient;
  data: AdminData;
  config: SiteConfig;
}

/** Site settings (general queue on/off, fallback, grace periods, overflow moves, browser sharing) and the general queue's rules. */
export function SitePage({ client, data, config }: PageProps) {
  return (
    <div className="admin-grid">
      <SiteForm client={client} site={config.site} config={config} onSaved={data.reload} />
      <GeneralQueueForm client={client} queue={config.generalQueue} config={config} onSaved={data.reload} />
    </div>
  );
}

/** Q3, C7: how many sessions wait in the general queue now, read again when the admin switches it off. */
function useGeneralQueueWaiting(client: AdminClient, switchingOff: boolean): number | null {
  const [waiting, setWaiting] = useState<number | null>(null);
  const read = useCallback(async () => {
    try {
      setWaiting((await client.get<SiteReply>('/api/admin/site')).generalQueueWaiting);
    } catch {
      setWaiting(null);
    }
  }, [client]);
  useEffect(() => {
    void read();
  }, [read, switchingOff]);
  return waiting;
}

function SiteForm({ client, site, config, onSaved }: { client: AdminClient; site: SiteSettings; config: SiteConfig; onSaved(): Promise<void> }) {
  const save = useSave();
  const [value, setValue] = useState(site);
  const [origins, setOrigins] = useState(site.allowedOrigins.join('\n'));
  const [moved, setMoved] = useState<string | null>(null);
  const set = <K extends keyof SiteSettings>(key: K, v: SiteSettings[K]) => setValue({ ...value, [key]: v });
  const queueName = (ref: string) => queueOptions(config).find((q) => q.value === ref)?.label ?? ref;
  const switchingOff = site.generalQueueEnabled && !value.generalQueueEnabled;
  const waiting = useGeneralQueueWaiting(client, switchingOff);
  const toMove = switchingOff && waiting !== null && waiting > 0 ? waiting : 0;
  const fallback = value.fallbackQueue !== null && value.fallbackQueue !== 'general' ? value.fallbackQueue : null;
  const sessions = (n: number) => (n === 1 ? '1 session' : `${n} sessions`);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMoved(null);
    // Shown next to their fields already; nothing is sent until they are right.
    if (Object.keys(cobrowseProblems(value)).length > 0) return;
    const body = cleanNumbers({
      ...value,
      allowedOrigins: origins
        .split('\n')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    });
    const result = await save.run(() => client.patch<SiteChangeResult>('/api/admin/site', body), 'Site settings saved; they apply at once.');
    if (!result) return;
    if (result.moved) setMoved(`${sessions(result.moved.sessionIds.length)} moved from the general queue to ${queueName(result.moved.toQueue)}.`);
    await onSaved();
  };

  const originError = save.error?.path?.startsWith('allowedOrigins') ? save.error.message : undefined;
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="site-title">
      <h1 id="site-title">Site settings</h1>
      <SaveFeedback save={save} />
      {moved && !save.error ? <Banner kind="success">{moved}</Banner> : null}
      <TextInput id="site-name" label="Site name" value={value.siteName} onChange={(v) => set('siteName', v)} error={save.fieldError('siteName')} />
      <fieldset>
        <legend>Queues</legend>
        <Check id="site-general" label="General queue on (Q3)" checked={value.generalQueueEnabled} onChange={(v) => set('generalQueueEnabled', v)} />
        <SelectInput
          id="site-fallback-queue"
          label="Fallback queue (F4, C7)"
          hint="Where sessions go when nothing else takes them"
          value={value.fallbackQueue ?? ''}
          options={[{ value: '', label: 'The general queue (default)' }, ...queueOptions(config).filter((q) => q.value !== 'general')]}
          onChange={(v) => set('fallbackQueue', v === '' ? null : v)}
          error={save.fieldError('fallbackQueue')}
        />
        {toMove > 0 ? (
          <div className="banner banner--warning" role="status" id="site-general-warning">
            <div className="banner__text">
              {fallback
                ? `${sessions(toMove)} waiting in the general queue will move to ${queueName(fallback)} when you save, keeping their place in line; new sessions that name no queue will go there too (C7).`
                : `${sessions(toMove)} ${toMove === 1 ? 'is' : 'are'} waiting in the general queue. Choose a fallback queue for them above: without one, switching the general queue off is refused.`}
            </div>
          </div>
        ) : null}
        <Check id="site-fallback-rules" label="Fallback rules F2–F4 on (otherwise a lost rep’s sessions end, F5)" checked={value.fallbackRulesEnabled} onChange={(v) => set('fallbackRulesEnabled', v)} />
        <NumberInput id="site-max-moves" label="Maximum overflow moves (W3)" hint="1–1000; then a session is marked overdue instead" min={1} max={1000} value={value.maxOverflowMoves} onChange={(v) => set('maxOverflowMoves', v)} error={save.fieldError('maxOverflowMoves')} />
      </fieldset>
      <fieldset>
        <legend>Grace periods and limits</legend>
        <div className="row">
          <NumberInput id="site-rep-grace" label="Rep grace (seconds, A1)" hint="0–3600" min={0} max={3600} value={value.repGraceSeconds} onChange={(v) => set('repGraceSeconds', v)} error={save.fieldError('repGraceSeconds')} />
          <NumberInput id="site-customer-grace" label="Customer grace (seconds)" hint="0–3600" min={0} max={3600} value={value.customerGraceSeconds} onChange={(v) => set('customerGraceSeconds', v)} error={save.fieldError('customerGraceSeconds')} />
          <NumberInput id="site-max-wait" label="Maximum wait (seconds)" hint="0 = off (L3 expired)" min={0} max={604_800} value={value.maxWaitSeconds} onChange={(v) => set('maxWaitSeconds', v)} error={save.fieldError('maxWaitSeconds')} />
        </div>
      </fieldset>
      <TextArea id="site-origins" label="Pages allowed to embed the chat widget" hint="One origin a line, e.g. https://www.example.com" value={origins} onChange={setOrigins} error={originError} />
      <TextArea id="site-notice" label="Notice shown to waiting customers" note="optional" value={value.customerNotice} onChange={(v) => set('customerNotice', v)} error={save.fieldError('customerNotice')} />
      <CobrowseFields value={value} set={set} save={save} />
      <button type="submit" className="btn btn--primary" disabled={save.busy}>
        {toMove > 0 && fallback ? `Save and move ${sessions(toMove)}` : 'Save site settings'}
      </button>
    </form>
  );
}

function GeneralQueueForm({ client, queue, config, onSaved }: { client: AdminClient; queue: QueueSettings; config: SiteConfig; onSaved(): Promise<void> }) {
  const save = useSave();
  const [value, setValue] = useState(queue);
  const [cycle, setCycle] = useState<string[]>([]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = cleanNumbers({ ...value, waiting: cleanNumbers(value.waiting) });
    const result = await save.run(() => client.patch<ChangeResult & { overflowCycle: string[] }>('/api/admin/general-queue', body), 'General queue saved; the next routing decision uses it.');
    setCycle(result?.overflowCycle ?? []);
    if (result) await onSaved();
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="general-title">
      <h2 id="general-title">General queue</h2>
      {config.site.generalQueueEnabled ? null : (
        <p className="muted">
          Switched off (Site settings): no rep sees it, and new sessions that name no queue go to the fallback queue (C7). These rules apply again once it is on.
        </p>
      )}
      <SaveFeedback save={save} />
      <CycleNotice cycle={cycle} save={save} />
      <QueueFields idPrefix="general" value={value} onChange={setValue} targets={queueOptions(config).filter((q) => q.value !== 'general')} save={save} withPersistent={false} />
      <button type="submit" className="btn btn--primary" disabled={save.busy}>
        Save general queue
      </button>
    </form>
  );
}
