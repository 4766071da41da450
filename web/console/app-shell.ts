/**
 * The console as an installable app: registers the service worker (web/console/service-worker.ts,
 * built to /console/sw.js) that keeps the app shell for offline starts and shows system
 * notifications, and opens the page a tapped notification points at.
 *
 * The worker exists only in the built console; under the Vite dev server the registration
 * fails quietly, and the console works the same without it.
 */

/** The message the worker posts to the page when the rep taps a notification. */
export interface OpenPageMessage {
  type: 'lobby.open';
  hash: string;
}

function isOpenPage(data: unknown): data is OpenPageMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'lobby.open' && typeof (data as { hash?: unknown }).hash === 'string';
}

export function startAppShell(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    if (isOpenPage(event.data)) window.location.hash = event.data.hash;
  });
  const register = () => {
    // Relative to /console/: the worker's scope is the console and nothing else.
    navigator.serviceWorker.register(new URL('sw.js', window.location.href), { scope: './' }).catch(() => {
      // No worker (dev server, a browser that refuses): no offline start, no background notices.
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
