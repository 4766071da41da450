import { useRef, useState } from 'react';
import type { LobbyEvent } from '../shared/api-types.js';
import { useRepEvents } from './rep-events.js';

/** Events after which a session is no longer overdue where it waited: taken, gone or moved (its new queue starts afresh). */
const CLEARS_OVERDUE = new Set([
  'session.accepted',
  'session.ended',
  'session.queued',
  'session.transferred',
  'session.overflowed',
  'session.requeued',
]);

/**
 * W1: the waiting sessions marked overdue, as the live feed reports them between two reads
 * of the session list (which carries the mark too). `onOverdue` runs once per session, for
 * the alert sound and the system notification.
 */
export function useOverdueSessions(onOverdue: (sessionId: string) => void): ReadonlySet<string> {
  const [overdue, setOverdue] = useState<ReadonlySet<string>>(() => new Set());
  const alerted = useRef(new Set<string>());
  const alert = useRef(onOverdue);
  alert.current = onOverdue;

  useRepEvents((event: LobbyEvent | null) => {
    const id = event?.sessionId;
    if (!event || !id) return;
    if (event.type === 'session.overdue') {
      setOverdue((current) => (current.has(id) ? current : new Set(current).add(id)));
      if (!alerted.current.has(id)) {
        alerted.current.add(id);
        alert.current(id);
      }
    } else if (CLEARS_OVERDUE.has(event.type)) {
      setOverdue((current) => {
        if (!current.has(id)) return current;
        const next = new Set(current);
        next.delete(id);
        return next;
      });
    }
  });

  return overdue;
}
