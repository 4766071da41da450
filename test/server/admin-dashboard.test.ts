/**
 * The team dashboard (SPEC A6, T1): a lead sees each member's state and sessions, takes a
 * member's session over or transfers it; the change feed tells the page when to read again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { LiveSocket, RepClient, startIssueSession, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { ADMIN_SITE, AdminClient } from '../support/admin-client.js';

describe.each(STORE_KINDS)('team dashboard on %s', (kind) => {
  let t: TestLobby;
  let ann: RepClient;
  let bob: RepClient;
  let annSocket: LiveSocket;

  beforeAll(async () => {
    t = await startTestLobby(kind, ADMIN_SITE);
    [ann, bob] = await Promise.all([RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob')]);
    annSocket = await ann.socket();
    await annSocket.next((m) => m.type === 'hello');
  });
  afterAll(async () => {
    await annSocket?.close();
    await t?.close();
  });

  const helpdesk = async (client: RepClient) => (await client.get('/api/team/dashboard')).body.teams.find((x: any) => x.id === 'helpdesk');

  it('A6: a lead sees each member of their team with state, session count and sessions', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer', 'Dora Dashboard');
    await startIssueSession(t.url, 'printer', 'Walt Waiting');
    expect((await ann.post(`/api/rep/sessions/${sessionId}/accept`)).status).toBe(200);
    const res = await bob.get('/api/team/dashboard');
    expect(res.status).toBe(200);
    expect(res.body.teams.map((x: any) => x.id)).toEqual(['helpdesk']);
    const team = res.body.teams[0];
    expect(team).toMatchObject({ viewerRole: 'lead', waitingCount: 1 });
    const annRow = team.members.find((m: any) => m.login === 'ann');
    expect(annRow).toMatchObject({ role: 'member', state: 'available', sessionCount: 1, canAct: true });
    expect(annRow.sessions.map((s: any) => s.customerName)).toEqual(['Dora Dashboard']);
    expect(team.members.find((m: any) => m.login === 'bob')).toMatchObject({ role: 'lead', state: 'offline', canAct: false });
  });

  it('an admin who leads no team sees every team but may not act on anyone (T1)', async () => {
    const admin = await AdminClient.as(t.url, 'root');
    const teams = (await admin.get('/api/team/dashboard')).body.teams;
    expect(teams.map((x: any) => x.id).sort()).toEqual(['helpdesk', 'vendor']);
    expect(teams.flatMap((x: any) => x.members).every((m: any) => m.canAct === false)).toBe(true);
  });

  it('T1: the lead takes over a member’s session; the member leaves it and the lead owns it', async () => {
    const session = (await helpdesk(bob)).members.find((m: any) => m.login === 'ann').sessions[0];
    const left = annSocket.event('participant.left', session.id);
    const res = await bob.post(`/api/team/sessions/${session.id}/take-over`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.session).toMatchObject({ state: 'active', ownerId: 'bob' });
    await left;
    expect((await ann.get('/api/rep/sessions')).body.mine).toEqual([]);
    expect((await bob.get('/api/rep/sessions')).body.mine.map((s: any) => s.id)).toEqual([session.id]);
    const team = await helpdesk(bob);
    expect(team.members.find((m: any) => m.login === 'ann').sessions).toEqual([]);
    expect(team.members.find((m: any) => m.login === 'bob').sessions.map((s: any) => s.id)).toEqual([session.id]);
    // Taking over one's own session, or a waiting one, is refused.
    expect((await bob.post(`/api/team/sessions/${session.id}/take-over`)).status).toBe(409);
    const { sessionId: waiting } = await startIssueSession(t.url, 'printer');
    expect((await bob.post(`/api/team/sessions/${waiting}/take-over`)).status).toBe(409);
  });

  it('T1: the lead transfers a member’s session to another queue; a non-lead cannot take over', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer', 'Tom Transfer');
    expect((await ann.post(`/api/rep/sessions/${sessionId}/accept`)).status).toBe(200);
    const cara = await RepClient.login(t.url, 'cara');
    const refused = await cara.post(`/api/team/sessions/${sessionId}/take-over`);
    expect(refused.status).toBe(403);
    const moved = await bob.post(`/api/rep/sessions/${sessionId}/transfer`, { queueId: 'general' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.session).toMatchObject({ state: 'waiting', queueId: 'general', ownerId: null });
  });

  it('the change feed tells a lead’s page when a member’s state changes', async () => {
    const feed = await LiveSocket.open(`${t.url.replace('http', 'ws')}/ws/team`, { cookie: bob.cookie });
    try {
      await feed.next((m) => m.type === 'hello');
      await ann.post('/api/rep/state', { locked: true });
      await feed.next((m) => m.type === 'changed');
      expect((await helpdesk(bob)).members.find((m: any) => m.login === 'ann').state).toBe('locked');
      await ann.post('/api/rep/state', { locked: false });
    } finally {
      await feed.close();
    }
  });
});
