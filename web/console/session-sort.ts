import { useCallback, useState } from 'react';
import type { SessionView } from '../shared/api-types.js';
import { toMillis } from '../shared/time-format.js';
import { customerLabel, sessionTopic } from './session-labels.js';

/**
 * How the waiting lists are ordered. `queue` is the server's order (Q4: priority, then
 * waiting since), the order in which sessions are offered and "Get next" takes them.
 */
export type SessionSort = 'queue' | 'wait' | 'customer' | 'issue';

export const SORT_OPTIONS: ReadonlyArray<{ value: SessionSort; label: string }> = [
  { value: 'queue', label: 'Queue order' },
  { value: 'wait', label: 'Longest wait' },
  { value: 'customer', label: 'Customer' },
  { value: 'issue', label: 'Issue' },
];

/** localStorage key of the rep's chosen order (kept per browser, like the sound switch). */
export const SORT_SETTING_KEY = 'lobby.console.sort';

function isSort(value: unknown): value is SessionSort {
  return SORT_OPTIONS.some((o) => o.value === value);
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function waitingSince(s: SessionView): number {
  return toMillis(s.waitingSince) ?? toMillis(s.createdAt) ?? 0;
}

/** A sorted copy; ties keep the server's order (Array.prototype.sort is stable). */
export function sortSessions<T extends SessionView>(sessions: readonly T[], sort: SessionSort): T[] {
  const copy = [...sessions];
  if (sort === 'wait') copy.sort((a, b) => waitingSince(a) - waitingSince(b));
  else if (sort === 'customer') copy.sort((a, b) => collator.compare(customerLabel(a), customerLabel(b)));
  else if (sort === 'issue') copy.sort((a, b) => collator.compare(sessionTopic(a), sessionTopic(b)));
  return copy;
}

function readSort(): SessionSort {
  try {
    const stored = window.localStorage.getItem(SORT_SETTING_KEY);
    return isSort(stored) ? stored : 'queue';
  } catch {
    return 'queue';
  }
}

export function useSessionSort(): [SessionSort, (sort: SessionSort) => void] {
  const [sort, setSort] = useState(readSort);
  const update = useCallback((next: SessionSort) => {
    setSort(next);
    try {
      window.localStorage.setItem(SORT_SETTING_KEY, next);
    } catch {
      // Not remembered; still applies now.
    }
  }, []);
  return [sort, update];
}

export function parseSort(value: string): SessionSort {
  return isSort(value) ? value : 'queue';
}
