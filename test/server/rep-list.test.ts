import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type LiveSocket, type TestLobby } from '../support/lobby-harness.js';
import { customerSite, customerView, goOnline } from '../support/customer-site.js';
import { SESSION_STARTS_PER_MINUTE } from '../../src/server/routes/rep-list-routes.js';

/** C2: the portal's representative list. */
describe.each(STORE_KINDS)('representative list on %s', (kind) => {
  let t: TestLobby;
  let ann: RepClient;
  let bob: RepClient;
  let eve: RepClient;
  let abe: RepClient;
  const online: LiveSocket[] = [];

  beforeAll(async () => {
    t = await startTestLobby(kind, customerSite());
    [ann, bob, eve, abe] = await Promise.all([RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob'), RepClient.login(t.url, 'eve'), RepClient.login(t.url, 'abe')]);
    for (const rep of [bob, eve, abe, ann]) online.push(await goOnline(rep));
  });
  afterAll(async () => {
    for (const s of online) await s.close();
    await t?.close();
  });

  const list = async () => (await request(`${t.url}/api/portal/reps`)).body.reps as { id: string; name: string }[];
  const choose = (json: unknown) => request(`${t.url}/api/portal/rep-sessions`, { method: 'POST', json });
  const sessionCount = async () =>
    Number((await t.lobby.store.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('C2: lists logged-in reps whose policy allows it, in order of display number; never a login', async () => {
    const reps = await list();
    // Display numbers: ann 1, bob 2, eve 5 (her policy keeps her off), abe 6.
    expect(reps.map((r) => r.name)).toEqual(['Ann Archer', 'Bob Baker', 'Abe Able']);
    for (const r of reps) expect(r.id).not.toMatch(/^(ann|abe|bob)$/);
  });

  it('C2: reps who are not logged in, or switched the listing off, are not listed; the switch lasts', async () => {
    // cara and dan never connected; ada (admin) has showOnRepList: false.
    expect((await list()).map((r) => r.name)).not.toContain('Cara Cole');
    expect((await bob.post('/api/rep/listing', { listed: false })).body).toEqual({ listed: false, canBeListed: true });
    expect((await list()).map((r) => r.name)).toEqual(['Ann Archer', 'Abe Able']);
    expect((await bob.get('/api/rep/listing')).body).toEqual({ listed: false, canBeListed: true });
    expect((await eve.get('/api/rep/listing')).body).toEqual({ listed: true, canBeListed: false });
    expect((await bob.post('/api/rep/listing', { listed: true })).body.listed).toBe(true);
    expect((await list()).map((r) => r.name)).toContain('Bob Baker');
  });

  it('C2, Q1: choosing a rep puts the session in that rep’s personal queue', async () => {
    const abeEntry = (await list()).find((r) => r.name === 'Abe Able')!;
    const res = await choose({ repId: abeEntry.id, customerName: 'Lee List', details: 'Abe helped me before.' });
    expect(res.status).toBe(201);
    const row = await t.lobby.store.db.selectFrom('sessions').selectAll().where('id', '=', res.body.sessionId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ queue_id: 'rep:abe', origin: 'rep_list', client_type: 'standard', customer_name: 'Lee List' });
    expect((await customerView(t.url, res.body.customerToken)).queueName).toBe('Abe Able (personal)');
    const waiting = (await abe.get('/api/rep/sessions')).body.waiting;
    expect(waiting.map((s: any) => s.id)).toContain(res.body.sessionId);
  });

  it('C2: a rep who went away between page load and submit gets a clear error naming the rep field', async () => {
    const bobEntry = (await list()).find((r) => r.name === 'Bob Baker')!;
    await bob.post('/api/rep/listing', { listed: false });
    const before = await sessionCount();
    const res = await choose({ repId: bobEntry.id, customerName: 'Late Larry' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'rep_unavailable',
      message: 'That representative is no longer available. Please choose another one.',
      field: 'repId',
    });
    expect(await sessionCount()).toBe(before);
    await bob.post('/api/rep/listing', { listed: true });
  });

  it('C2, A1: a rep whose console disconnected is listed through the grace period, then not', async () => {
    const bobSocket = online.shift()!;
    const gone = new Promise((resolve) => {
      const off = t.lobby.engine.bus.subscribe((e) => {
        if (e.type === 'rep.state' && e.repId === 'bob' && e.data.connected === false) resolve(off());
      });
    });
    await bobSocket.close();
    await gone;
    expect((await list()).map((r) => r.name)).toContain('Bob Baker');
    t.clock.advance(60_000);
    await t.lobby.engine.timersIdle();
    expect((await list()).map((r) => r.name)).not.toContain('Bob Baker');
    online.push(await goOnline(bob));
  });

  it.each([
    ['C2: a missing name', { customerName: ' ' }, 'customerName'],
    ['C8: a name over 100 characters', { customerName: 'n'.repeat(101) }, 'customerName'],
    ['C8: a company over 100 characters', { customerName: 'A', customerCompany: 'c'.repeat(101) }, 'customerCompany'],
    ['C8: details over 1,024 bytes', { customerName: 'A', details: 'ß'.repeat(513) }, 'details'],
    ['an unknown field', { customerName: 'A', queueId: 'general' }, 'queueId'],
  ])('%s is refused naming the field, and nothing is stored', async (_name, body, field) => {
    const annEntry = (await list()).find((r) => r.name === 'Ann Archer')!;
    const before = await sessionCount();
    const res = await choose({ repId: annEntry.id, ...body });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(await sessionCount()).toBe(before);
  });

  it('C2: an unknown rep id and a missing one are refused', async () => {
    expect((await choose({ repId: 'ann', customerName: 'A' })).body.error.code).toBe('rep_unavailable');
    expect((await choose({ customerName: 'A' })).body.error.field).toBe('repId');
  });

  it('the listing switch needs a logged-in rep and the CSRF header', async () => {
    expect((await request(`${t.url}/api/rep/listing`)).status).toBe(401);
    const noCsrf = await request(`${t.url}/api/rep/listing`, { method: 'POST', json: { listed: false }, headers: { cookie: ann.cookie } });
    expect(noCsrf.status).toBe(403);
    expect((await ann.post('/api/rep/listing', { listed: 'no' })).body.error.field).toBe('listed');
  });

  it('(beyond) starting sessions is rate limited per client address', async () => {
    const annEntry = (await list()).find((r) => r.name === 'Ann Archer')!;
    let limited = null;
    for (let i = 0; i <= SESSION_STARTS_PER_MINUTE && !limited; i++) {
      const res = await choose({ repId: annEntry.id, customerName: `Flood ${i}` });
      if (res.status === 429) limited = res;
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    t.clock.advance(60_001);
    expect((await choose({ repId: annEntry.id, customerName: 'Patient Pat' })).status).toBe(201);
  });
});
