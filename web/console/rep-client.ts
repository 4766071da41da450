import { ApiError, getJson, postJson } from '../shared/api.js';
import type { AuthResponse } from '../shared/api-types.js';

/**
 * The signed-in rep's API calls. Holds the CSRF token in memory only (X1) and sends it
 * on every POST; a stale token is re-read from /api/auth/me once, and a lost login
 * sends the console back to its login form.
 */
export class RepClient {
  #csrfToken: string;
  readonly #onSignedOut: () => void;

  constructor(csrfToken: string, onSignedOut: () => void) {
    this.#csrfToken = csrfToken;
    this.#onSignedOut = onSignedOut;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    try {
      return await getJson<T>(path, signal ? { signal } : {});
    } catch (err) {
      this.#checkSignedOut(err);
      throw err;
    }
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    try {
      return await postJson<T>(path, body, { csrfToken: this.#csrfToken });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'csrf') {
        const me = await this.get<AuthResponse>('/api/auth/me');
        this.#csrfToken = me.csrfToken;
        return postJson<T>(path, body, { csrfToken: this.#csrfToken });
      }
      this.#checkSignedOut(err);
      throw err;
    }
  }

  /** Asks the server whether the login still holds (after the live connection dropped). */
  async checkLogin(): Promise<void> {
    try {
      await this.get<AuthResponse>('/api/auth/me');
    } catch {
      // #checkSignedOut did the work for a 401; anything else is a network blip.
    }
  }

  #checkSignedOut(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) this.#onSignedOut();
  }
}
