/**
 * The rep console's service worker, served as /console/sw.js (built by pwa-assets.ts), scope
 * /console/. It keeps the app shell (the console page, its scripts and styles, the manifest
 * and icons) so that the installed app starts without a network, and it opens the console
 * when the rep taps a system notification.
 *
 * It never touches /api or /ws: sessions, queues and offers are live data, and a cached
 * answer would show a rep a customer who is long gone. Pages are network-first (a new
 * release shows at once); hashed assets are cache-first (their names change with content).
 *
 * A classic worker script with no imports; the types it needs from the worker's global
 * scope are declared here because the project compiles against the DOM library.
 */

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface NotificationEvent extends ExtendableEvent {
  readonly notification: Notification;
}
interface WindowClient {
  readonly url: string;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}
interface WorkerScope {
  readonly location: Location;
  readonly registration: { readonly scope: string };
  readonly clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
}

const worker = self as unknown as WorkerScope;

/** Replaced at build time by a hash of the built files: each release gets its own cache. */
const BUILD = '__LOBBY_BUILD__';
const CACHE = `lobby-console-${BUILD}`;
const SCOPE = new URL(worker.registration.scope);
const PAGE = new URL('./', SCOPE).toString();
const SHELL = ['manifest.webmanifest', 'icons/icon-192.png', 'icons/icon-512.png', 'icons/icon-maskable-512.png'].map((p) =>
  new URL(p, SCOPE).toString(),
);

/** Paths that are live data, never cached or answered by the worker. */
function isLiveData(url: URL): boolean {
  return url.pathname.startsWith('/api/') || url.pathname === '/api' || url.pathname.startsWith('/ws/') || url.pathname === '/ws';
}

/** The scripts, styles and icons the console page loads (from its HTML: hashed file names). */
function assetsOf(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/\s(?:src|href)="([^"]+)"/g)) {
    const url = new URL(match[1] ?? '', PAGE);
    if (url.origin === SCOPE.origin && !isLiveData(url) && /\.(?:js|css|png|svg|webmanifest)$/.test(url.pathname)) found.add(url.toString());
  }
  return [...found];
}

async function cacheShell(): Promise<void> {
  const cache = await caches.open(CACHE);
  const page = await fetch(PAGE, { cache: 'no-cache' });
  if (!page.ok) throw new Error(`console page: ${page.status}`);
  const html = await page.clone().text();
  await cache.put(PAGE, page);
  await cache.addAll([...new Set([...SHELL, ...assetsOf(html)])]);
}

worker.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('lobby-console-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => worker.clients.claim()),
  );
});

/** Network first; the cached shell when offline. The fresh page replaces the cached one. */
async function page(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(PAGE, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(PAGE);
    if (cached) return cached;
    throw err;
  }
}

/** Cache first: hashed assets never change under the same name. */
async function asset(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || isLiveData(url)) return;
  if (request.mode === 'navigate') {
    if (url.pathname.startsWith(SCOPE.pathname)) event.respondWith(page(request));
    return;
  }
  if (url.pathname.startsWith('/assets/') || url.pathname.startsWith(SCOPE.pathname)) event.respondWith(asset(request));
});

/** A tapped notification opens the console (the page it names), reusing an open window. */
worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { hash?: unknown } | null;
  const hash = typeof data?.hash === 'string' ? data.hash : '';
  event.waitUntil(
    worker.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((w) => w.url.startsWith(PAGE));
      if (open) {
        await open.focus();
        open.postMessage({ type: 'lobby.open', hash });
        return;
      }
      await worker.clients.openWindow(`${PAGE}${hash}`);
    }),
  );
});
