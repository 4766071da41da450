import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../shared/api.js';
import type { AdminClient } from './admin-client.js';
import type { AdminUser, SiteConfig } from './admin-types.js';

export interface AdminData {
  config: SiteConfig | null;
  users: AdminUser[];
  error: string | null;
  /** Reads everything again: after each change, so every page shows what is in force. */
  reload(): Promise<void>;
}

export function useAdminData(client: AdminClient): AdminData {
  const [config, setConfig] = useState<SiteConfig | null>(null);
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [c, u] = await Promise.all([
        client.get<{ config: SiteConfig }>('/api/admin/config'),
        client.get<{ users: AdminUser[] }>('/api/admin/users'),
      ]);
      setConfig(c.config);
      setUsers(u.users);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [client]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { config, users, error, reload };
}

/** Every queue an overflow rule or the fallback queue may name: `general`, a team id, `rep:<login>`. */
export function queueOptions(config: SiteConfig): { value: string; label: string }[] {
  return [
    { value: 'general', label: 'General queue' },
    ...config.teams.map((t) => ({ value: t.id, label: `${t.name}${t.kind === 'embassy' ? ' (embassy)' : ''}` })),
    ...config.users.filter((u) => !u.disabled).map((u) => ({ value: `rep:${u.login}`, label: `${u.displayName} (personal)` })),
  ];
}

/** Skills in tree order with their depth, for indented lists. */
export function skillTree(config: SiteConfig): { id: string; name: string; parent: string | null; depth: number }[] {
  const depthOf = new Map<string, number>();
  return config.skills.map((s) => {
    const depth = s.parent === null ? 0 : (depthOf.get(s.parent) ?? 0) + 1;
    depthOf.set(s.id, depth);
    return { ...s, depth };
  });
}
