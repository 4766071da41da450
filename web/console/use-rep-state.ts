import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../shared/api.js';
import type { LobbyEvent, RepStateView } from '../shared/api-types.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';
import { useFrameRefresh } from './use-frame-refresh.js';

/** Events after which the rep's session count (and so busy or not) may have changed. */
const SESSION_COUNT_EVENTS = new Set([
  'session.accepted',
  'session.ended',
  'session.transferred',
  'session.requeued',
  'owner.changed',
  'participant.joined',
  'participant.left',
]);

export interface RepAvailability {
  /** Null until the first read. */
  view: RepStateView | null;
  /** The rep switched "Away" on (A2 by hand), as opposed to the page being hidden. */
  away: boolean;
  /** A5: opted in to automatic assignment (shown at once when the rep flips the switch). */
  automaticAssignment: boolean;
  /** A change is on its way to the server. */
  saving: boolean;
  error: string | null;
  clearError(): void;
  /** E10: how many offers in a row the rep missed before being opted out; null when that did not happen. */
  optedOutForMissed: number | null;
  dismissOptedOutNotice(): void;
  setAway(away: boolean): void;
  setAutomaticAssignment(on: boolean): void;
}

function missedCount(event: LobbyEvent): number | null {
  const data = event.data as { reason?: unknown; missed?: unknown } | null;
  if (data?.reason !== 'missed_offers') return null;
  return typeof data.missed === 'number' ? data.missed : 0;
}

/**
 * A6 and A2–A5: the rep's routing state as the server sees it, and the switches that change
 * it. A hidden page counts as a locked device (A2): the console locks the rep when the page
 * is hidden and unlocks them when it is shown again, unless the rep chose "Away" by hand,
 * which only the rep undoes.
 */
export function useRepState(client: RepClient, repId: string): RepAvailability {
  const [view, setView] = useState<RepStateView | null>(null);
  const [saving, setSaving] = useState(false);
  // What the rep just asked for, shown until the server answers.
  const [pending, setPending] = useState<{ locked?: boolean; optedOut?: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [optedOutForMissed, setOptedOutForMissed] = useState<number | null>(null);
  // Locked because the page was hidden, not by the rep's hand. State for the Away switch,
  // a ref for the visibility handler, which must see the latest value at once.
  const [hiddenLock, setHiddenLock] = useState(false);
  const hiddenLockRef = useRef(false);
  const latest = useRef<RepStateView | null>(null);
  latest.current = view;

  const load = useCallback(async () => {
    try {
      setView(await client.get<RepStateView>('/api/rep/state'));
    } catch {
      // The header keeps the last known state; the next event reads again.
    }
  }, [client]);
  const refresh = useFrameRefresh(load);
  useEffect(() => refresh(), [refresh]);

  useRepEvents((event) => {
    if (event === null) {
      refresh();
      return;
    }
    if (event.type === 'rep.state' && event.repId === repId) {
      const missed = missedCount(event);
      if (missed !== null) setOptedOutForMissed(missed);
      refresh();
    } else if (event.repId === repId || SESSION_COUNT_EVENTS.has(event.type)) {
      refresh();
    }
  });

  const send = useCallback(
    async (body: { locked?: boolean; optedOut?: boolean }, byHand: boolean) => {
      if (byHand) {
        setSaving(true);
        setPending(body);
        setError(null);
      }
      try {
        const next = await client.post<RepStateView>('/api/rep/state', body);
        setView(next);
        return true;
      } catch (err) {
        if (byHand) setError(errorMessage(err));
        return false;
      } finally {
        if (byHand) {
          setSaving(false);
          setPending(null);
        }
      }
    },
    [client],
  );

  // Back in automatic assignment (here or on another device): the notice no longer applies.
  useEffect(() => {
    if (view && !view.optedOut) setOptedOutForMissed(null);
  }, [view]);

  const setHidden = (value: boolean) => {
    hiddenLockRef.current = value;
    setHiddenLock(value);
  };

  useEffect(() => {
    const changed = () => {
      if (document.visibilityState === 'hidden') {
        // Already locked (Away by hand, or another of the rep's devices): leave it alone.
        if (latest.current?.locked) return;
        setHidden(true);
        void send({ locked: true }, false);
      } else if (hiddenLockRef.current) {
        void send({ locked: false }, false).finally(() => setHidden(false));
      }
    };
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, [send]);

  return {
    view,
    away: pending?.locked ?? (Boolean(view?.locked) && !hiddenLock),
    automaticAssignment: !(pending?.optedOut ?? view?.optedOut ?? false),
    saving,
    error,
    clearError: () => setError(null),
    optedOutForMissed: view?.optedOut === false ? null : optedOutForMissed,
    dismissOptedOutNotice: () => setOptedOutForMissed(null),
    setAway(away) {
      setHidden(false);
      void send({ locked: away }, true);
    },
    setAutomaticAssignment(on) {
      void send({ optedOut: !on }, true).then((ok) => {
        if (ok && on) setOptedOutForMissed(null);
      });
    },
  };
}
