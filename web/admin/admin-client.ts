import { ApiError } from '../shared/api.js';
import type { AuthResponse } from '../shared/api-types.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** One problem in a configuration (YAML import): where and what. */
export interface ConfigIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** An ApiError that keeps the server's whole field path (`waiting.overflowQueue`) and, for imports, every error. */
export class AdminApiError extends ApiError {
  readonly path: string | null;
  readonly issues: ConfigIssue[];

  constructor(status: number, code: string, message: string, path: string | null, issues: ConfigIssue[]) {
    super(status, code, message, path);
    this.name = 'AdminApiError';
    this.path = path;
    this.issues = issues;
  }
}

/**
 * The signed-in admin's (or lead's) API calls: JSON in and out, the CSRF token on every
 * change (X1), a stale token re-read once, and a lost login sent back to the login form.
 */
export class AdminClient {
  #csrfToken: string;
  readonly #onSignedOut: () => void;

  constructor(csrfToken: string, onSignedOut: () => void) {
    this.#csrfToken = csrfToken;
    this.#onSignedOut = onSignedOut;
  }

  get<T>(path: string): Promise<T> {
    return this.#call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.#call<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.#call<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.#call<T>('DELETE', path);
  }

  async #call<T>(method: Method, path: string, body?: unknown, retried = false): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = this.#csrfToken;
    let response: Response;
    try {
      response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch {
      throw new AdminApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.', null, []);
    }
    if (response.ok) return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
    const error = await toError(response);
    if (error.code === 'csrf' && !retried) {
      const me = await this.get<AuthResponse>('/api/auth/me');
      this.#csrfToken = me.csrfToken;
      return this.#call<T>(method, path, body, true);
    }
    if (error.status === 401) this.#onSignedOut();
    throw error;
  }
}

async function toError(response: Response): Promise<AdminApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: a generic message below.
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const issues = isRecord(body) && Array.isArray(body.errors) ? (body.errors as ConfigIssue[]) : [];
  return new AdminApiError(
    response.status,
    typeof error.code === 'string' ? error.code : `http_${response.status}`,
    typeof error.message === 'string' ? error.message : `The server answered ${response.status}.`,
    typeof error.field === 'string' ? error.field : null,
    issues,
  );
}
