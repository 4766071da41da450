/**
 * The customer's session token lives in sessionStorage: a reload of the tab keeps the
 * session, closing the tab forgets it, and other tabs never see it.
 */
const KEY = 'lobby.customerToken';

/** `key`: the portal's token by default; the chat widget keeps one per click-to-chat link. */
export function readCustomerToken(key = KEY): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null; // storage blocked: the session lasts as long as the page
  }
}

export function saveCustomerToken(token: string, key = KEY): void {
  try {
    window.sessionStorage.setItem(key, token);
  } catch {
    // storage blocked: keep going without reload survival
  }
}

export function forgetCustomerToken(key = KEY): void {
  try {
    window.sessionStorage.removeItem(key);
  } catch {
    // nothing stored
  }
}
