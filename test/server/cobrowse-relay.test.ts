/**
 * Browser sharing's relay on the server (docs/cobrowse.md), on each store: a rep asks, the
 * customer's page consents and streams frames that only the reps in the session receive;
 * sizes are checked, the byte budget ends sharing with a message, a page cannot stream
 * without consent, a stop or a transfer ends it, and recordings are kept only where the site
 * says so, for its retention period. Frames are made up here: the server never reads them.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/test-stores.js';
import { LiveSocket, RepClient, request, startIssueSession, startTestLobby, type TestLobby } from '../support/lobby-harness.js';
import { ALLOWED_ORIGIN, customerSite } from '../support/customer-site.js';
import { COBROWSE_MAX_FRAME_BYTES } from '../../src/core/cobrowse-protocol.js';

const BUDGET_MB = 1;
const RETENTION_DAYS = 7;

function site() {
  const base = customerSite();
  return { ...base, site: { ...base.site, cobrowseBudgetMegabytes: BUDGET_MB, cobrowseStoreRecordings: true, cobrowseRetentionDays: RETENTION_DAYS } };
}

/** One data frame as the widget sends it. */
function frame(seq: number, data: string, checkout = false, part = 0, parts = 1) {
  return { type: 'cobrowse.data', seq, part, parts, checkout, data };
}

describe.each(STORE_KINDS)('browser sharing relay on %s', (kind) => {
  let t: TestLobby;
  let ada: RepClient;
  let ann: RepClient;
  let bob: RepClient;
  let linkToken: string;
  let annFeed: LiveSocket;
  let bobFeed: LiveSocket;

  beforeAll(async () => {
    t = await startTestLobby(kind, site());
    [ada, ann, bob] = await Promise.all([RepClient.login(t.url, 'ada'), RepClient.login(t.url, 'ann'), RepClient.login(t.url, 'bob')]);
    const link = (await ada.post('/api/chat-links', { name: 'Shop chat', teamId: 'helpdesk' })).body.link;
    linkToken = new URL(link.url).searchParams.get('link')!;
    [annFeed, bobFeed] = await Promise.all([ann.socket(), bob.socket()]);
    await Promise.all([annFeed.next((m) => m.type === 'hello'), bobFeed.next((m) => m.type === 'hello')]);
  });
  afterAll(async () => {
    await annFeed?.close();
    await bobFeed?.close();
    await t?.close();
  });

  /** A click-to-chat session that Ann accepted. */
  async function chat(customerName: string) {
    const started = await request(`${t.url}/api/chat/links/${linkToken}/sessions`, { method: 'POST', json: { customerName } });
    expect(started.status).toBe(201);
    const { sessionId, customerToken } = started.body as { sessionId: string; customerToken: string };
    expect((await ann.post(`/api/rep/sessions/${sessionId}/accept`)).status).toBe(200);
    return { sessionId, customerToken };
  }

  /** The widget's sharing channel for a session; it is told the state at once. */
  async function page(customerToken: string, origin?: string) {
    const socket = await LiveSocket.open(
      `${t.url.replace('http', 'ws')}/ws/customer?token=${encodeURIComponent(customerToken)}&channel=cobrowse`,
      origin ? { origin } : {},
    );
    await socket.next((m) => m.type === 'cobrowse.state');
    return socket;
  }

  const stateOf = (socket: LiveSocket, status: string, sessionId?: string) =>
    socket.next((m) => m.type === 'cobrowse.state' && m.status === status && (sessionId === undefined || m.sessionId === sessionId));
  /** Waits only for messages that arrive from now on (LiveSocket.next also finds earlier ones). */
  const fromNow = (socket: LiveSocket) => {
    const start = socket.received.length;
    return (match: (m: any) => boolean) => socket.next((m) => match(m) && socket.received.indexOf(m) >= start);
  };
  const errorOf = (socket: LiveSocket, code: string) => socket.next((m) => m.type === 'cobrowse.error' && m.error.code === code);
  const framesFor = (socket: LiveSocket, sessionId: string) => socket.received.filter((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId);

  /** Everything sent to this rep before now has arrived (one socket keeps its order). */
  async function flushed(socket: LiveSocket) {
    const pongs = socket.received.filter((m) => m.type === 'pong').length;
    socket.send({ type: 'ping' });
    await socket.next((m) => m.type === 'pong' && socket.received.filter((x) => x.type === 'pong').length > pongs);
  }

  /** Ann asks and the customer's page consents; resolves when sharing is on for both. */
  async function share(sessionId: string, customer: LiveSocket, annWatches = true) {
    const [toCustomer, toAnn] = [fromNow(customer), fromNow(annFeed)];
    annFeed.send({ type: 'cobrowse.request', sessionId });
    const asked = await toCustomer((m) => m.type === 'cobrowse.state' && m.status === 'requested');
    expect(asked.requestedBy).toBe('Ann Archer');
    customer.send({ type: 'cobrowse.consent' });
    await toCustomer((m) => m.type === 'cobrowse.state' && m.status === 'sharing');
    if (annWatches) await toAnn((m) => m.type === 'cobrowse.state' && m.status === 'sharing' && m.sessionId === sessionId);
  }

  it('a page cannot stream, nor consent, before a rep asked; then the rep in the session receives its frames', async () => {
    const { sessionId, customerToken } = await chat('Nora Nosy');
    const customer = await page(customerToken);
    expect(customer.received[0]).toMatchObject({ type: 'cobrowse.state', status: 'off', session: 'active', mask: '.lobby-mask, [data-lobby-mask]' });
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await stateOf(annFeed, 'off', sessionId);

    customer.send(frame(0, '[{"type":4}]', true));
    expect((await errorOf(customer, 'not_sharing')).error.message).toMatch(/not agreed/);
    customer.send({ type: 'cobrowse.consent' });
    expect((await errorOf(customer, 'conflict')).error.message).toBe('Nobody has asked to see your page.');

    await share(sessionId, customer);
    const consented = await annFeed.event('cobrowse.consented', sessionId);
    expect(consented.sessionId).toBe(sessionId);
    customer.send(frame(0, '[{"type":4,"data":{"href":"https://shop.example.com/"}}]', true));
    const got = await annFeed.next((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId);
    expect(got).toMatchObject({ seq: 0, part: 0, parts: 1, checkout: true, data: '[{"type":4,"data":{"href":"https://shop.example.com/"}}]' });
    await customer.close();
  });

  it('a rep not in the session can neither watch nor ask, and receives nothing', async () => {
    const { sessionId, customerToken } = await chat('Priya Private');
    const customer = await page(customerToken);
    bobFeed.send({ type: 'cobrowse.watch', sessionId });
    expect((await errorOf(bobFeed, 'not_in_session')).sessionId).toBe(sessionId);
    bobFeed.send({ type: 'cobrowse.request', sessionId });
    const refusal = (m: any) => m.type === 'cobrowse.error' && m.sessionId === sessionId && m.error.code === 'not_in_session';
    await bobFeed.next((m) => refusal(m) && bobFeed.received.filter(refusal).indexOf(m) === 1);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await share(sessionId, customer);
    customer.send(frame(0, '[{"type":4}]', true));
    customer.send(frame(1, '[{"type":3}]'));
    await annFeed.next((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId && m.seq === 1);
    await flushed(bobFeed);
    expect(framesFor(bobFeed, sessionId)).toEqual([]);
    expect(bobFeed.received.filter((m) => m.type === 'event' && m.event.sessionId === sessionId && m.event.type.startsWith('cobrowse.'))).toEqual([]);
    await customer.close();
  });

  it('S2: a participant who joins later sees the page at once, from its last full snapshot', async () => {
    const { sessionId, customerToken } = await chat('Sam Shared');
    const customer = await page(customerToken);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await share(sessionId, customer);
    customer.send(frame(0, '[{"type":4},{"type":2}]', true));
    customer.send(frame(1, '[{"type":3,"n":1}]'));
    await annFeed.next((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId && m.seq === 1);
    const invited = await ann.post(`/api/rep/sessions/${sessionId}/invitations`, { queueId: 'rep:bob' });
    expect((await bob.post(`/api/rep/invitations/${invited.body.id}/accept`)).status).toBe(200);
    bobFeed.send({ type: 'cobrowse.watch', sessionId });
    await stateOf(bobFeed, 'sharing', sessionId);
    const catchup = await bobFeed.next((m) => m.type === 'cobrowse.catchup' && m.sessionId === sessionId);
    expect(catchup.frames.map((m: any) => [m.type, m.seq, m.checkout, m.data])).toEqual([
      ['cobrowse.frame', 0, true, '[{"type":4},{"type":2}]'],
      ['cobrowse.frame', 1, false, '[{"type":3,"n":1}]'],
    ]);
    customer.send(frame(2, '[{"type":3,"n":2}]'));
    await bobFeed.next((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId && m.seq === 2);
    // A participant who leaves receives nothing more; the owner still does.
    expect((await bob.post(`/api/rep/sessions/${sessionId}/leave`)).status).toBe(204);
    customer.send(frame(3, '[{"type":3,"n":3}]'));
    await annFeed.next((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId && m.seq === 3);
    await flushed(bobFeed);
    expect(framesFor(bobFeed, sessionId).map((m) => m.seq)).toEqual([2]);
    await customer.close();
  });

  it('a rep who starts watching when no full snapshot is at hand makes the page take one', async () => {
    const { sessionId, customerToken } = await chat('Carl Checkout');
    const customer = await page(customerToken);
    await share(sessionId, customer, false);
    // Ann asked but was not watching; the page sent only changes since (no snapshot to start from).
    customer.send(frame(7, '[{"type":3}]'));
    await flushed(annFeed);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await customer.next((m) => m.type === 'cobrowse.checkout');
    customer.send(frame(8, '[{"type":4},{"type":2}]', true));
    const first = await annFeed.next((m) => (m.type === 'cobrowse.frame' || m.type === 'cobrowse.catchup') && m.sessionId === sessionId);
    expect(first).toMatchObject({ type: 'cobrowse.frame', seq: 8, checkout: true });
    await customer.close();
  });

  it('a rep may ask only in a click-to-chat session whose widget is open, where the site allows it; the customer may decline', async () => {
    const portal = await startIssueSession(t.url, 'printer', 'Paula Portal');
    expect((await ann.post(`/api/rep/sessions/${portal.sessionId}/accept`)).status).toBe(200);
    const refusal = (sessionId: string) => annFeed.next((m) => m.type === 'cobrowse.error' && m.sessionId === sessionId && m.error.code === 'unavailable');
    annFeed.send({ type: 'cobrowse.request', sessionId: portal.sessionId });
    expect((await refusal(portal.sessionId)).error.message).toMatch(/not open in the chat widget/);

    const { sessionId, customerToken } = await chat('Dora Decline');
    annFeed.send({ type: 'cobrowse.request', sessionId });
    expect((await refusal(sessionId)).error.message).toMatch(/not open in the chat widget/);
    const customer = await page(customerToken);
    const patch = (json: unknown) =>
      request(`${t.url}/api/admin/site`, { method: 'PATCH', json, headers: { cookie: ada.cookie, 'x-csrf-token': ada.csrf } });
    expect((await patch({ cobrowseEnabled: false })).status).toBe(200);
    const toAnn = fromNow(annFeed);
    annFeed.send({ type: 'cobrowse.request', sessionId });
    expect((await toAnn((m) => m.type === 'cobrowse.error' && m.sessionId === sessionId)).error.message).toBe('Browser sharing is switched off for this site.');
    expect((await patch({ cobrowseEnabled: true })).status).toBe(200);

    annFeed.send({ type: 'cobrowse.watch', sessionId });
    annFeed.send({ type: 'cobrowse.request', sessionId });
    await stateOf(customer, 'requested');
    customer.send({ type: 'cobrowse.decline' });
    const declined = await annFeed.next((m) => m.type === 'cobrowse.state' && m.sessionId === sessionId && m.ended?.reason === 'declined');
    expect(declined).toMatchObject({ status: 'off', ended: { reason: 'declined', by: 'customer' }, pageConnected: true });
    await customer.close();
  });

  it('X3: oversized and malformed frames are refused with a reason, and the channel stays open', async () => {
    const { sessionId, customerToken } = await chat('Olga Oversize');
    const customer = await page(customerToken);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await share(sessionId, customer);
    customer.send(frame(0, 'x'.repeat(COBROWSE_MAX_FRAME_BYTES), true));
    expect((await errorOf(customer, 'frame_too_large')).error.message).toMatch(/at most 49152 bytes/);
    customer.send({ ...frame(0, '[]'), extra: 1 });
    expect((await errorOf(customer, 'invalid_input')).error.message).toMatch(/unknown field "extra"/);
    customer.send(frame(0, '[]', false, 3, 2));
    await customer.next((m) => m.type === 'cobrowse.error' && /part must be below parts/.test(m.error.message));
    customer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await customer.next((m) => m.type === 'cobrowse.error' && /JSON text/.test(m.error.message));
    // Still open: a good frame goes through.
    customer.send(frame(0, '[{"type":4}]', true));
    await annFeed.next((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId);
    expect(framesFor(annFeed, sessionId)).toHaveLength(1);
    // Beyond the WebSocket's own limit (64 KiB) the server closes the connection.
    const code = await new Promise<number>((resolve) => {
      customer.ws.once('close', (c) => resolve(c));
      customer.send(frame(1, 'y'.repeat(70 * 1024)));
    });
    expect(code).toBe(1009);
  });

  it('the byte budget ends sharing with a clear message, for good in that session', async () => {
    const { sessionId, customerToken } = await chat('Bea Budget');
    const customer = await page(customerToken);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await share(sessionId, customer);
    const chunk = 'z'.repeat(40 * 1024);
    const frames = Math.ceil((BUDGET_MB * 1024 * 1024) / chunk.length) + 1;
    for (let seq = 0; seq < frames; seq++) customer.send(frame(seq, chunk, seq === 0));
    const refused = await errorOf(customer, 'budget_reached');
    expect(refused.error.message).toBe('This session has used its allowance for browser sharing (1 MB); sharing stops.');
    const event = await annFeed.event('cobrowse.budget_reached', sessionId);
    expect(event.data).toMatchObject({ budgetBytes: 1024 * 1024 });
    expect((await stateOf(customer, 'exhausted')).ended).toEqual({ reason: 'budget_reached', by: 'system' });
    await stateOf(annFeed, 'exhausted', sessionId);
    expect(t.lobby.engine.cobrowse.usedBytes(sessionId)).toBeLessThanOrEqual(1024 * 1024);
    // One event, however many frames were refused; and no new request in this session.
    annFeed.send({ type: 'cobrowse.request', sessionId });
    expect((await annFeed.next((m) => m.type === 'cobrowse.error' && m.sessionId === sessionId)).error).toEqual({
      code: 'conflict',
      message: 'This session has used up its allowance for browser sharing.',
    });
    const events = await t.lobby.store.db.selectFrom('events').select('type').where('session_id', '=', sessionId).where('type', 'like', 'cobrowse.%').execute();
    expect(events.map((e) => e.type)).toEqual(['cobrowse.requested', 'cobrowse.consented', 'cobrowse.budget_reached']);
    await customer.close();
  });

  it('the customer stops sharing with one message; the rep is told, and later frames are refused', async () => {
    const { sessionId, customerToken } = await chat('Stella Stop');
    const customer = await page(customerToken);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await share(sessionId, customer);
    const toAnn = fromNow(annFeed);
    customer.send({ type: 'cobrowse.stop' });
    const off = await toAnn((m) => m.type === 'cobrowse.state' && m.status === 'off' && m.sessionId === sessionId);
    expect(off.ended).toEqual({ reason: 'stopped', by: 'customer' });
    expect((await annFeed.event('cobrowse.stopped', sessionId)).data).toEqual({ by: 'customer', reason: 'stopped' });
    customer.send(frame(5, '[{"type":3}]'));
    await errorOf(customer, 'not_sharing');
    await customer.close();
  });

  it('a rep withdraws a request, and a transfer stops sharing (T2)', async () => {
    const { sessionId, customerToken } = await chat('Tom Transfer');
    const customer = await page(customerToken);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    annFeed.send({ type: 'cobrowse.request', sessionId });
    await stateOf(customer, 'requested');
    annFeed.send({ type: 'cobrowse.stop', sessionId });
    const withdrawn = await customer.next((m) => m.type === 'cobrowse.state' && m.status === 'off' && m.ended?.reason === 'withdrawn');
    // The customer is told by whom in general, never which rep's login.
    expect(withdrawn.ended).toEqual({ reason: 'withdrawn', by: 'rep' });
    expect((await annFeed.next((m) => m.type === 'cobrowse.state' && m.sessionId === sessionId && m.ended?.reason === 'withdrawn')).ended).toEqual({
      reason: 'withdrawn',
      by: 'rep',
      repId: 'ann',
    });
    await share(sessionId, customer);
    expect((await ann.post(`/api/rep/sessions/${sessionId}/transfer`, { queueId: 'general' })).status).toBe(200);
    await customer.next((m) => m.type === 'cobrowse.state' && m.status === 'off' && m.ended?.reason === 'session_moved' && m.session === 'waiting');
    const stopped = await t.lobby.store.db
      .selectFrom('events')
      .select(['data', 'rep_id'])
      .where('session_id', '=', sessionId)
      .where('type', '=', 'cobrowse.stopped')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stopped.data)).toEqual({ by: 'system', reason: 'session_moved' });
    customer.send(frame(0, '[{"type":4}]', true));
    await errorOf(customer, 'not_sharing');
    await customer.close();
  });

  it('C5, X1: the sharing channel checks the page’s origin, and the rep side takes sharing only from the console’s origin', async () => {
    const { sessionId, customerToken } = await chat('Olli Origin');
    const url = `${t.url.replace('http', 'ws')}/ws/customer?token=${encodeURIComponent(customerToken)}&channel=cobrowse`;
    const refused = await new Promise<number>((resolve) => new WebSocket(url, { origin: 'https://evil.example.net' }).on('close', (c) => resolve(c)));
    expect(refused).toBe(4403);
    const unknown = await new Promise<number>((resolve) => new WebSocket(url.replace(/token=[^&]+/, 'token=nope')).on('close', (c) => resolve(c)));
    expect(unknown).toBe(4401);
    const allowed = await page(customerToken, ALLOWED_ORIGIN);
    await allowed.close();
    const foreign = await LiveSocket.open(`${t.url.replace('http', 'ws')}/ws/rep`, { cookie: ann.cookie, origin: 'https://evil.example.net' });
    await foreign.next((m) => m.type === 'hello');
    foreign.send({ type: 'cobrowse.watch', sessionId });
    expect((await errorOf(foreign, 'forbidden')).sessionId).toBe(sessionId);
    await foreign.close();
  });
  it('recordings are kept with the session where the site says so, readable by its reps and admins, until the retention period ends', async () => {
    const { sessionId, customerToken } = await chat('Rita Record');
    const customer = await page(customerToken);
    annFeed.send({ type: 'cobrowse.watch', sessionId });
    await share(sessionId, customer);
    customer.send(frame(0, '[{"type":4}', true, 0, 2));
    customer.send(frame(0, ',{"type":2}]', true, 1, 2));
    await annFeed.next((m) => m.type === 'cobrowse.frame' && m.sessionId === sessionId && m.part === 1);
    await expect
      .poll(async () => (await ann.get(`/api/rep/sessions/${sessionId}/cobrowse-recording`)).body.frames?.length)
      .toBe(2);
    const recording = (await ann.get(`/api/rep/sessions/${sessionId}/cobrowse-recording`)).body;
    expect(recording.frames.map((f: any) => f.data).join('')).toBe('[{"type":4},{"type":2}]');
    expect(recording.next).toBeNull();
    expect((await ada.get(`/api/rep/sessions/${sessionId}/cobrowse-recording`)).status).toBe(200);
    expect((await bob.get(`/api/rep/sessions/${sessionId}/cobrowse-recording`)).status).toBe(404);
    const stored = () => t.lobby.store.db.selectFrom('cobrowse_frames').select('seq').where('session_id', '=', sessionId).execute();
    t.clock.advance((RETENTION_DAYS - 1) * 86_400_000);
    await t.lobby.engine.cobrowse.purgeRecordings();
    expect(await stored()).toHaveLength(2);
    // Past the retention period the hourly sweep deletes them (here, purged at once).
    t.clock.advance(2 * 86_400_000);
    await t.lobby.engine.cobrowse.purgeRecordings();
    expect(await stored()).toEqual([]);
    await customer.close();
  });

});
