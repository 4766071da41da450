import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';

describe.each(STORE_KINDS)('rep authentication on %s', (kind) => {
  let t: TestLobby;
  beforeAll(async () => {
    t = await startTestLobby(kind);
  });
  afterAll(async () => t?.close());

  it('X1: a wrong password and an unknown login get the same answer, and no cookie', async () => {
    const wrong = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'ann', password: 'nope' }),
    });
    const unknown = await request(`${t.url}/api/auth/login`, { method: 'POST', json: { login: 'zed', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const wrongBody = await wrong.json();
    expect(wrongBody).toEqual(unknown.body);
    expect(wrongBody.error.code).toBe('invalid_credentials');
  });

  it('X1: passwords are stored only as slow salted hashes', async () => {
    const rows = await t.lobby.store.db.selectFrom('users').select('password_hash').execute();
    const hashes = rows.map((r) => r.password_hash);
    expect(hashes.every((h) => h.startsWith('scrypt$32768$'))).toBe(true);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('X1: login sets an HTTP-only SameSite=Strict cookie, and me/logout work with it', async () => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'ann', password: 'correct horse' }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const rep = await RepClient.login(t.url, 'ann');
    const me = await rep.get('/api/auth/me');
    expect(me.body.user).toMatchObject({ id: 'ann', displayName: 'Ann Archer' });
    expect((await rep.post('/api/auth/logout')).status).toBe(204);
    expect((await rep.get('/api/auth/me')).status).toBe(401);
    expect((await rep.get('/api/rep/sessions')).status).toBe(401);
  });

  it('X1: a state-changing request without the CSRF header is refused and changes nothing', async () => {
    const rep = await RepClient.login(t.url, 'ann');
    const res = await request(`${t.url}/api/rep/session-keys`, { method: 'POST', json: {}, headers: { cookie: rep.cookie } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf');
    const keys = await t.lobby.store.db.selectFrom('session_keys').selectAll().execute();
    expect(keys).toHaveLength(0);
  });

  it('the rep WebSocket refuses a connection without a login', async () => {
    const { default: WebSocket } = await import('ws');
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/ws/rep`);
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4401);
  });

  it('serves an OpenAPI document naming every HTTP route', async () => {
    const res = await request(`${t.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/healthz',
      '/api/auth/login',
      '/api/auth/me',
      '/api/auth/logout',
      '/api/portal/issues',
      '/api/portal/sessions',
      '/api/portal/session-key',
      '/api/customer/session',
      '/api/customer/messages',
      '/api/customer/leave',
      '/api/rep/queues',
      '/api/rep/sessions',
      '/api/rep/sessions/{id}',
      '/api/rep/sessions/{id}/accept',
      '/api/rep/sessions/{id}/messages',
      '/api/rep/sessions/{id}/end',
      '/api/rep/session-keys',
    ]) {
      expect(paths).toContain(p);
    }
  });
});
