import type { ReactNode } from 'react';

export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

interface FieldProps {
  id: string;
  label: string;
  /** Shown after the label, e.g. "optional". */
  note?: string;
  hint?: string;
  error?: string | undefined;
  children(control: FieldControlProps): ReactNode;
}

/** A labelled input with its hint and, when the server blamed it, its error. */
export function Field({ id, label, note, hint, error, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter((x): x is string => x !== null).join(' ');
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {note ? <span className="field__note"> ({note})</span> : null}
      </label>
      {hint ? (
        <p className="field__hint" id={hintId ?? undefined}>
          {hint}
        </p>
      ) : null}
      {children({ id, 'aria-invalid': Boolean(error), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {error ? (
        <p className="field__error" id={errorId ?? undefined}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
