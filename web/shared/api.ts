/**
 * Typed fetch for the Lobby API. Every failure becomes an ApiError carrying the server's
 * `{error:{code,message,field?}}`, so pages can show it next to the field it names.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The input the server blamed, reduced to its last path segment ("customerName"). */
  readonly field: string | null;

  constructor(status: number, code: string, message: string, field: string | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export interface RequestOptions {
  /** Rep console: the CSRF token sent as `x-csrf-token` on every POST. */
  csrfToken?: string | null;
  /** Customer calls: `authorization: Bearer <customerToken>`. */
  bearer?: string | null;
  signal?: AbortSignal;
  /**
   * The Lobby's origin when the page is elsewhere (the click-to-chat widget on a customer's
   * web site, C5); such calls carry no cookies. Default: the page's own origin.
   */
  baseUrl?: string | null;
}

/** "/body/customerName", "body.customerName" or "customerName" → "customerName". */
export function fieldName(path: unknown): string | null {
  if (typeof path !== 'string' || path === '') return null;
  const parts = path.split(/[/.]/).filter((p) => p !== '' && p !== 'body');
  return parts[parts.length - 1] ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy page, an empty body): fall through to a generic message.
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  const code = error && typeof error.code === 'string' ? error.code : `http_${response.status}`;
  const message =
    error && typeof error.message === 'string'
      ? error.message
      : `The server answered ${response.status} ${response.statusText}.`.replace(' .', '.');
  return new ApiError(response.status, code, message, fieldName(error?.field));
}

export async function request<T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST' && options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  let response: Response;
  try {
    response = await fetch(options.baseUrl ? new URL(path, options.baseUrl).toString() : path, {
      method,
      headers,
      credentials: options.baseUrl ? 'omit' : 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.', null);
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function getJson<T>(path: string, options?: RequestOptions): Promise<T> {
  return request<T>('GET', path, undefined, options);
}

export function postJson<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
  return request<T>('POST', path, body, options);
}

/** A message for any thrown value, for banners. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
