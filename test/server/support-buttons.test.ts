import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { customerSite, customerView, del } from '../support/customer-site.js';

/** C4: support buttons, made by admins for any rep, team or issue and by reps for themselves. */
describe.each(STORE_KINDS)('support buttons on %s', (kind) => {
  let t: TestLobby;
  let ada: RepClient;
  let ann: RepClient;
  let bob: RepClient;

  beforeAll(async () => {
    t = await startTestLobby(kind, customerSite());
    [ada, ann, bob] = await Promise.all([RepClient.login(t.url, 'ada'), RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob')]);
  });
  afterAll(async () => t?.close());

  const tokenOf = (url: string) => url.split('/b/')[1]!;
  const info = (token: string) => request(`${t.url}/api/portal/buttons/${token}`);
  const follow = (token: string, json: unknown = { customerName: 'Bea Button' }) =>
    request(`${t.url}/api/portal/buttons/${token}/sessions`, { method: 'POST', json });
  const sessionRow = (id: string) => t.lobby.store.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const sessionCount = async () =>
    Number((await t.lobby.store.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('C4: an admin makes a button for a team; following it starts a session in the team queue', async () => {
    const made = await ada.post('/api/support-buttons', { name: 'Helpdesk button', teamId: 'helpdesk', expiresInMinutes: 60 });
    expect(made.status).toBe(201);
    const button = made.body.button;
    expect(button).toMatchObject({
      kind: 'button',
      name: 'Helpdesk button',
      status: 'active',
      target: { kind: 'team', id: 'helpdesk', name: 'Helpdesk' },
      issue: null,
      snippet: null,
      createdBy: 'ada',
      expiresAt: t.clock.now() + 60 * 60_000,
    });
    expect(button.url).toMatch(new RegExp(`^${t.url}/b/[A-Za-z0-9_-]{40,}$`));
    const token = tokenOf(button.url);
    expect((await info(token)).body).toEqual({ link: { name: 'Helpdesk button', targetName: 'Helpdesk', expiresAt: button.expiresAt } });
    const started = await follow(token);
    expect(started.status).toBe(201);
    expect(await sessionRow(started.body.sessionId)).toMatchObject({ queue_id: 'team:helpdesk', origin: 'button', customer_name: 'Bea Button' });
  });

  it('C4: a button for a rep leads to the rep’s personal queue, with the issue’s skills and priority', async () => {
    const made = await ada.post('/api/support-buttons', { name: 'Bob VPN', repId: 'bob', issueCode: 'vpn' });
    expect(made.body.button).toMatchObject({ target: { kind: 'rep', id: 'bob', name: 'Bob Baker' }, issue: { code: 'vpn', title: 'VPN access' } });
    // No lifetime given: 7 days.
    expect(made.body.button.expiresAt).toBe(t.clock.now() + 7 * 24 * 60 * 60_000);
    const started = await follow(tokenOf(made.body.button.url), {});
    const row = await sessionRow(started.body.sessionId);
    expect(row).toMatchObject({ queue_id: 'rep:bob', issue_id: 'vpn', priority: 3, customer_name: '' });
    expect(JSON.parse(row.required_skills)).toEqual(['network']);
    expect((await info(tokenOf(made.body.button.url))).body.link.targetName).toBe('Bob Baker');
  });

  it('C4: an admin button for an issue alone leads to the issue’s team queue', async () => {
    const made = await ada.post('/api/support-buttons', { name: 'Outage button', issueCode: 'outage' });
    expect(made.body.button.target).toEqual({ kind: 'issue', id: 'outage', name: 'Service outage' });
    const started = await follow(tokenOf(made.body.button.url));
    expect(await sessionRow(started.body.sessionId)).toMatchObject({ queue_id: 'team:helpdesk', issue_id: 'outage', priority: 5 });
  });

  it('C4, Q1: a rep makes a button for their own personal queue only', async () => {
    const own = await ann.post('/api/support-buttons', { name: 'Ann direct' });
    expect(own.status).toBe(201);
    expect(own.body.button.target).toEqual({ kind: 'rep', id: 'ann', name: 'Ann Archer' });
    const started = await follow(tokenOf(own.body.button.url));
    expect((await sessionRow(started.body.sessionId)).queue_id).toBe('rep:ann');
    for (const body of [{ name: 'x', teamId: 'helpdesk' }, { name: 'x', repId: 'bob' }]) {
      const res = await ann.post('/api/support-buttons', body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await ann.post('/api/support-buttons', { name: 'Ann for herself', repId: 'ann' })).status).toBe(201);
  });

  it('C4: after its lifetime the button answers “This link has expired.” and starts nothing', async () => {
    const made = await ada.post('/api/support-buttons', { name: 'Short', teamId: 'helpdesk', expiresInMinutes: 1 });
    const token = tokenOf(made.body.button.url);
    expect((await info(token)).status).toBe(200);
    t.clock.advance(60_000);
    const before = await sessionCount();
    for (const res of [await info(token), await follow(token)]) {
      expect(res.status).toBe(410);
      expect(res.body.error).toEqual({ code: 'link_expired', message: 'This link has expired.' });
    }
    expect(await sessionCount()).toBe(before);
    const listed = (await ada.get('/api/support-buttons')).body.buttons.find((b: any) => b.id === made.body.button.id);
    expect(listed.status).toBe('expired');
  });

  it('C4: a revoked button is expired at once; an unknown token is not found', async () => {
    const made = await ann.post('/api/support-buttons', { name: 'Revoke me' });
    const revoked = await del(ann, `/api/support-buttons/${made.body.button.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.button).toMatchObject({ status: 'revoked', revokedAt: t.clock.now() });
    expect((await follow(tokenOf(made.body.button.url))).body.error.code).toBe('link_expired');
    const unknown = await follow('no-such-token');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('This link is not valid.');
  });

  it('C4: reps list and revoke only their own buttons; admins see all', async () => {
    const adaButton = (await ada.post('/api/support-buttons', { name: 'Team only', teamId: 'helpdesk' })).body.button;
    const annButtons = (await ann.get('/api/support-buttons')).body.buttons;
    expect(annButtons.length).toBeGreaterThan(0);
    expect(annButtons.every((b: any) => b.target.id === 'ann')).toBe(true);
    expect((await ada.get('/api/support-buttons')).body.buttons.some((b: any) => b.target.id === 'helpdesk')).toBe(true);
    expect((await del(bob, `/api/support-buttons/${adaButton.id}`)).status).toBe(404);
    // A chat link id is not a button id.
    const chat = (await ada.post('/api/chat-links', { name: 'A chat' })).body.link;
    expect((await del(ada, `/api/support-buttons/${chat.id}`)).status).toBe(404);
  });

  it('/b/<token> is the button’s public address: it opens the portal on that button', async () => {
    const made = await ann.post('/api/support-buttons', { name: 'Redirect' });
    const res = await fetch(made.body.button.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/portal/?button=${tokenOf(made.body.button.url)}`);
  });

  it.each([
    ['a missing name', { teamId: 'helpdesk' }, 400, 'name'],
    ['a blank name', { name: '   ', teamId: 'helpdesk' }, 400, 'name'],
    ['no target', { name: 'x' }, 400, 'repId'],
    ['a rep and a team', { name: 'x', repId: 'bob', teamId: 'helpdesk' }, 400, 'teamId'],
    ['an unknown rep', { name: 'x', repId: 'nobody' }, 400, 'repId'],
    ['an unknown team', { name: 'x', teamId: 'nowhere' }, 400, 'teamId'],
    ['an unknown issue', { name: 'x', issueCode: 'nothing' }, 400, 'issueCode'],
    ['a lifetime of 0', { name: 'x', teamId: 'helpdesk', expiresInMinutes: 0 }, 400, 'expiresInMinutes'],
    ['a lifetime over a year', { name: 'x', teamId: 'helpdesk', expiresInMinutes: 525_601 }, 400, 'expiresInMinutes'],
    ['a fractional lifetime', { name: 'x', teamId: 'helpdesk', expiresInMinutes: 1.5 }, 400, 'expiresInMinutes'],
    ['an unknown field', { name: 'x', teamId: 'helpdesk', color: 'red' }, 400, 'color'],
  ])('X3: %s is refused naming the field', async (_what, body, status, field) => {
    const before = await t.lobby.store.db.selectFrom('entry_links').select('id').execute();
    const res = await ada.post('/api/support-buttons', body);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(await t.lobby.store.db.selectFrom('entry_links').select('id').execute()).toHaveLength(before.length);
  });

  it('C8: following a button with oversized input is refused naming the field', async () => {
    const token = tokenOf((await ann.post('/api/support-buttons', { name: 'Limits' })).body.button.url);
    const before = await sessionCount();
    expect((await follow(token, { customerName: 'n'.repeat(101) })).body.error.field).toBe('customerName');
    expect((await follow(token, { details: 'ü'.repeat(513) })).body.error.field).toBe('details');
    expect((await follow(token, { customerName: 7 })).body.error.field).toBe('customerName');
    expect(await sessionCount()).toBe(before);
  });

  it('making buttons needs a logged-in rep and the CSRF header', async () => {
    expect((await request(`${t.url}/api/support-buttons`)).status).toBe(401);
    const noCsrf = await request(`${t.url}/api/support-buttons`, { method: 'POST', json: { name: 'x' }, headers: { cookie: ann.cookie } });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf');
  });

  it('the customer of a button session sees their queue and place', async () => {
    const token = tokenOf((await ada.post('/api/support-buttons', { name: 'Vendor', teamId: 'vendor' })).body.button.url);
    const started = await follow(token);
    const view = await customerView(t.url, started.body.customerToken);
    expect(view).toMatchObject({ state: 'waiting', queueName: 'Vendor support', position: 1 });
  });
});
