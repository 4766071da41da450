/**
 * Admin changes reach open consoles (SPEC I3 "applied live", Q6): a rep added to a team
 * while their console is open receives that team's queue events on the same connection,
 * and stops receiving them when taken out again; every console hears that the site
 * changed, and only the admin who changed it hears what and by whom.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { RepClient, startIssueSession, startTestLobby, type LiveSocket, type TestLobby } from '../support/lobby-harness.js';
import { ADMIN_SITE, AdminClient } from '../support/admin-client.js';

describe.each(STORE_KINDS)('consoles follow admin changes live on %s', (kind) => {
  let t: TestLobby;
  let admin: AdminClient;
  let dan: RepClient;
  let danSocket: LiveSocket;

  beforeAll(async () => {
    t = await startTestLobby(kind, ADMIN_SITE);
    admin = await AdminClient.as(t.url, 'root');
    dan = await RepClient.login(t.url, 'dan');
    danSocket = await dan.socket();
    await danSocket.next((m) => m.type === 'hello');
  });
  afterAll(async () => {
    await danSocket?.close();
    await t?.close();
  });

  /** Dan's own state change: every console gets it, after whatever was sent to it before. */
  let locked = false;
  async function marker(): Promise<void> {
    const from = lastSeq();
    locked = !locked;
    expect((await dan.post('/api/rep/state', { locked })).status).toBe(200);
    await danSocket.next((m) => m.type === 'event' && m.event.type === 'rep.state' && m.event.repId === 'dan' && m.event.seq > from);
  }
  const lastSeq = () => Math.max(0, ...danSocket.received.filter((m) => m.type === 'event').map((m) => m.event.seq as number));
  const queued = (sessionId: string) => danSocket.received.some((m) => m.type === 'event' && m.event.type === 'session.queued' && m.event.sessionId === sessionId);

  it('Q6, I3: a rep added to a team receives its queue’s events on the console already open, and none once taken out', async () => {
    // Not yet a member of Vendor support: its sessions are not Dan's to see.
    const before = await startIssueSession(t.url, 'erp');
    await marker();
    expect(queued(before.sessionId)).toBe(false);

    expect((await admin.patch('/api/admin/users/dan', { teams: [{ team: 'vendor' }] })).status).toBe(200);
    const announced = await danSocket.event('config.changed');
    // Told that the site changed, not what or by whom: that is the admin's.
    expect(announced.data).toEqual({ changeId: expect.any(String) });
    const during = await startIssueSession(t.url, 'erp');
    await danSocket.event('session.queued', during.sessionId);
    expect((await dan.get('/api/rep/queues')).body.queues.map((q: { id: string }) => q.id)).toContain('team:vendor');

    expect((await admin.patch('/api/admin/users/dan', { teams: [] })).status).toBe(200);
    await danSocket.next((m) => m.type === 'event' && m.event.type === 'config.changed' && m.event.seq > announced.seq);
    const after = await startIssueSession(t.url, 'erp');
    await marker();
    expect(queued(after.sessionId)).toBe(false);
  });

  it('the admin who made a change is told what changed and by whom, on their own console', async () => {
    const rootSocket = await admin.socket();
    try {
      await rootSocket.next((m) => m.type === 'hello');
      expect((await admin.patch('/api/admin/teams/vendor', { name: 'Vendor desk' })).status).toBe(200);
      const own = await rootSocket.event('config.changed');
      expect(own.data.by).toBe('root');
      expect(own.data.entities).toContain('team:vendor');
      const others = await danSocket.next((m) => m.type === 'event' && m.event.type === 'config.changed' && m.event.seq === own.seq);
      expect(others.event.data).toEqual({ changeId: own.data.changeId });
    } finally {
      await rootSocket.close();
    }
  });
});
