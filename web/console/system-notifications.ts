import { useCallback, useEffect, useState } from 'react';

/** localStorage key of the "System notifications" switch: "on" or absent (off, the default). */
export const NOTIFY_SETTING_KEY = 'lobby.console.notifications';

export type NotifyPermission = NotificationPermission | 'unsupported';

export interface SystemNotice {
  title: string;
  body: string;
  /** One notification per tag: a newer one replaces it (the same offer, the same session). */
  tag: string;
  /** The console page to open when the rep taps it ("#/sessions/…", or "" for the dashboard). */
  hash: string;
}

export interface SystemNotifications {
  permission: NotifyPermission;
  enabled: boolean;
  /** Must run in a click or key handler: browsers ask for permission only after a user gesture. */
  setEnabled(on: boolean): void;
  /** Shows the notice as a system notification, only while the console is hidden. */
  show(notice: SystemNotice): void;
}

function currentPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

function readEnabled(): boolean {
  try {
    return window.localStorage.getItem(NOTIFY_SETTING_KEY) === 'on';
  } catch {
    return false;
  }
}

function writeEnabled(on: boolean): void {
  try {
    if (on) window.localStorage.setItem(NOTIFY_SETTING_KEY, 'on');
    else window.localStorage.removeItem(NOTIFY_SETTING_KEY);
  } catch {
    // Not remembered; applies to this page.
  }
}

const ICON = new URL('icons/icon-192.png', window.location.href).toString();

/**
 * E4, W1, T4, S1 while the console is in the background (another app in front, another tab):
 * system notifications through the service worker (which phones require), or the page's
 * own Notification where there is no worker. Off until the rep switches it on, which asks
 * the browser for permission; the choice is kept in this browser.
 */
export function useSystemNotifications(): SystemNotifications {
  const [permission, setPermission] = useState<NotifyPermission>(currentPermission);
  const [enabled, setEnabledState] = useState(readEnabled);

  // The rep may change the permission in the browser's settings while the console is open.
  useEffect(() => {
    const check = () => setPermission(currentPermission());
    document.addEventListener('visibilitychange', check);
    return () => document.removeEventListener('visibilitychange', check);
  }, []);

  const setEnabled = useCallback((on: boolean) => {
    writeEnabled(on);
    setEnabledState(on);
    if (!on || typeof Notification === 'undefined' || Notification.permission !== 'default') return;
    Notification.requestPermission()
      .then((answer) => {
        setPermission(answer);
        if (answer === 'denied') {
          writeEnabled(false);
          setEnabledState(false);
        }
      })
      .catch(() => setPermission(currentPermission()));
  }, []);

  const active = enabled && permission === 'granted';
  const show = useCallback(
    (notice: SystemNotice) => {
      if (!active || document.visibilityState !== 'hidden') return;
      const options: NotificationOptions = { body: notice.body, tag: notice.tag, icon: ICON, data: { hash: notice.hash } };
      const viaPage = () => {
        try {
          const shown = new Notification(notice.title, options);
          shown.onclick = () => {
            window.focus();
            window.location.hash = notice.hash;
            shown.close();
          };
        } catch {
          // Phones allow notifications only through a service worker; nothing more to do.
        }
      };
      const worker = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
      if (!worker) {
        viaPage();
        return;
      }
      worker
        .getRegistration()
        .then((registration) => (registration ? registration.showNotification(notice.title, options) : viaPage()))
        .catch(viaPage);
    },
    [active],
  );

  return { permission, enabled: active, setEnabled, show };
}
