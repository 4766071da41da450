/**
 * Starts a real Lobby (real store, real HTTP and WebSocket on a free port) driven by a
 * manual clock, and gives tests small clients for reps and customers.
 */
import WebSocket from 'ws';
import type { StoreKind } from '../../src/store/store.js';
import { ManualClock } from '../../src/engine/clock.js';
import { startLobby, type RunningLobby } from '../../src/main.js';
import { importSiteConfig } from '../../src/config/import-config.js';
import { openTestStore } from './test-stores.js';
import { FIXTURE_PASSWORD, FIXTURE_SITE } from './fixture-site.js';

export interface TestLobby {
  lobby: RunningLobby;
  clock: ManualClock;
  url: string;
  close(): Promise<void>;
}

export async function startTestLobby(kind: StoreKind, site: unknown = FIXTURE_SITE): Promise<TestLobby> {
  const t = await openTestStore(kind);
  const clock = new ManualClock();
  await importSiteConfig(t.store, site, clock.now());
  const lobby = await startLobby({ host: '127.0.0.1', port: 0, dataDir: '', demo: false, logLevel: 'silent', clock, store: t.store });
  return {
    lobby,
    clock,
    url: lobby.url,
    async close() {
      await lobby.close();
      await t.close();
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
}

export async function request<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Reply<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A logged-in rep: cookie and CSRF token, and the requests the console makes. */
export class RepClient {
  constructor(
    readonly base: string,
    readonly cookie: string,
    readonly csrf: string,
    readonly id: string,
  ) {}

  static async login(base: string, login: string, password = FIXTURE_PASSWORD): Promise<RepClient> {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password }),
    });
    if (res.status !== 200) throw new Error(`login ${login} failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { csrfToken: string; user: { id: string } };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return new RepClient(base, cookie, body.csrfToken, body.user.id);
  }

  get<T = any>(path: string): Promise<Reply<T>> {
    return request<T>(`${this.base}${path}`, { headers: { cookie: this.cookie } });
  }

  post<T = any>(path: string, json: unknown = {}): Promise<Reply<T>> {
    return request<T>(`${this.base}${path}`, { method: 'POST', json, headers: { cookie: this.cookie, 'x-csrf-token': this.csrf } });
  }

  socket(): Promise<LiveSocket> {
    return LiveSocket.open(`${this.base.replace('http', 'ws')}/ws/rep`, { cookie: this.cookie });
  }
}

/** A WebSocket whose messages can be awaited by predicate; nothing sleeps. */
export class LiveSocket {
  readonly received: any[] = [];
  private waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      this.received.push(msg);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(msg)) return true;
        w.resolve(msg);
        return false;
      });
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<LiveSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const socket = new LiveSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  /** The first message, already received or still to come, that matches. */
  next(match: (m: any) => boolean): Promise<any> {
    const seen = this.received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  event(type: string, sessionId?: string): Promise<any> {
    return this.next((m) => m.type === 'event' && m.event.type === type && (sessionId === undefined || m.event.sessionId === sessionId)).then(
      (m) => m.event,
    );
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export async function startIssueSession(base: string, issueCode: string, customerName = 'Carla Customer') {
  const res = await request(`${base}/api/portal/sessions`, { method: 'POST', json: { issueCode, customerName, details: 'It is broken.' } });
  if (res.status !== 201) throw new Error(`issue submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { sessionId: string; customerToken: string };
}

export function customerGet(base: string, token: string, path: string) {
  return request(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

export function customerPost(base: string, token: string, path: string, json: unknown = {}) {
  return request(`${base}${path}`, { method: 'POST', json, headers: { authorization: `Bearer ${token}` } });
}
