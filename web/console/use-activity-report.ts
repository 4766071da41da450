import { useEffect, useRef } from 'react';
import type { RepClient } from './rep-client.js';

/** At most one activity report per this many milliseconds (A3). */
export const ACTIVITY_REPORT_MS = 30_000;

/** After a failed report, the next try waits this long. */
const RETRY_MS = 5_000;

/** Input that shows the rep is at the console. */
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel'] as const;
/** Input that also counts as a user gesture, which browsers want before playing sound. */
const GESTURE_EVENTS = new Set(['pointerdown', 'keydown']);

/**
 * A3: tells the server the rep is active when they use the page, throttled so that a
 * busy mouse costs one request per 30 s. `onGesture` runs on every click and key press
 * (the console unlocks its alert sound there).
 */
export function useActivityReport(client: RepClient, onGesture?: () => void): void {
  const gesture = useRef(onGesture);
  gesture.current = onGesture;

  useEffect(() => {
    let lastSent = Number.NEGATIVE_INFINITY;
    let inFlight = false;
    const report = (event: Event) => {
      if (GESTURE_EVENTS.has(event.type)) gesture.current?.();
      const now = Date.now();
      if (inFlight || now - lastSent < ACTIVITY_REPORT_MS) return;
      lastSent = now;
      inFlight = true;
      client
        .post('/api/rep/activity')
        .catch(() => {
          // Not connected yet, or a network blip: input a few seconds from now tries again.
          lastSent = now - ACTIVITY_REPORT_MS + RETRY_MS;
        })
        .finally(() => {
          inFlight = false;
        });
    };
    const options: AddEventListenerOptions = { capture: true, passive: true };
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, report, options);
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, report, options);
    };
  }, [client]);
}
