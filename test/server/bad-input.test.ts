import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';

/** X3, C8: malformed or oversized input gets a 4xx naming the field, and nothing is stored. */
describe.each(STORE_KINDS)('bad input on %s', (kind) => {
  let t: TestLobby;
  beforeAll(async () => {
    t = await startTestLobby(kind);
  });
  afterAll(async () => t?.close());

  const counts = async () => {
    const db = t.lobby.store.db;
    const [s, e] = await Promise.all([
      db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return [Number(s.n), Number(e.n)];
  };

  const submit = (json: unknown) => request(`${t.url}/api/portal/sessions`, { method: 'POST', json });

  it.each([
    ['C8: a name over 100 characters', { issueCode: 'printer', customerName: 'x'.repeat(101) }, 'customerName'],
    ['C8: a company over 100 characters', { issueCode: 'printer', customerName: 'A', customerCompany: 'é'.repeat(101) }, 'customerCompany'],
    ['C8: details over 1,024 bytes', { issueCode: 'printer', customerName: 'A', details: 'ü'.repeat(513) }, 'details'],
    ['C3: a missing name', { issueCode: 'printer', customerName: '   ' }, 'customerName'],
    ['C3: an unknown issue', { issueCode: 'no-such-issue', customerName: 'A' }, 'issueCode'],
    ['a field of the wrong type', { issueCode: 'printer', customerName: 42 }, 'customerName'],
    ['an unknown field', { issueCode: 'printer', customerName: 'A', admin: true }, 'admin'],
    ['a missing required field', { customerName: 'A' }, 'issueCode'],
  ])('%s is refused with an error naming the field, and nothing is stored', async (_name, body, field) => {
    const before = await counts();
    const res = await submit(body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message.length).toBeGreaterThan(5);
    expect(await counts()).toEqual(before);
  });

  it('C8: a name of exactly 100 characters and details of exactly 1,024 bytes are accepted', async () => {
    const res = await submit({ issueCode: 'printer', customerName: 'x'.repeat(100), details: 'ü'.repeat(512) });
    expect(res.status).toBe(201);
  });

  it('malformed JSON gets a 400, not a crash', async () => {
    const res = await fetch(`${t.url}/api/portal/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"issueCode":' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBeTruthy();
  });

  it('commands on unknown sessions get not_found', async () => {
    const rep = await RepClient.login(t.url, 'ann');
    const res = await rep.post('/api/rep/sessions/00000000-0000-0000-0000-000000000000/accept');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('an empty or oversized chat message is refused', async () => {
    const rep = await RepClient.login(t.url, 'ann');
    const created = (await submit({ issueCode: 'printer', customerName: 'A' })).body;
    await rep.post(`/api/rep/sessions/${created.sessionId}/accept`);
    const before = await counts();
    const empty = await rep.post(`/api/rep/sessions/${created.sessionId}/messages`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('text');
    const long = await rep.post(`/api/rep/sessions/${created.sessionId}/messages`, { text: 'x'.repeat(4001) });
    expect(long.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('X2: a customer call with a wrong token reaches nothing', async () => {
    const res = await request(`${t.url}/api/customer/session`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(res.status).toBe(401);
    const none = await request(`${t.url}/api/customer/session`);
    expect(none.status).toBe(401);
  });
});
