/**
 * Load clients: reps (HTTP login, a rep console WebSocket, offers answered over HTTP) and
 * customers (the portal's issue form over HTTP). Only ever 127.0.0.1.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { BENCH_PASSWORD } from './bench-site.js';

/** One keep-alive pool for every client: the server sees a few connections, as behind a proxy. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

export interface HttpReply {
  status: number;
  body: unknown;
  headers: http.IncomingHttpHeaders;
}

export function request(base: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  const url = new URL(path, base);
  if (url.hostname !== '127.0.0.1') throw new Error(`benchmarks only talk to 127.0.0.1, not ${url.hostname}`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface OfferSeen {
  offerId: string;
  sessionId: string;
  /** performance.now() when the frame arrived. */
  at: number;
}

/** A rep with a live console: logged in, one WebSocket, answers over HTTP. */
export class RepClient {
  private cookie = '';
  private csrf = '';
  private socket: WebSocket | null = null;
  /** Called for each offer made to this rep, as it arrives on the socket. */
  onOffer: ((offer: OfferSeen, rep: RepClient) => void) | null = null;
  /** Called with the arrival time of every `session.queued` event into `watchQueue`. */
  onQueued: ((sessionId: string, at: number) => void) | null = null;
  watchQueue: string | null = null;
  /** WebSocket messages received: what the console's fan-out costs, counted where it arrives. */
  frames = 0;

  constructor(
    readonly base: string,
    readonly login: string,
  ) {}

  async logIn(): Promise<void> {
    const reply = await request(this.base, 'POST', '/api/auth/login', { login: this.login, password: BENCH_PASSWORD });
    if (reply.status !== 200) throw new Error(`login ${this.login}: ${reply.status} ${JSON.stringify(reply.body)}`);
    const setCookie = reply.headers['set-cookie']?.[0] ?? '';
    this.cookie = setCookie.split(';')[0] ?? '';
    this.csrf = (reply.body as { csrfToken: string }).csrfToken;
  }

  /** Opens the console socket; resolves at the server's `hello` (the rep is logged in, A1). */
  connect(): Promise<void> {
    const url = new URL('/ws/rep', this.base.replace(/^http/, 'ws'));
    const socket = new WebSocket(url, { headers: { cookie: this.cookie }, perMessageDeflate: false });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (data) => {
        const at = performance.now();
        this.frames += 1;
        const text = String(data);
        if (text.startsWith('{"type":"hello"')) {
          resolve();
          return;
        }
        // Most frames are queue changes for the rep's teams; parse only what a client acts on.
        if (this.onOffer !== null && text.includes('"offer.made"')) {
          const e = (JSON.parse(text) as { event?: { type: string; repId: string | null; sessionId: string; data: { offerId: string } } }).event;
          if (e?.type === 'offer.made' && e.repId === this.login) this.onOffer({ offerId: e.data.offerId, sessionId: e.sessionId, at }, this);
        }
        if (this.onQueued !== null && this.watchQueue !== null && text.includes('"session.queued"') && text.includes(this.watchQueue)) {
          const e = (JSON.parse(text) as { event?: { type: string; queueId: string | null; sessionId: string } }).event;
          if (e?.type === 'session.queued' && e.queueId === this.watchQueue) this.onQueued(e.sessionId, at);
        }
      });
    });
  }

  private post(path: string): Promise<HttpReply> {
    return request(this.base, 'POST', path, undefined, { cookie: this.cookie, 'x-csrf-token': this.csrf });
  }

  async acceptOffer(offerId: string): Promise<HttpReply> {
    return this.post(`/api/rep/offers/${offerId}/accept`);
  }

  async endSession(sessionId: string): Promise<HttpReply> {
    return this.post(`/api/rep/sessions/${sessionId}/end`);
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (socket === null || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }
}

/** A customer on the portal's issue form (C3); resolves to the new session's id. */
export async function submitIssue(base: string, issueCode: string, name: string): Promise<string> {
  return (await startSession(base, issueCode, name)).sessionId;
}

export async function startSession(base: string, issueCode: string, name: string): Promise<{ sessionId: string; customerToken: string }> {
  const reply = await request(base, 'POST', '/api/portal/sessions', { issueCode, customerName: name });
  if (reply.status !== 201) throw new Error(`issue form: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as { sessionId: string; customerToken: string };
}

/** The customer's own view of their session (what their waiting page shows). */
export async function customerView(base: string, token: string): Promise<unknown> {
  return (await request(base, 'GET', '/api/customer/session', undefined, { authorization: `Bearer ${token}` })).body;
}
