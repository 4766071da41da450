/**
 * C5: which web pages may call the customer API from the browser. A page on the Lobby's
 * own origin always may; another origin only when the site lists it in `allowedOrigins`.
 */

export type OriginVerdict = 'none' | 'same' | 'allowed' | 'refused';

/** `https://Example.com:443` → `https://example.com`; null when it is not an http(s) origin. */
export function normalizeOrigin(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin;
}

/**
 * `none`: no Origin header (not a browser's cross-origin call); `same`: the page came from
 * this server (its host is the request's Host); `allowed`: listed; `refused`: anything else,
 * including the opaque origin `null`.
 */
export function judgeOrigin(origin: string | undefined, host: string | undefined, allowed: readonly string[]): OriginVerdict {
  if (origin === undefined || origin === '') return 'none';
  const normalized = normalizeOrigin(origin);
  if (normalized === null) return 'refused';
  if (host !== undefined && new URL(normalized).host === host.toLowerCase()) return 'same';
  return allowed.some((a) => normalizeOrigin(a) === normalized) ? 'allowed' : 'refused';
}
