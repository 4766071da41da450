/**
 * SPEC I3, X1: only admins read or change the site's configuration. Every admin route in
 * the server's own OpenAPI document is tried as nobody, as a customer (bearer token) and as
 * a rep: 401, 401 and 403 — and afterwards nothing has changed. The team dashboard admits
 * leads, managers and admins only.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startIssueSession, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { ADMIN_SITE, AdminClient } from '../support/admin-client.js';

interface Operation {
  method: string;
  path: string;
  url: string;
}

/** Every operation of the OpenAPI document under `prefix`, path parameters filled in. */
async function operations(base: string, prefix: string): Promise<Operation[]> {
  const doc = (await request(`${base}/api/openapi.json`)).body;
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .filter(([path]) => path.startsWith(prefix))
    .flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path, url: `${base}${path.replace(/\{[^}]+\}/g, 'x')}` })),
    );
}

function send(op: Operation, headers: Record<string, string>) {
  return request(op.url, { method: op.method, headers, ...(op.method === 'GET' ? {} : { json: { name: 'Hacked', siteName: 'Hacked' } }) });
}

function closeCode(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('close', (code) => resolve(code));
    ws.once('error', reject);
  });
}

describe.each(STORE_KINDS)('admin authorization on %s', (kind) => {
  let t: TestLobby;
  let admin: AdminClient;
  let ann: RepClient;
  let customerToken: string;
  let adminOps: Operation[];

  beforeAll(async () => {
    t = await startTestLobby(kind, ADMIN_SITE);
    admin = await AdminClient.as(t.url, 'root');
    ann = await RepClient.login(t.url, 'ann');
    ({ customerToken } = await startIssueSession(t.url, 'printer'));
    adminOps = await operations(t.url, '/api/admin/');
  });
  afterAll(async () => t?.close());

  const snapshot = async () => ({
    config: await (await fetch(`${t.url}/api/admin/config/export`, { headers: { cookie: admin.cookie } })).text(),
    audit: (await admin.get('/api/admin/audit?limit=500')).body.entries.length,
  });

  it('the OpenAPI document lists every admin route (so the loops below cover them all)', () => {
    const names = adminOps.map((o) => `${o.method} ${o.path}`);
    expect(names.length).toBeGreaterThanOrEqual(28);
    for (const expected of [
      'GET /api/admin/config',
      'GET /api/admin/config/export',
      'POST /api/admin/config/import',
      'PATCH /api/admin/site',
      'PATCH /api/admin/general-queue',
      'GET /api/admin/audit',
      'POST /api/admin/users',
      'PATCH /api/admin/users/{login}',
      'POST /api/admin/users/{login}/password',
      'DELETE /api/admin/policies/{id}',
      'PATCH /api/admin/teams/{id}',
      'PATCH /api/admin/skills/{id}',
      'DELETE /api/admin/issues/{code}',
      'GET /api/admin/offers/{id}',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it('I3: nobody, a customer and a rep get 401, 401 and 403 from every admin route, and nothing changes', async () => {
    const before = await snapshot();
    for (const op of adminOps) {
      const anonymous = await send(op, {});
      expect(anonymous.status, `anonymous ${op.method} ${op.path}`).toBe(401);
      expect(anonymous.body.error.code).toBe('unauthorized');
      const customer = await send(op, { authorization: `Bearer ${customerToken}` });
      expect(customer.status, `customer ${op.method} ${op.path}`).toBe(401);
      const rep = await send(op, { cookie: ann.cookie, 'x-csrf-token': ann.csrf });
      expect(rep.status, `rep ${op.method} ${op.path}`).toBe(403);
      expect(rep.body.error.code).toBe('forbidden');
    }
    expect(await snapshot()).toEqual(before);
    const changed = await t.lobby.store.db.selectFrom('events').select('seq').where('type', '=', 'config.changed').execute();
    expect(changed).toEqual([]);
  });

  it('X1: an admin’s state-changing request without the CSRF header is refused', async () => {
    const before = await snapshot();
    for (const op of adminOps.filter((o) => o.method !== 'GET')) {
      const res = await send(op, { cookie: admin.cookie });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
      expect(res.body.error.code).toBe('csrf');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('the admin pages’ HTML is public (it is the login form); their data is not', async () => {
    const page = await fetch(`${t.url}/admin/`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('Helpdesk');
  });

  it('T1, A6: the team dashboard is for leads, managers and admins; members, customers and nobody are refused', async () => {
    const ops = await operations(t.url, '/api/team/');
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual(['GET /api/team/dashboard', 'POST /api/team/sessions/{id}/take-over']);
    for (const op of ops) {
      expect((await send(op, {})).status).toBe(401);
      expect((await send(op, { authorization: `Bearer ${customerToken}` })).status).toBe(401);
      expect((await send(op, { cookie: ann.cookie, 'x-csrf-token': ann.csrf })).status).toBe(403);
    }
    const ws = `${t.url.replace('http', 'ws')}/ws/team`;
    expect(await closeCode(ws, {})).toBe(4401);
    expect(await closeCode(ws, { cookie: ann.cookie })).toBe(4403);
    const bob = await RepClient.login(t.url, 'bob');
    expect((await bob.get('/api/team/dashboard')).status).toBe(200);
    expect((await admin.get('/api/team/dashboard')).status).toBe(200);
  });
});
