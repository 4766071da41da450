import { useCallback, useState } from 'react';
import { ApiError, errorMessage } from './api.js';

export interface FormErrors {
  /** Message per input name, for errors the server tied to a field this form shows. */
  fields: Partial<Record<string, string>>;
  /** Everything else: shown as a banner above the form. */
  banner: string | null;
}

const NONE: FormErrors = { fields: {}, banner: null };

/**
 * Splits a failure into a field error (when the server named one of `fields`) or a banner.
 * Pass `fields` as a module-level constant so that `show` keeps its identity.
 */
export function useFormErrors(fields: readonly string[]) {
  const [errors, setErrors] = useState<FormErrors>(NONE);
  const clear = useCallback(() => setErrors(NONE), []);
  const show = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.field && fields.includes(err.field)) {
        setErrors({ fields: { [err.field]: err.message }, banner: null });
      } else {
        setErrors({ fields: {}, banner: errorMessage(err) });
      }
    },
    [fields],
  );
  /** The customer edited `field`: its old error no longer applies. */
  const forget = useCallback((field: string) => {
    setErrors((current) => {
      if (!current.fields[field]) return current;
      const fields = { ...current.fields };
      delete fields[field];
      return { ...current, fields };
    });
  }, []);
  return { errors, show, clear, forget };
}
