import type { ReactNode } from 'react';
import { Field } from '../shared/field.js';

interface Base {
  id: string;
  label: string;
  hint?: string;
  note?: string;
  error?: string | undefined;
}

export function TextInput(props: Base & { value: string; onChange(value: string): void; type?: string; autoComplete?: string; required?: boolean }) {
  const { value, onChange, type = 'text', autoComplete, required, ...field } = props;
  return (
    <Field {...field}>
      {(control) => (
        <input
          {...control}
          type={type}
          value={value}
          required={required}
          autoComplete={autoComplete ?? 'off'}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function TextArea(props: Base & { value: string; onChange(value: string): void; rows?: number }) {
  const { value, onChange, rows = 3, ...field } = props;
  return <Field {...field}>{(control) => <textarea {...control} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} />}</Field>;
}

export function NumberInput(props: Base & { value: number; onChange(value: number): void; min?: number; max?: number }) {
  const { value, onChange, min, max, ...field } = props;
  return (
    <Field {...field}>
      {(control) => (
        <input
          {...control}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          value={Number.isFinite(value) ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? Number.NaN : Number(e.target.value))}
        />
      )}
    </Field>
  );
}

export function SelectInput(props: Base & { value: string; onChange(value: string): void; options: { value: string; label: string }[]; children?: ReactNode }) {
  const { value, onChange, options, ...field } = props;
  return (
    <Field {...field}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Check({ id, label, checked, onChange }: { id: string; label: string; checked: boolean; onChange(checked: boolean): void }) {
  return (
    <label className="check" htmlFor={id}>
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

/** A6 state as a small coloured label. */
export function StateBadge({ state }: { state: string }) {
  return <span className={`state state--${state}`}>{state.replace('_', ' ')}</span>;
}

/** Omits NaN numbers (an emptied number field), so that the server names the field as missing. */
export function cleanNumbers<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => !(typeof v === 'number' && Number.isNaN(v)))) as T;
}
