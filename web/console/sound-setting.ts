import { useCallback, useEffect, useState } from 'react';

/** localStorage key of the console's "Sound" switch: "on" (the default) or "off". */
export const SOUND_SETTING_KEY = 'lobby.console.sound';

function readSound(): boolean {
  try {
    return window.localStorage.getItem(SOUND_SETTING_KEY) !== 'off';
  } catch {
    // Storage blocked (private mode, policy): the default holds.
    return true;
  }
}

/**
 * I1: whether the console plays alert sounds. Kept in this browser (not on the server):
 * a rep may want sound on the desk computer and not on the phone. Other tabs follow.
 */
export function useSoundSetting(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(readSound);

  useEffect(() => {
    const changed = (event: StorageEvent) => {
      if (event.key === SOUND_SETTING_KEY || event.key === null) setOn(readSound());
    };
    window.addEventListener('storage', changed);
    return () => window.removeEventListener('storage', changed);
  }, []);

  const update = useCallback((next: boolean) => {
    setOn(next);
    try {
      window.localStorage.setItem(SOUND_SETTING_KEY, next ? 'on' : 'off');
    } catch {
      // Not remembered, but still applies to this page.
    }
  }, []);

  return [on, update];
}
