/**
 * Site settings through the admin API (SPEC I3, Q3, C7; docs/admin.md, docs/cobrowse.md),
 * on each store over real HTTP and WebSockets:
 *
 * - GET /api/admin/site lists every setting, browser sharing's five included, and how many
 *   sessions wait in the general queue;
 * - switching the general queue off moves the sessions waiting in it to the fallback
 *   queue, in Q4 order and keeping their place, with events that consoles and the customer's
 *   page follow, and an audit row per session; nothing is left where nobody sees it;
 * - without a fallback queue that switch is refused, and nothing changes (X3).
 *
 * Nothing sleeps: every wait is on an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, request, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { ADMIN_SITE, AdminClient } from '../support/admin-client.js';
import { customerView, goOnline } from '../support/customer-site.js';
import { importSiteConfig } from '../../src/config/import-config.js';

const COBROWSE_DEFAULTS = {
  cobrowseEnabled: true,
  cobrowseMaskSelector: '.lobby-mask, [data-lobby-mask]',
  cobrowseBudgetMegabytes: 50,
  cobrowseStoreRecordings: false,
  cobrowseRetentionDays: 30,
};

describe.each(STORE_KINDS)('admin site settings on %s', (kind) => {
  let t: TestLobby;
  let admin: AdminClient;
  let generalLink: string;

  beforeAll(async () => {
    t = await startTestLobby(kind, ADMIN_SITE);
    admin = await AdminClient.as(t.url, 'root');
    // A click-to-chat link that names no target leads to the general queue (C5, C7).
    const link = (await admin.post('/api/chat-links', { name: 'Website chat' })).body.link;
    generalLink = new URL(link.url).searchParams.get('link')!;
  });
  afterAll(async () => t?.close());

  const db = () => t.lobby.store.db;
  const exported = async () => (await fetch(`${t.url}/api/admin/config/export`, { headers: { cookie: admin.cookie } })).text();
  const auditCount = async () => (await admin.get('/api/admin/audit?limit=500')).body.entries.length;
  const sessionRow = (id: string) => db().selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const inGeneral = async () =>
    (await db().selectFrom('sessions').select('id').where('state', '=', 'waiting').where('queue_id', '=', 'general').orderBy('waiting_since').orderBy('id').execute()).map(
      (s) => s.id,
    );

  async function startInGeneral(customerName: string) {
    const res = await request(`${t.url}/api/chat/links/${generalLink}/sessions`, { method: 'POST', json: { customerName } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { sessionId: string; customerToken: string };
  }

  async function refusedWithoutChange(attempt: () => Promise<{ status: number; body: any }>, status: number, field: string) {
    const [before, audits, general] = await Promise.all([exported(), auditCount(), inGeneral()]);
    const res = await attempt();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).not.toBe('');
    expect(await exported()).toBe(before);
    expect(await auditCount()).toBe(audits);
    expect(await inGeneral()).toEqual(general);
    return res.body;
  }

  describe('browser sharing settings (docs/cobrowse.md)', () => {
    it('I3: GET /api/admin/site lists the five browser-sharing settings with their defaults', async () => {
      const res = await admin.get('/api/admin/site');
      expect(res.status).toBe(200);
      expect(res.body.site).toMatchObject({ siteName: 'Test site', generalQueueEnabled: true, ...COBROWSE_DEFAULTS });
      expect(res.body.generalQueueWaiting).toBe(0);
    });

    it('I3: an admin changes them; GET, the YAML file and the audit log show the change', async () => {
      const res = await admin.patch('/api/admin/site', {
        cobrowseEnabled: false,
        cobrowseMaskSelector: '.secret',
        cobrowseBudgetMegabytes: 20,
        cobrowseStoreRecordings: true,
        cobrowseRetentionDays: 7,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const changed = { cobrowseEnabled: false, cobrowseMaskSelector: '.secret', cobrowseBudgetMegabytes: 20, cobrowseStoreRecordings: true, cobrowseRetentionDays: 7 };
      expect(res.body.site).toMatchObject(changed);
      expect(res.body.moved).toBeNull();
      expect((await admin.get('/api/admin/site')).body.site).toMatchObject(changed);
      expect(await exported()).toContain('cobrowseBudgetMegabytes: 20');
      const [entry] = (await admin.get('/api/admin/audit?entity=site')).body.entries;
      expect(entry).toMatchObject({ action: 'site.update', before: { cobrowseBudgetMegabytes: 50 }, after: { cobrowseBudgetMegabytes: 20 } });
      await admin.patch('/api/admin/site', COBROWSE_DEFAULTS);
    });

    it.each([
      ['a budget of 0 MB', { cobrowseBudgetMegabytes: 0 }, 'cobrowseBudgetMegabytes'],
      ['a budget over 1024 MB', { cobrowseBudgetMegabytes: 1025 }, 'cobrowseBudgetMegabytes'],
      ['a fractional budget', { cobrowseBudgetMegabytes: 1.5 }, 'cobrowseBudgetMegabytes'],
      ['a retention of 0 days', { cobrowseRetentionDays: 0 }, 'cobrowseRetentionDays'],
      ['a mask selector over 500 characters', { cobrowseMaskSelector: 'a'.repeat(501) }, 'cobrowseMaskSelector'],
      ['"yes" for a switch', { cobrowseEnabled: 'yes' }, 'cobrowseEnabled'],
    ])('X3: %s is refused naming the field, and nothing changes', async (_what, body, field) => {
      await refusedWithoutChange(() => admin.patch('/api/admin/site', body), 400, field);
    });
  });

  describe('Q3, C7: switching the general queue off', () => {
    it('without a fallback queue it is refused while sessions wait there, and nothing changes', async () => {
      const { sessionId } = await startInGeneral('Nora Nowhere');
      expect((await admin.get('/api/admin/site')).body.generalQueueWaiting).toBe(1);
      const body = await refusedWithoutChange(() => admin.patch('/api/admin/site', { generalQueueEnabled: false }), 409, 'fallbackQueue');
      expect(body.error.message).toBe(
        '1 session is waiting in the general queue, and with the general queue off they need a fallback queue to go to (C7). Choose a fallback queue, or handle those sessions first.',
      );
      // A fallback queue that is the general queue itself is no better.
      await refusedWithoutChange(() => admin.patch('/api/admin/site', { generalQueueEnabled: false, fallbackQueue: 'general' }), 409, 'fallbackQueue');
      expect((await admin.get('/api/admin/site')).body.site).toMatchObject({ generalQueueEnabled: true, fallbackQueue: null });
      expect((await sessionRow(sessionId)).queue_id).toBe('general');
    });

    it('the waiting sessions move to the fallback queue in Q4 order, keep their place, and are seen there at once', async () => {
      // A rep of the fallback team is connected: their console hears of each session at once.
      const ann = await RepClient.login(t.url, 'ann');
      const annSocket = await goOnline(ann);
      try {
        t.clock.advance(1_000);
        const second = await startInGeneral('Olga Older');
        t.clock.advance(1_000);
        const third = await startInGeneral('Yves Younger');
        const waiting = await inGeneral();
        expect(waiting).toHaveLength(3);
        const sinceBefore = new Map(await Promise.all(waiting.map(async (id) => [id, (await sessionRow(id)).waiting_since] as const)));
        expect((await admin.get('/api/admin/site')).body.generalQueueWaiting).toBe(3);

        const queuedForAnn = Promise.all(waiting.map((id) => annSocket.next((m) => m.type === 'event' && m.event.type === 'session.queued' && m.event.sessionId === id)));
        const res = await admin.patch('/api/admin/site', { generalQueueEnabled: false, fallbackQueue: 'helpdesk' });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.moved).toEqual({ sessionIds: waiting, toQueue: 'helpdesk' });
        await queuedForAnn;

        // Nothing is left in the switched-off queue; each session waits in the fallback queue
        // with its waiting-since untouched (Q4), so the oldest is still first in line.
        expect(await inGeneral()).toEqual([]);
        for (const id of waiting) {
          expect(await sessionRow(id)).toMatchObject({ state: 'waiting', queue_id: 'team:helpdesk', waiting_since: sinceBefore.get(id) });
        }
        const seen = (await ann.get('/api/rep/sessions')).body.waiting.filter((s: any) => waiting.includes(s.id)).map((s: any) => s.id);
        expect(seen).toEqual(waiting);
        expect((await customerView(t.url, third.customerToken)).queueName).toBe('Helpdesk');
        expect((await customerView(t.url, second.customerToken)).position).toBeLessThan((await customerView(t.url, third.customerToken)).position);

        // Each move is in the session's timeline and in the audit log, under the change's id.
        const events = await db().selectFrom('events').select(['session_id', 'data']).where('type', '=', 'session.requeued').where('session_id', 'in', waiting).execute();
        expect(events).toHaveLength(3);
        for (const e of events) {
          expect(JSON.parse(e.data)).toMatchObject({ rule: 'C7', reason: 'general_queue_off', by: 'root', changeId: res.body.changeId, fromQueueId: 'general', toQueueId: 'team:helpdesk' });
        }
        const moves = (await admin.get('/api/admin/audit?entity=session')).body.entries;
        expect(moves.map((m: any) => m.entityId).sort()).toEqual([...waiting].sort());
        expect(moves[0]).toMatchObject({ action: 'site.update', changeId: res.body.changeId, before: { queue: 'general' }, after: { queue: 'helpdesk' } });
        expect(res.body.changes.map((c: any) => `${c.entity}:${c.id}`).sort()).toEqual(['site:site', ...waiting.map((id) => `session:${id}`)].sort());

        // C7: from now on, new sessions that name no queue go straight to the fallback queue.
        const later = await startInGeneral('Lena Later');
        expect((await sessionRow(later.sessionId)).queue_id).toBe('team:helpdesk');
        expect((await admin.get('/api/admin/site')).body.generalQueueWaiting).toBe(0);
        // Q7: and they can be taken there.
        expect((await ann.post(`/api/rep/sessions/${waiting[0]}/accept`)).status).toBe(200);
      } finally {
        await annSocket.close();
      }
      await admin.patch('/api/admin/site', { generalQueueEnabled: true, fallbackQueue: null });
    });

    it('E9: a pending offer of a moved session is rescinded, and the fallback queue’s routing offers it again (E1)', async () => {
      await admin.patch('/api/admin/general-queue', { algorithm: 'least_busy' });
      await admin.patch('/api/admin/teams/vendor', { algorithm: 'least_busy' });
      const [bob, cara] = await Promise.all([RepClient.login(t.url, 'bob'), RepClient.login(t.url, 'cara')]);
      const bobSocket = await goOnline(bob);
      const caraSocket = await goOnline(cara);
      try {
        // ann's console is closed and cara's embassy keeps her out of the general queue (Q6): bob is offered it.
        const offered = t.lobby.engine.bus.next((e) => e.type === 'offer.made');
        const { sessionId } = await startInGeneral('Otto Offered');
        expect(await offered).toMatchObject({ sessionId, repId: 'bob' });

        const rescinded = t.lobby.engine.bus.next((e) => e.type === 'offer.rescinded' && e.sessionId === sessionId);
        const offeredAgain = t.lobby.engine.bus.next((e) => e.type === 'offer.made' && e.sessionId === sessionId);
        const res = await admin.patch('/api/admin/site', { generalQueueEnabled: false, fallbackQueue: 'vendor' });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.moved).toEqual({ sessionIds: [sessionId], toQueue: 'vendor' });
        expect((await rescinded).repId).toBe('bob');
        expect((await offeredAgain).repId).toBe('cara');
        expect((await bob.get('/api/rep/offers/current')).body.offer).toBeNull();
      } finally {
        await Promise.all([bobSocket.close(), caraSocket.close()]);
      }
      await admin.patch('/api/admin/site', { generalQueueEnabled: true, fallbackQueue: null });
    });

    it('a YAML import through the API that switches it off moves them too, or is refused whole without a fallback queue', async () => {
      await admin.patch('/api/admin/general-queue', { algorithm: 'none' });
      const { sessionId } = await startInGeneral('Yara Yaml');
      const file = await exported();
      const off = file.replace('generalQueueEnabled: true', 'generalQueueEnabled: false');
      expect(off).not.toBe(file);

      const audits = await auditCount();
      const refused = await admin.post('/api/admin/config/import', { yaml: off });
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.errors).toEqual([{ path: 'site.fallbackQueue', message: expect.stringContaining('waiting in the general queue') }]);
      expect(await exported()).toBe(file);
      expect(await auditCount()).toBe(audits);
      expect((await sessionRow(sessionId)).queue_id).toBe('general');

      // The CLI's import runs outside the engine, so it cannot move them: it refuses.
      await expect(importSiteConfig(t.lobby.store, off, t.clock.now())).rejects.toMatchObject({
        errors: [{ path: 'site.generalQueueEnabled', message: expect.stringContaining('1 session(s) are waiting in the general queue') }],
      });
      expect(await exported()).toBe(file);

      const withFallback = off.replace(/(generalQueueEnabled: false\n)/, '$1  fallbackQueue: rep:dan\n');
      const res = await admin.post('/api/admin/config/import', { yaml: withFallback });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.moved).toEqual({ sessionIds: [sessionId], toQueue: 'rep:dan' });
      expect((await sessionRow(sessionId)).queue_id).toBe('rep:dan');
      await admin.patch('/api/admin/site', { generalQueueEnabled: true, fallbackQueue: null });
    });

    it('T1: while it is off, a transfer into the general queue is refused, and the session stays where it was', async () => {
      await admin.patch('/api/admin/site', { generalQueueEnabled: false, fallbackQueue: 'helpdesk' });
      const ann = await RepClient.login(t.url, 'ann');
      const { sessionId } = await startInGeneral('Tom Transfer');
      expect((await sessionRow(sessionId)).queue_id).toBe('team:helpdesk');
      // T3: the list of targets does not offer it either.
      const targets = (await ann.get('/api/rep/transfer-targets')).body.targets.map((x: any) => x.queueId);
      expect(targets).toContain('team:helpdesk');
      expect(targets).not.toContain('general');
      const res = await ann.post(`/api/rep/sessions/${sessionId}/transfer`, { queueId: 'general' });
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', field: 'queueId', message: 'The general queue is switched off: choose another queue.' });
      expect(await sessionRow(sessionId)).toMatchObject({ state: 'waiting', queue_id: 'team:helpdesk' });
      await admin.patch('/api/admin/site', { generalQueueEnabled: true, fallbackQueue: null });
    });

    it('switching it off with nobody waiting needs no fallback queue, and moves nothing', async () => {
      expect(await inGeneral()).toEqual([]);
      const res = await admin.patch('/api/admin/site', { generalQueueEnabled: false });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.moved).toBeNull();
      // The existing W3-style warning still tells the admin F4 has no queue now.
      expect(res.body.warnings.map((w: any) => w.path)).toContain('site.fallbackQueue');
      await admin.patch('/api/admin/site', { generalQueueEnabled: true });
    });
  });

  it('I3: reps and customers cannot read or change site settings', async () => {
    const ann = await RepClient.login(t.url, 'ann');
    const { customerToken } = await startInGeneral('Carl Curious');
    const before = await exported();
    expect((await ann.get('/api/admin/site')).status).toBe(403);
    expect((await request(`${t.url}/api/admin/site`, { method: 'PATCH', json: { generalQueueEnabled: false }, headers: { cookie: ann.cookie, 'x-csrf-token': ann.csrf } })).status).toBe(403);
    expect((await request(`${t.url}/api/admin/site`, { headers: { authorization: `Bearer ${customerToken}` } })).status).toBe(401);
    expect(
      (await request(`${t.url}/api/admin/site`, { method: 'PATCH', json: { cobrowseEnabled: false }, headers: { authorization: `Bearer ${customerToken}` } })).status,
    ).toBe(401);
    expect(await exported()).toBe(before);
  });
});
