import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { FIXTURE_SITE } from '../support/fixture-site.js';
import { RepClient, startIssueSession, startTestLobby, type LiveSocket, type TestLobby } from '../support/lobby-harness.js';

describe.each(STORE_KINDS)('shared sessions (S1–S4) on %s', (kind) => {
  let t: TestLobby;
  let ann: RepClient;
  let bob: RepClient;
  let cara: RepClient;
  beforeAll(async () => {
    t = await startTestLobby(kind);
    [ann, bob, cara] = await Promise.all([RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob'), RepClient.login(t.url, 'cara')]);
  });
  afterAll(async () => t?.close());

  async function ownedByAnn() {
    const { sessionId, customerToken } = await startIssueSession(t.url, 'printer');
    expect((await ann.post(`/api/rep/sessions/${sessionId}/accept`)).status).toBe(200);
    return { sessionId, customerToken };
  }

  it('S1, S2: an invitation to a rep appears in their personal queue, live; accepting makes them a participant who sees the chat', async () => {
    const { sessionId } = await ownedByAnn();
    const socket = await bob.socket();
    await socket.next((m) => m.type === 'hello');
    const invited = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:bob' });
    expect(invited.status).toBe(201);
    const event = await socket.event('invitation.created', sessionId);
    expect(event.queueId).toBe('rep:bob');
    const list = await bob.get('/api/rep/invitations');
    expect(list.body.invitations).toHaveLength(1);
    expect(list.body.invitations[0]).toMatchObject({ sessionId, inviterName: 'Ann Archer', queueId: 'rep:bob' });
    expect((await bob.get(`/api/rep/sessions/${sessionId}`)).status).toBe(200);
    expect((await bob.post(`/api/rep/invitations/${invited.body.id}/accept`)).status).toBe(200);
    await ann.post(`/api/rep/sessions/${sessionId}/messages`, { text: 'Bob, can you look at this?' });
    const chat = await socket.next((m) => m.type === 'event' && m.event.type === 'chat.message' && m.event.sessionId === sessionId);
    expect(chat.event.data.text).toBe('Bob, can you look at this?');
    expect((await bob.post(`/api/rep/sessions/${sessionId}/messages`, { text: 'On it' })).status).toBe(201);
    // S2: only the owner ends (bob may still transfer it, as a lead of ann's team: T1).
    expect((await bob.post(`/api/rep/sessions/${sessionId}/end`)).status).toBe(403);
    const detail = await ann.get(`/api/rep/sessions/${sessionId}`);
    expect(detail.body.participants.map((p: any) => [p.id, p.role])).toEqual([
      ['ann', 'owner'],
      ['bob', 'participant'],
    ]);
    const mine = await bob.get('/api/rep/sessions');
    expect(mine.body.mine.map((s: any) => s.id)).toContain(sessionId);
    await socket.close();
  });

  it('S1: a team invitation appears in the team queue; an embassy member outside the team cannot take it', async () => {
    const { sessionId } = await ownedByAnn();
    const invited = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'team:helpdesk' });
    expect(invited.status).toBe(201);
    expect((await cara.post(`/api/rep/invitations/${invited.body.id}/accept`)).status).toBe(403);
    expect((await cara.get(`/api/rep/sessions/${sessionId}`)).status).toBe(404);
    expect((await bob.post(`/api/rep/invitations/${invited.body.id}/accept`)).status).toBe(200);
    const again = await bob.post(`/api/rep/invitations/${invited.body.id}/accept`);
    expect(again.status).toBe(409);
  });

  it('S3: when the owner leaves, the participant who joined first becomes owner', async () => {
    const { sessionId } = await ownedByAnn();
    const first = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:bob' });
    await bob.post(`/api/rep/invitations/${first.body.id}/accept`);
    expect((await ann.post(`/api/rep/sessions/${sessionId}/leave`)).status).toBe(204);
    const view = await bob.get(`/api/rep/sessions/${sessionId}`);
    expect(view.body.session).toMatchObject({ state: 'active', ownerId: 'bob' });
    // Alone now, bob cannot leave: he ends or transfers it.
    const alone = await bob.post(`/api/rep/sessions/${sessionId}/leave`);
    expect(alone.status).toBe(400);
    expect((await bob.post(`/api/rep/sessions/${sessionId}/end`)).status).toBe(200);
  });

  it('S2: a participant who is not a lead of the owner’s team cannot transfer the session', async () => {
    const { sessionId } = await startIssueSession(t.url, 'printer');
    await bob.post(`/api/rep/sessions/${sessionId}/accept`);
    const invited = await bob.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:ann' });
    await ann.post(`/api/rep/invitations/${invited.body.id}/accept`);
    const res = await ann.post(`/api/rep/sessions/${sessionId}/transfer`, { queueId: 'general' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Only the owner of the session can transfer it.');
  });

  it('S4: invitations end when withdrawn or when the session ends; bad invitations are refused', async () => {
    const { sessionId } = await ownedByAnn();
    const one = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:bob' });
    const open = await ann.get(`/api/rep/sessions/${sessionId}`);
    expect(open.body.invitations).toEqual([{ id: one.body.id, queueId: 'rep:bob', queueName: 'Bob Baker (personal)', createdAt: one.body.createdAt }]);
    expect((await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:bob' })).status).toBe(400);
    expect((await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'general' })).status).toBe(400);
    expect((await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:nobody' })).status).toBe(404);
    expect((await bob.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:cara' })).status).toBe(403);
    expect((await ann.post(`/api/rep/invitations/${one.body.id}/withdraw`)).status).toBe(204);
    expect((await bob.post(`/api/rep/invitations/${one.body.id}/accept`)).status).toBe(409);
    const two = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'team:vendor' });
    await ann.post(`/api/rep/sessions/${sessionId}/end`);
    const rows = await t.lobby.store.db.selectFrom('invitations').select(['id', 'state']).where('session_id', '=', sessionId).orderBy('created_at').execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.state]))).toEqual({ [one.body.id]: 'withdrawn', [two.body.id]: 'ended' });
    expect((await cara.get('/api/rep/invitations')).body.invitations).toEqual([]);
  });
});

/** S1: the same site, but the helpdesk routes automatically, so that its invitations are offered. */
const ROUTED_SITE = {
  ...FIXTURE_SITE,
  teams: FIXTURE_SITE.teams.map((team) => (team.id === 'helpdesk' ? { ...team, algorithm: 'least_busy', offerTimeoutSeconds: 30 } : team)),
};

describe.each(STORE_KINDS)('invitation offers over the API and the live feed (S1, E4, E5) on %s', (kind) => {
  let t: TestLobby;
  let ann: RepClient;
  let bob: RepClient;
  beforeAll(async () => {
    t = await startTestLobby(kind, ROUTED_SITE);
    [ann, bob] = await Promise.all([RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob')]);
  });
  afterAll(async () => t?.close());

  /** Ann, alone on line, is offered a printer session and accepts it; then Bob comes on line. */
  async function annOwnsOne(annSocket: LiveSocket) {
    const { sessionId } = await startIssueSession(t.url, 'printer', 'Casey Customer');
    await annSocket.event('offer.made', sessionId);
    const offer = (await ann.get('/api/rep/offers/current')).body.offer;
    expect(offer).toMatchObject({ sessionId, invitation: null });
    expect((await ann.post(`/api/rep/offers/${offer.id}/accept`)).status).toBe(200);
    const bobSocket = await bob.socket();
    await bobSocket.next((m) => m.type === 'hello');
    return { sessionId, bobSocket };
  }

  it('S1, S2: a team invitation reaches a free member as an offer, live; accepting it over the API joins as a participant', async () => {
    const annSocket = await ann.socket();
    await annSocket.next((m) => m.type === 'hello');
    const { sessionId, bobSocket } = await annOwnsOne(annSocket);

    const invited = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'team:helpdesk' });
    expect(invited.status).toBe(201);
    const made = await bobSocket.event('offer.made', sessionId);
    expect(made).toMatchObject({ repId: 'bob', queueId: 'team:helpdesk', data: { invitationId: invited.body.id } });
    const current = (await bob.get('/api/rep/offers/current')).body.offer;
    expect(current).toMatchObject({
      id: made.data.offerId,
      sessionId,
      expiresAt: current.madeAt + 30_000,
      invitation: { id: invited.body.id, inviterId: 'ann', inviterName: 'Ann Archer', queueId: 'team:helpdesk', queueName: 'Helpdesk' },
      session: { id: sessionId, state: 'active', ownerId: 'ann', ownerName: 'Ann Archer', customerName: 'Casey Customer' },
    });
    // Ann holds no offer: she owns the session and sent the invitation.
    expect((await ann.get('/api/rep/offers/current')).body.offer).toBeNull();

    const accepted = await bob.post(`/api/rep/offers/${current.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.session).toMatchObject({ id: sessionId, state: 'active', ownerId: 'ann' });
    await bobSocket.event('participant.joined', sessionId);
    expect((await annSocket.event('invitation.accepted', sessionId)).data.invitationId).toBe(invited.body.id);
    const detail = await bob.get(`/api/rep/sessions/${sessionId}`);
    expect(detail.body.participants.map((p: any) => [p.id, p.role])).toEqual([
      ['ann', 'owner'],
      ['bob', 'participant'],
    ]);
    expect((await bob.get('/api/rep/offers/current')).body.offer).toBeNull();
    await ann.post(`/api/rep/sessions/${sessionId}/end`);
    await Promise.all([annSocket.close(), bobSocket.close()]);
  });

  it('S4, E5: a rejected invitation offer leaves the invitation open to join by hand; withdrawing one rescinds its offer, live', async () => {
    const annSocket = await ann.socket();
    await annSocket.next((m) => m.type === 'hello');
    const { sessionId, bobSocket } = await annOwnsOne(annSocket);

    const first = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'team:helpdesk' });
    const offer = (await bobSocket.event('offer.made', sessionId)).data;
    expect((await bob.post(`/api/rep/offers/${offer.offerId}/reject`)).status).toBe(204);
    expect((await bob.get('/api/rep/offers/current')).body.offer).toBeNull();
    expect((await bob.get('/api/rep/invitations')).body.invitations.map((i: any) => i.id)).toEqual([first.body.id]);
    expect((await ann.post(`/api/rep/invitations/${first.body.id}/withdraw`)).status).toBe(204);

    // A second invitation is offered to Bob again (he rejected the first, not this one) and withdrawn.
    const second = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'team:helpdesk' });
    const made = await bobSocket.next((m) => m.type === 'event' && m.event.type === 'offer.made' && m.event.data.invitationId === second.body.id);
    expect((await ann.post(`/api/rep/invitations/${second.body.id}/withdraw`)).status).toBe(204);
    const rescinded = await bobSocket.event('offer.rescinded', sessionId);
    expect(rescinded.data).toMatchObject({ offerId: made.event.data.offerId, reason: 'invitation_withdrawn', invitationId: second.body.id });
    const late = await bob.post(`/api/rep/offers/${made.event.data.offerId}/accept`);
    expect(late.status).toBe(409);
    await ann.post(`/api/rep/sessions/${sessionId}/end`);
    await Promise.all([annSocket.close(), bobSocket.close()]);
  });
});
