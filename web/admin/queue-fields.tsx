import type { QueueSettings, WaitingAction } from './admin-types.js';
import { ALGORITHMS } from './admin-types.js';
import { Check, NumberInput, SelectInput } from './form-fields.js';
import type { Save } from './use-save.js';

interface QueueFieldsProps {
  idPrefix: string;
  value: QueueSettings;
  onChange(value: QueueSettings): void;
  /** Queues it may overflow into (itself left out). */
  targets: { value: string; label: string }[];
  save: Save;
  /** Team queues may be persistent (Q5); the general queue is not configured so. */
  withPersistent: boolean;
}

/** Routing (SPEC section 5), waiting rule (section 6) and Q5 of one queue. */
export function QueueFields({ idPrefix, value, onChange, targets, save, withPersistent }: QueueFieldsProps) {
  const id = (name: string) => `${idPrefix}-${name}`;
  const waiting = (patch: Partial<QueueSettings['waiting']>) => onChange({ ...value, waiting: { ...value.waiting, ...patch } });
  return (
    <>
      <fieldset>
        <legend>Routing</legend>
        <SelectInput
          id={id('algorithm')}
          label="Routing algorithm"
          value={value.algorithm}
          options={ALGORITHMS}
          error={save.fieldError('algorithm')}
          onChange={(v) => onChange({ ...value, algorithm: v as QueueSettings['algorithm'] })}
        />
        <NumberInput
          id={id('offer-timeout')}
          label="Offer timeout (seconds)"
          hint="How long a rep has to accept an offer: 5–600"
          min={5}
          max={600}
          value={value.offerTimeoutSeconds}
          error={save.fieldError('offerTimeoutSeconds')}
          onChange={(v) => onChange({ ...value, offerTimeoutSeconds: v })}
        />
        {withPersistent ? (
          <Check
            id={id('persistent')}
            label="Persistent: sessions stay in this queue until handled; fallback never moves them (Q5)"
            checked={value.persistent}
            onChange={(v) => onChange({ ...value, persistent: v })}
          />
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Waiting rule</legend>
        <SelectInput
          id={id('waiting-action')}
          label="When a session waits too long"
          value={value.waiting.action}
          options={[
            { value: 'none', label: 'Do nothing' },
            { value: 'mark', label: 'Mark it overdue and alert (W1)' },
            { value: 'transfer', label: 'Move it to an overflow queue (W2)' },
          ]}
          error={save.fieldError('waiting.action')}
          onChange={(v) => waiting({ action: v as WaitingAction })}
        />
        <NumberInput
          id={id('waiting-after')}
          label="After (seconds)"
          hint="10–86400"
          min={10}
          max={86_400}
          value={value.waiting.afterSeconds}
          error={save.fieldError('waiting.afterSeconds')}
          onChange={(v) => waiting({ afterSeconds: v })}
        />
        <SelectInput
          id={id('overflow')}
          label="Overflow queue"
          value={value.waiting.overflowQueue ?? ''}
          options={[{ value: '', label: '— none —' }, ...targets]}
          error={save.fieldError('waiting.overflowQueue')}
          onChange={(v) => waiting({ overflowQueue: v === '' ? null : v })}
        />
      </fieldset>
    </>
  );
}

/**
 * W3: after a save, the queue's overflow cycle if it is on one — also when the cycle was
 * there before this save (the server's warnings only name what a change brought).
 */
export function CycleNotice({ cycle, save }: { cycle: string[]; save: Save }) {
  if (cycle.length === 0 || save.error || save.warnings.some((w) => w.message.includes('overflow cycle'))) return null;
  return (
    <div className="banner banner--warning" role="status">
      <div className="banner__text">
        This queue is on an overflow cycle: {[...cycle, cycle[0]].join(' → ')}. A waiting session moves round it until accepted, up to the site’s maximum overflow
        moves, then it is marked overdue.
      </div>
    </div>
  );
}
