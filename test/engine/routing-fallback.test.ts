/**
 * Fallback when a rep is lost, on a real store (SPEC section 9, F1–F5, with A1's grace
 * period): where each of the lost rep's sessions goes, in order F1 → F5.
 *
 * Everyone but gina has a policy without the general queue, so that the general queue
 * (F4's default target) can take a session only while gina is logged in.
 */
import { describe, expect, it } from 'vitest';
import { addParticipant } from '../../src/store/queries/sessions.js';
import { STORE_KINDS } from '../support/test-stores.js';
import { routingSite, team, useRoutingHarness, type RoutingHarness } from '../support/routing-harness.js';

const FIRST = 'team:first';
const LAST = 'team:last';
const VAULT = 'team:vault';
const AUTO = 'team:auto';

function site(settings: Record<string, unknown> = {}) {
  return routingSite({
    site: { repGraceSeconds: 60, ...settings },
    policies: [{ id: 'no-general', name: 'No general queue', canSeeGeneralQueue: false }],
    reps: ['ann', 'bob', 'cara', 'dan'].map((login) => ({ login, policy: 'no-general' })).concat([{ login: 'gina', policy: 'standard' }]),
    teams: [
      team('first', ['ann', 'bob'], { algorithm: 'none' }),
      team('last', ['ann', 'cara'], { algorithm: 'none' }),
      team('vault', ['ann'], { algorithm: 'none', persistent: true }),
      team('auto', ['ann', 'dan'], { algorithm: 'least_busy' }),
    ],
  });
}

/** A session that entered `first`, was moved to `to`, and was accepted there by ann. */
async function ownedByAnn(h: RoutingHarness, to: string = LAST): Promise<string> {
  const s = await h.createIn(FIRST);
  await h.engine.transferSession({ kind: 'api' }, s, to);
  await h.engine.acceptSession('ann', s);
  return s;
}

/** ann's last console connection drops and the grace period passes (A1). */
async function loseAnn(h: RoutingHarness): Promise<void> {
  await h.engine.repDisconnected('ann');
  await h.advanceSeconds(60);
}

describe.each(STORE_KINDS)('fallback when a rep is lost (F1–F5) on %s', (kind) => {
  const start = useRoutingHarness(kind);

  it('A1: during the grace period the rep keeps their sessions; a reconnect in time keeps them for good', async () => {
    const h = await start(site());
    await h.connect('ann', 'cara');
    const s = await ownedByAnn(h);
    await h.engine.repDisconnected('ann');
    await h.advanceSeconds(59);
    expect(await h.session(s)).toMatchObject({ state: 'active', owner_id: 'ann' });
    await h.connect('ann');
    await h.advanceSeconds(600);
    expect(await h.session(s)).toMatchObject({ state: 'active', owner_id: 'ann' });
    expect(await h.events({ type: 'session.requeued' })).toEqual([]);
  });

  it('F1: the participant who has shared the session longest becomes its owner', async () => {
    const h = await start(site());
    await h.connect('ann', 'bob', 'cara', 'dan');
    const s = await ownedByAnn(h);
    const at = h.clock.now();
    // Invitations are another issue: participants are written directly here.
    await addParticipant(h.db, s, 'dan', 'participant', at + 1);
    await addParticipant(h.db, s, 'cara', 'participant', at + 2);
    await addParticipant(h.db, s, 'bob', 'participant', at + 3);
    // dan joined first but was lost before ann: he left the session then.
    await h.engine.repDisconnected('dan');
    await h.advanceSeconds(60);
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'active', owner_id: 'cara' });
    const changed = await h.events({ type: 'owner.changed', sessionId: s });
    expect(changed.map((e) => e.data)).toEqual([{ from: 'ann', to: 'cara', rule: 'F1' }]);
    const left = await h.db.selectFrom('participants').select(['user_id', 'role']).where('session_id', '=', s).orderBy('user_id').execute();
    expect(left).toEqual([
      { user_id: 'bob', role: 'participant' },
      { user_id: 'cara', role: 'owner' },
    ]);
  });

  it('F2: without a participant the session goes back to the queue it was last waiting in', async () => {
    const h = await start(site());
    await h.connect('ann', 'bob', 'cara');
    const s = await ownedByAnn(h, LAST);
    const waitingSince = (await h.session(s)).waiting_since;
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'waiting', queue_id: LAST, owner_id: null, waiting_since: waitingSince });
    expect((await h.events({ type: 'session.requeued', sessionId: s })).map((e) => e.data.rule)).toEqual(['F2']);
    expect(await h.db.selectFrom('participants').selectAll().where('session_id', '=', s).execute()).toEqual([]);
  });

  it('F2: a persistent queue takes the session even with no member logged in', async () => {
    const h = await start(site());
    await h.connect('ann');
    const s = await ownedByAnn(h, VAULT);
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'waiting', queue_id: VAULT });
  });

  it('F3: when the last queue cannot take it, the session goes to the queue it first entered', async () => {
    const h = await start(site());
    await h.connect('ann', 'bob');
    const s = await ownedByAnn(h, LAST);
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'waiting', queue_id: FIRST });
    expect((await h.events({ type: 'session.requeued', sessionId: s })).map((e) => e.data.rule)).toEqual(['F3']);
  });

  it('F4: when neither can take it, the session goes to the fallback queue (by default the general queue)', async () => {
    const h = await start(site());
    await h.connect('ann', 'gina');
    const s = await ownedByAnn(h, LAST);
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'waiting', queue_id: 'general' });
    expect((await h.events({ type: 'session.requeued', sessionId: s })).map((e) => e.data.rule)).toEqual(['F4']);
  });

  it('F4: a configured fallback queue is used, and its routing applies at once', async () => {
    const h = await start(site({ fallbackQueue: 'auto' }));
    await h.connect('ann', 'dan', 'gina');
    const s = await ownedByAnn(h, LAST);
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'waiting', queue_id: AUTO });
    expect(await h.offeredTo(s)).toBe('dan');
  });

  it('F3, Q3: a switched-off general queue takes no session, even a persistent one it first entered', async () => {
    const h = await start(
      routingSite({
        site: { repGraceSeconds: 60, generalQueueEnabled: false, fallbackQueue: 'vault' },
        generalQueue: { persistent: true },
        reps: ['ann', 'cara'],
        teams: [team('last', ['ann', 'cara'], { algorithm: 'none' }), team('vault', ['ann'], { algorithm: 'none', persistent: true })],
      }),
    );
    await h.connect('ann');
    const s = await h.createIn('general');
    await h.engine.transferSession({ kind: 'api' }, s, LAST);
    await h.engine.acceptSession('ann', s);
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'waiting', queue_id: VAULT });
    expect((await h.events({ type: 'session.requeued', sessionId: s })).map((e) => e.data.rule)).toEqual(['F4']);
  });

  it('F5: when no queue can take it, the session ends with reason no_rep and the customer is told', async () => {
    const h = await start(site());
    await h.connect('ann');
    const s = await ownedByAnn(h, LAST);
    const told = h.engine.bus.next((e) => e.type === 'session.ended' && e.sessionId === s);
    await loseAnn(h);
    expect((await told).data).toMatchObject({ reason: 'no_rep', by: 'system' });
    expect(await h.session(s)).toMatchObject({ state: 'ended', end_reason: 'no_rep', queue_id: null });
  });

  it('F1–F5 in order: one lost rep’s sessions each go to the first rule that can take them', async () => {
    const h = await start(site());
    await h.connect('ann', 'bob', 'dan');
    const shared = await ownedByAnn(h, LAST);
    await addParticipant(h.db, shared, 'dan', 'participant', h.clock.now());
    const toFirst = await ownedByAnn(h, LAST);
    const toVault = await ownedByAnn(h, VAULT);
    await loseAnn(h);
    expect(await h.session(shared)).toMatchObject({ state: 'active', owner_id: 'dan' });
    expect(await h.session(toVault)).toMatchObject({ state: 'waiting', queue_id: VAULT });
    expect(await h.session(toFirst)).toMatchObject({ state: 'waiting', queue_id: FIRST });
    // bob then goes too: nothing can take his sessions any more but the vault.
    await h.engine.acceptSession('bob', toFirst);
    await h.engine.repLost('bob');
    expect(await h.session(toFirst)).toMatchObject({ state: 'ended', end_reason: 'no_rep' });
  });

  it('F: with F2–F4 switched off, a session with no participant ends (F5 follows F1)', async () => {
    const h = await start(site({ fallbackRulesEnabled: false }));
    await h.connect('ann', 'bob', 'cara');
    const alone = await ownedByAnn(h, LAST);
    const shared = await ownedByAnn(h, LAST);
    await addParticipant(h.db, shared, 'bob', 'participant', h.clock.now());
    await loseAnn(h);
    expect(await h.session(alone)).toMatchObject({ state: 'ended', end_reason: 'no_rep' });
    expect(await h.session(shared)).toMatchObject({ state: 'active', owner_id: 'bob' });
  });

  it('F: sessions waiting in the lost rep’s personal queue move by F3–F5', async () => {
    const h = await start(site());
    await h.connect('ann', 'bob', 'gina');
    const keyed = await h.createIn('rep:ann');
    const transferred = await h.createIn(FIRST);
    await h.engine.transferSession({ kind: 'api' }, transferred, 'rep:ann');
    await h.engine.repLost('ann');
    // Its own first queue is the lost rep's: F4 (general). The other entered first.
    expect(await h.session(keyed)).toMatchObject({ state: 'waiting', queue_id: 'general' });
    expect(await h.session(transferred)).toMatchObject({ state: 'waiting', queue_id: FIRST });
    const rules = await h.events({ type: 'session.requeued' });
    expect(rules.map((e) => [e.sessionId, e.data.rule])).toEqual(
      expect.arrayContaining([
        [keyed, 'F4'],
        [transferred, 'F3'],
      ]),
    );
  });

  it('F: a lost rep simply leaves the sessions they had joined', async () => {
    const h = await start(site());
    await h.connect('ann', 'bob');
    const s = await h.createIn(FIRST);
    await h.engine.acceptSession('bob', s);
    await addParticipant(h.db, s, 'ann', 'participant', h.clock.now());
    await loseAnn(h);
    expect(await h.session(s)).toMatchObject({ state: 'active', owner_id: 'bob' });
    const left = await h.events({ type: 'participant.left', sessionId: s });
    expect(left.map((e) => [e.repId, e.data.reason])).toEqual([['ann', 'rep_lost']]);
    expect(await h.db.selectFrom('participants').select('user_id').where('session_id', '=', s).execute()).toEqual([{ user_id: 'bob' }]);
  });
});
