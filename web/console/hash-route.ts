import { useEffect, useState } from 'react';

export type ConsoleRoute = { page: 'home' } | { page: 'session'; sessionId: string };

/** "#/sessions/<id>" is a session page; anything else is the home page. */
export function parseRoute(hash: string): ConsoleRoute {
  const match = /^#\/sessions\/([^/?#]+)$/.exec(hash);
  return match?.[1] ? { page: 'session', sessionId: decodeURIComponent(match[1]) } : { page: 'home' };
}

export function sessionHref(sessionId: string): string {
  return `#/sessions/${encodeURIComponent(sessionId)}`;
}

/** The console's page, from the URL hash, so a reload or the back button keeps its place. */
export function useHashRoute(): ConsoleRoute {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}
