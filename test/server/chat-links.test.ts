import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { ALLOWED_ORIGIN, customerSite, del } from '../support/customer-site.js';

/** C5: click-to-chat links, and the widget's calls from another origin (CORS). */
describe.each(STORE_KINDS)('click-to-chat on %s', (kind) => {
  let t: TestLobby;
  let ada: RepClient;
  let ann: RepClient;

  beforeAll(async () => {
    t = await startTestLobby(kind, customerSite());
    [ada, ann] = await Promise.all([RepClient.login(t.url, 'ada'), RepClient.login(t.url, 'ann')]);
  });
  afterAll(async () => t?.close());

  const tokenOf = (link: { url: string }) => new URL(link.url).searchParams.get('link')!;
  const start = (token: string, json: unknown = { customerName: 'Chad Chat' }, origin?: string) =>
    request(`${t.url}/api/chat/links/${token}/sessions`, { method: 'POST', json, headers: origin ? { origin } : {} });
  const sessionRow = (id: string) => t.lobby.store.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('C5, C7: a link naming no target starts a chat session in the general queue, marked as chat', async () => {
    const made = await ada.post('/api/chat-links', { name: 'Website chat' });
    expect(made.status).toBe(201);
    const link = made.body.link;
    expect(link).toMatchObject({ kind: 'chat', status: 'active', target: { kind: 'general', id: null }, expiresAt: null });
    expect(link.url).toBe(`${t.url}/chat/?link=${tokenOf(link)}`);
    expect(link.snippet).toBe(`<script src="${t.url}/widget/lobby-chat.js" data-lobby-link="${tokenOf(link)}" async></script>`);
    const started = await start(tokenOf(link));
    expect(started.status).toBe(201);
    expect(await sessionRow(started.body.sessionId)).toMatchObject({ queue_id: 'general', origin: 'chat', client_type: 'chat' });
    // Chat sessions are marked as such in every queue view.
    const waiting = (await ann.get('/api/rep/sessions')).body.waiting.find((s: any) => s.id === started.body.sessionId);
    expect(waiting).toMatchObject({ clientType: 'chat', origin: 'chat', queueId: 'general' });
  });

  it.each([
    [{ repId: 'bob' }, 'rep:bob'],
    [{ teamId: 'vendor' }, 'team:vendor'],
    [{ issueCode: 'vpn' }, 'team:helpdesk'],
  ])('C5: a link for %o leads to %s', async (target, queueId) => {
    const link = (await ada.post('/api/chat-links', { name: 'Targeted', ...target })).body.link;
    const started = await start(tokenOf(link));
    expect((await sessionRow(started.body.sessionId)).queue_id).toBe(queueId);
  });

  it('C5: a rep makes chat links for their own queue only', async () => {
    const own = await ann.post('/api/chat-links', { name: 'Ann chat' });
    expect(own.body.link.target).toMatchObject({ kind: 'rep', id: 'ann' });
    expect((await ann.post('/api/chat-links', { name: 'General' , teamId: 'helpdesk' })).status).toBe(403);
    expect((await ann.get('/api/chat-links')).body.links.map((l: any) => l.target.id)).toEqual(['ann']);
  });

  it('C5: a chat link may be given a lifetime, and may be revoked', async () => {
    const link = (await ada.post('/api/chat-links', { name: 'Campaign', expiresInMinutes: 5 })).body.link;
    t.clock.advance(5 * 60_000);
    expect((await start(tokenOf(link))).body.error.code).toBe('link_expired');
    const other = (await ada.post('/api/chat-links', { name: 'Revoked' })).body.link;
    expect((await del(ada, `/api/chat-links/${other.id}`)).body.link.status).toBe('revoked');
    const info = await request(`${t.url}/api/chat/links/${tokenOf(other)}`);
    expect(info.status).toBe(410);
  });

  describe('C5: calls from other web pages', () => {
    let token: string;
    beforeAll(async () => {
      token = tokenOf((await ada.post('/api/chat-links', { name: 'Shop chat', teamId: 'helpdesk' })).body.link);
    });

    it('an allowed origin is answered with CORS headers, preflight included', async () => {
      const pre = await fetch(`${t.url}/api/chat/links/${token}/sessions`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      const res = await fetch(`${t.url}/api/chat/links/${token}`, { headers: { origin: ALLOWED_ORIGIN } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect((await res.json()).link).toEqual({ name: 'Shop chat', targetName: 'Helpdesk', expiresAt: null });
    });

    it('the widget’s whole conversation works from the allowed origin', async () => {
      const started = await start(token, { customerName: 'Sam Shop' }, ALLOWED_ORIGIN);
      expect(started.status).toBe(201);
      const auth = { authorization: `Bearer ${started.body.customerToken}`, origin: ALLOWED_ORIGIN };
      await ann.post(`/api/rep/sessions/${started.body.sessionId}/accept`);
      const sent = await request(`${t.url}/api/customer/messages`, { method: 'POST', json: { text: 'Hi from the shop' }, headers: auth });
      expect(sent.status).toBe(201);
      const pre = await fetch(`${t.url}/api/customer/session`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expect(pre.status).toBe(204);
      const view = await fetch(`${t.url}/api/customer/session`, { headers: auth });
      expect(view.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect((await view.json()).messages.map((m: any) => m.text)).toEqual(['Hi from the shop']);
      const left = await request(`${t.url}/api/customer/leave`, { method: 'POST', json: {}, headers: auth });
      expect(left.body.session).toMatchObject({ state: 'ended', endReason: 'abandoned' });
    });

    it('any other origin is refused, preflight and call, and starts nothing', async () => {
      const evil = 'https://evil.example.net';
      const pre = await fetch(`${t.url}/api/chat/links/${token}/sessions`, { method: 'OPTIONS', headers: { origin: evil, 'access-control-request-method': 'POST' } });
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      const before = await t.lobby.store.db.selectFrom('sessions').select('id').execute();
      const res = await start(token, { customerName: 'Eve' }, evil);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      // The refused page may read why (the widget tells the customer), and nothing more.
      const info = await fetch(`${t.url}/api/chat/links/${token}`, { headers: { origin: evil } });
      expect(info.status).toBe(403);
      expect(info.headers.get('access-control-allow-origin')).toBe(evil);
      expect((await info.json()).error.message).toBe('This web site is not allowed to use the support chat.');
      expect((await start(token, {}, 'null')).status).toBe(403);
      expect(await t.lobby.store.db.selectFrom('sessions').select('id').execute()).toHaveLength(before.length);
    });

    it('pages of the Lobby itself, and callers that are not browsers, need no listing', async () => {
      expect((await start(token, {}, t.url)).status).toBe(201);
      expect((await start(token, {})).status).toBe(201);
    });

    it('the rep API is never opened to other origins', async () => {
      const pre = await fetch(`${t.url}/api/rep/sessions`, { method: 'OPTIONS', headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'GET' } });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('the live feed refuses a socket from another origin, and takes one from an allowed origin', async () => {
      const started = await start(token, { customerName: 'Wes Socket' }, ALLOWED_ORIGIN);
      const url = `${t.url.replace('http', 'ws')}/ws/customer?token=${encodeURIComponent(started.body.customerToken)}`;
      const closed = await new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { origin: 'https://evil.example.net' });
        ws.on('close', (code) => resolve(code));
      });
      expect(closed).toBe(4403);
      const snapshot = await new Promise<any>((resolve) => {
        const ws = new WebSocket(url, { origin: ALLOWED_ORIGIN });
        ws.on('message', (raw) => {
          resolve(JSON.parse(String(raw)));
          ws.close();
        });
      });
      expect(snapshot).toMatchObject({ type: 'snapshot', session: { state: 'waiting', clientType: 'chat', queueName: 'Helpdesk' } });
    });
  });
});
