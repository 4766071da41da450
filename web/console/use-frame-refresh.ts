import { useCallback, useEffect, useRef } from 'react';

/**
 * Runs `load` again when asked, at most once per animation frame and never two at once:
 * a burst of events while a load is in flight costs one more load, not one per event.
 */
export function useFrameRefresh(load: () => Promise<void>): () => void {
  const loadRef = useRef(load);
  loadRef.current = load;
  const state = useRef({ frame: 0, running: false, again: false, alive: true });

  useEffect(() => {
    const s = state.current;
    s.alive = true;
    return () => {
      s.alive = false;
      if (s.frame) cancelAnimationFrame(s.frame);
      s.frame = 0;
    };
  }, []);

  const run = useCallback(async () => {
    const s = state.current;
    s.frame = 0;
    if (!s.alive) return;
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = true;
    try {
      do {
        s.again = false;
        await loadRef.current();
      } while (s.again && s.alive);
    } finally {
      s.running = false;
    }
  }, []);

  return useCallback(() => {
    const s = state.current;
    if (s.running) {
      s.again = true;
      return;
    }
    if (!s.frame) s.frame = requestAnimationFrame(() => void run());
  }, [run]);
}
