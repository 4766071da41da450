import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../shared/api.js';
import type { RepListing } from './console-types.js';
import type { RepClient } from './rep-client.js';

export interface RepListingSetting {
  /** Null until read. */
  listing: RepListing | null;
  saving: boolean;
  error: string | null;
  setListed(listed: boolean): void;
}

/** C2: "show me on the representative list", kept on the server (GET/POST /api/rep/listing). */
export function useRepListing(client: RepClient, active: boolean): RepListingSetting {
  const [listing, setListing] = useState<RepListing | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Read when the settings open: another device may have changed it.
  useEffect(() => {
    if (!active) return;
    let current = true;
    client
      .get<RepListing>('/api/rep/listing')
      .then((next) => current && setListing(next))
      .catch((err: unknown) => current && setError(errorMessage(err)));
    return () => {
      current = false;
    };
  }, [client, active]);

  const setListed = useCallback(
    (listed: boolean) => {
      setSaving(true);
      setError(null);
      setListing((now) => (now ? { ...now, listed } : now));
      client
        .post<RepListing>('/api/rep/listing', { listed })
        .then(setListing)
        .catch((err: unknown) => {
          setError(errorMessage(err));
          setListing((now) => (now ? { ...now, listed: !listed } : now));
        })
        .finally(() => setSaving(false));
    },
    [client],
  );

  return { listing, saving, error, setListed };
}
