/**
 * The customer's session token lives in sessionStorage: a reload of the tab keeps the
 * session, closing the tab forgets it, and other tabs never see it.
 */
const KEY = 'lobby.customerToken';

export function readCustomerToken(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null; // storage blocked: the session lasts as long as the page
  }
}

export function saveCustomerToken(token: string): void {
  try {
    window.sessionStorage.setItem(KEY, token);
  } catch {
    // storage blocked: keep going without reload survival
  }
}

export function forgetCustomerToken(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
