/**
 * Changing support buttons (C4) and click-to-chat links (C5) — what the admin pages do
 * beyond making and revoking them (docs/admin.md): rename, aim elsewhere, give a new
 * lifetime, keeping the address already handed out. Every change is audited. Who may do
 * what: admins everything; a rep only their own links and only for their own queue; a
 * customer nothing. Refusals name the field and change nothing (X3). Real stores, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { AdminClient } from '../support/admin-client.js';
import { customerSite, del } from '../support/customer-site.js';

describe.each(STORE_KINDS)('changing buttons and click-to-chat links on %s', (kind) => {
  let t: TestLobby;
  let ada: AdminClient;
  let ann: AdminClient;

  beforeAll(async () => {
    t = await startTestLobby(kind, customerSite());
    [ada, ann] = await Promise.all([AdminClient.as(t.url, 'ada'), AdminClient.as(t.url, 'ann')]);
  });
  afterAll(async () => t?.close());

  const linkRow = (id: string) => t.lobby.store.db.selectFrom('entry_links').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const chatToken = (link: { url: string }) => new URL(link.url).searchParams.get('link')!;
  const startChat = (token: string) => request(`${t.url}/api/chat/links/${token}/sessions`, { method: 'POST', json: { customerName: 'Cleo Chat' } });
  const queueOf = async (sessionId: string) =>
    (await t.lobby.store.db.selectFrom('sessions').select('queue_id').where('id', '=', sessionId).executeTakeFirstOrThrow()).queue_id;
  const audit = async (entity: string, id: string) => (await ada.get(`/api/admin/audit?entity=${entity}&entityId=${id}`)).body.entries;

  /** X3: the refusal names the field, and the link and the audit log are as they were. */
  async function refusedWithoutChange(id: string, attempt: () => Promise<{ status: number; body: any }>, status: number, field?: string) {
    const [before, audits] = await Promise.all([linkRow(id), (await ada.get('/api/admin/audit?limit=500')).body.entries.length]);
    const res = await attempt();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (field !== undefined) expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).not.toBe('');
    expect(await linkRow(id)).toEqual(before);
    expect((await ada.get('/api/admin/audit?limit=500')).body.entries).toHaveLength(audits);
    return res.body;
  }

  it('C5: an admin renames a chat link and aims it at a team; the snippet already handed out now leads there', async () => {
    const made = (await ada.post('/api/chat-links', { name: 'Website chat' })).body.link;
    const before = await startChat(chatToken(made));
    expect(await queueOf(before.body.sessionId)).toBe('general');

    const res = await ada.patch(`/api/chat-links/${made.id}`, { name: 'Shop chat', teamId: 'vendor' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.link).toMatchObject({
      id: made.id,
      name: 'Shop chat',
      status: 'active',
      target: { kind: 'team', id: 'vendor', name: 'Vendor support' },
      url: made.url,
      snippet: made.snippet,
    });
    const after = await startChat(chatToken(made));
    expect(await queueOf(after.body.sessionId)).toBe('team:vendor');
    expect((await request(`${t.url}/api/chat/links/${chatToken(made)}`)).body.link).toEqual({ name: 'Shop chat', targetName: 'Vendor support', expiresAt: null });

    // Back to the general queue: said explicitly, since an edit that names no target keeps it.
    expect((await ada.patch(`/api/chat-links/${made.id}`, { name: 'Shop chat 2' })).body.link.target.kind).toBe('team');
    expect((await ada.patch(`/api/chat-links/${made.id}`, { general: true })).body.link.target).toEqual({ kind: 'general', id: null, name: 'General queue' });
  });

  it('I3: making, changing and revoking a link are audited — who, what, before and after — and the token never is', async () => {
    const made = (await ada.post('/api/support-buttons', { name: 'Printer help', teamId: 'helpdesk', expiresInMinutes: 60 })).body.button;
    await ada.patch(`/api/support-buttons/${made.id}`, { repId: 'bob', issueCode: 'vpn' });
    await del(ada, `/api/support-buttons/${made.id}`);
    const entries = await audit('support-button', made.id);
    expect(entries.map((e: any) => e.action)).toEqual(['support-button.revoke', 'support-button.update', 'support-button.create']);
    const [revoke, update, create] = entries;
    const expiresAt = new Date(made.expiresAt).toISOString();
    expect(create).toMatchObject({
      actor: { login: 'ada' },
      entity: 'support-button',
      before: null,
      after: { name: 'Printer help', target: 'team:helpdesk', issue: null, createdBy: 'ada', expiresAt, revokedAt: null },
    });
    expect(update).toMatchObject({ before: { target: 'team:helpdesk', issue: null }, after: { target: 'rep:bob', issue: 'vpn' } });
    expect(revoke).toMatchObject({ before: { revokedAt: null }, after: { revokedAt: new Date(t.clock.now()).toISOString() } });
    expect(JSON.stringify(entries)).not.toContain(made.url.split('/b/')[1]);
    // A change that changes nothing is not recorded.
    const link = (await ada.post('/api/chat-links', { name: 'Same' })).body.link;
    expect((await ada.patch(`/api/chat-links/${link.id}`, { name: ' Same ' })).status).toBe(200);
    expect(await audit('chat-link', link.id)).toHaveLength(1);
  });

  it('C4: a new lifetime counts from now and brings an expired button back; a chat link may be made to never expire', async () => {
    const button = (await ada.post('/api/support-buttons', { name: 'Short', teamId: 'helpdesk', expiresInMinutes: 1 })).body.button;
    t.clock.advance(60_000);
    expect((await ada.get('/api/support-buttons')).body.buttons.find((b: any) => b.id === button.id).status).toBe('expired');
    const renewed = await ada.patch(`/api/support-buttons/${button.id}`, { expiresInMinutes: 24 * 60 });
    expect(renewed.body.button).toMatchObject({ status: 'active', expiresAt: t.clock.now() + 24 * 60 * 60_000 });
    const token = button.url.split('/b/')[1];
    expect((await request(`${t.url}/api/portal/buttons/${token}`)).status).toBe(200);

    const chat = (await ada.post('/api/chat-links', { name: 'Campaign', expiresInMinutes: 5 })).body.link;
    expect((await ada.patch(`/api/chat-links/${chat.id}`, { expiresInMinutes: null })).body.link).toMatchObject({ expiresAt: null, status: 'active' });
  });

  it.each([
    ['a blank name', { name: '  ' }, 400, 'name'],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, 400, 'name'],
    ['no lifetime for a button (C4)', { expiresInMinutes: null }, 400, 'expiresInMinutes'],
    ['a lifetime of 0', { expiresInMinutes: 0 }, 400, 'expiresInMinutes'],
    ['a lifetime over a year', { expiresInMinutes: 525_601 }, 400, 'expiresInMinutes'],
    ['the general queue for a button', { general: true }, 400, 'general'],
    ['a rep and a team', { repId: 'bob', teamId: 'helpdesk' }, 400, 'teamId'],
    ['an unknown rep', { repId: 'nobody' }, 400, 'repId'],
    ['an unknown team', { teamId: 'nowhere' }, 400, 'teamId'],
    ['an unknown issue', { issueCode: 'nothing' }, 400, 'issueCode'],
    ['an unknown field', { color: 'red' }, 400, 'color'],
    ['general: false', { general: false }, 400, 'general'],
  ])('X3: changing a button with %s is refused naming the field, and nothing changes', async (_what, body, status, field) => {
    const button = (await ada.post('/api/support-buttons', { name: 'Target', teamId: 'helpdesk' })).body.button;
    await refusedWithoutChange(button.id, () => ada.patch(`/api/support-buttons/${button.id}`, body), status, field);
  });

  it('X3: the general queue and a rep together are refused for a chat link; a revoked link cannot be changed', async () => {
    const link = (await ada.post('/api/chat-links', { name: 'Chat' })).body.link;
    await refusedWithoutChange(link.id, () => ada.patch(`/api/chat-links/${link.id}`, { general: true, repId: 'bob' }), 400, 'general');
    await del(ada, `/api/chat-links/${link.id}`);
    const body = await refusedWithoutChange(link.id, () => ada.patch(`/api/chat-links/${link.id}`, { name: 'Revived' }), 409);
    expect(body.error).toMatchObject({ code: 'conflict', message: 'This link was revoked, and revoking is final. Make a new link instead.' });
    await refusedWithoutChange(link.id, () => ada.patch(`/api/support-buttons/${link.id}`, { name: 'Wrong kind' }), 404);
  });

  describe('who may change them', () => {
    let teamButton: any;
    let annButton: any;

    beforeAll(async () => {
      teamButton = (await ada.post('/api/support-buttons', { name: 'Helpdesk', teamId: 'helpdesk' })).body.button;
      annButton = (await ann.post('/api/support-buttons', { name: 'Ann direct' })).body.button;
    });

    it('C4, Q1: a rep changes their own button, for their own queue only', async () => {
      const res = await ann.patch(`/api/support-buttons/${annButton.id}`, { name: 'Ann, VPN', issueCode: 'vpn', expiresInMinutes: 30 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.button).toMatchObject({ name: 'Ann, VPN', target: { kind: 'rep', id: 'ann' }, issue: { code: 'vpn' } });
      for (const body of [{ teamId: 'helpdesk' }, { repId: 'bob' }]) {
        const refused = await refusedWithoutChange(annButton.id, () => ann.patch(`/api/support-buttons/${annButton.id}`, body), 403);
        expect(refused.error.code).toBe('forbidden');
      }
      const chat = (await ann.post('/api/chat-links', { name: 'Ann chat' })).body.link;
      await refusedWithoutChange(chat.id, () => ann.patch(`/api/chat-links/${chat.id}`, { general: true }), 403);
      const [entry] = await audit('support-button', annButton.id);
      expect(entry).toMatchObject({ action: 'support-button.update', actor: { login: 'ann' } });
    });

    it('a rep cannot change or revoke an admin’s team button: to them it does not exist', async () => {
      await refusedWithoutChange(teamButton.id, () => ann.patch(`/api/support-buttons/${teamButton.id}`, { name: 'Mine now' }), 404);
      await refusedWithoutChange(teamButton.id, () => ann.patch(`/api/support-buttons/${teamButton.id}`, { repId: 'ann' }), 404);
      await refusedWithoutChange(teamButton.id, () => ann.delete(`/api/support-buttons/${teamButton.id}`), 404);
      expect((await ann.get('/api/support-buttons')).body.buttons.map((b: any) => b.id)).not.toContain(teamButton.id);
    });

    it('X1: a customer, or anyone without a login, cannot list, make, change or revoke links; a rep needs the CSRF header', async () => {
      const started = await startChat(chatToken((await ada.post('/api/chat-links', { name: 'For a customer' })).body.link));
      const customer = { authorization: `Bearer ${started.body.customerToken}` };
      for (const headers of [customer, {}]) {
        expect((await request(`${t.url}/api/support-buttons`, { headers })).status).toBe(401);
        expect((await request(`${t.url}/api/chat-links`, { method: 'POST', json: { name: 'x' }, headers })).status).toBe(401);
        await refusedWithoutChange(teamButton.id, () => request(`${t.url}/api/support-buttons/${teamButton.id}`, { method: 'PATCH', json: { name: 'x' }, headers }), 401);
        await refusedWithoutChange(teamButton.id, () => request(`${t.url}/api/support-buttons/${teamButton.id}`, { method: 'DELETE', headers }), 401);
      }
      const noCsrf = await refusedWithoutChange(
        annButton.id,
        () => request(`${t.url}/api/support-buttons/${annButton.id}`, { method: 'PATCH', json: { name: 'x' }, headers: { cookie: ann.cookie } }),
        403,
      );
      expect(noCsrf.error.code).toBe('csrf');
    });

    it('an admin changes any rep’s button; aimed at a team, the rep who made it may still revoke it but not change it', async () => {
      const res = await ada.patch(`/api/support-buttons/${annButton.id}`, { teamId: 'helpdesk' });
      expect(res.body.button.target).toMatchObject({ kind: 'team', id: 'helpdesk' });
      expect((await ann.get('/api/support-buttons')).body.buttons.map((b: any) => b.id)).toContain(annButton.id);
      const refused = await refusedWithoutChange(annButton.id, () => ann.patch(`/api/support-buttons/${annButton.id}`, { expiresInMinutes: 525_600 }), 403);
      expect(refused.error.code).toBe('forbidden');
      expect((await ann.delete(`/api/support-buttons/${annButton.id}`)).body.button.status).toBe('revoked');
    });
  });
});
