/**
 * Equilibrium offers invitations (SPEC S1: "routed by Equilibrium like a session, where
 * the team routes automatically") on a real store: who is offered an open invitation, what
 * a reject, an expiry or an accept does, and how an invitation's end (S4) rescinds its
 * offer (E9). The rules are a session's (E1–E10); the differences are S1's: never to a rep
 * already in the session nor to the inviter, and accepting joins as a participant (S2).
 */
import { describe, expect, it } from 'vitest';
import { readSiteConfigIn } from '../../src/config/export-config.js';
import { reconcileAfterChange, repStates } from '../../src/engine/admin-reconcile.js';
import { STORE_KINDS } from '../support/test-stores.js';
import { routingSite, team, useRoutingHarness, type RoutingHarness } from '../support/routing-harness.js';

const DESK = 'team:desk';
const TECH = 'team:tech';
const MANUAL = 'team:manual';

const SITE = routingSite({
  reps: ['ann', 'bob', 'cara', { login: 'dan', policy: 'strict' }, 'eve'],
  policies: [{ id: 'strict', name: 'Opted out after one missed offer', missedOffersBeforeOptOut: 1 }],
  teams: [
    team('desk', ['ann', 'bob', 'cara', 'dan'], { algorithm: 'least_busy', offerTimeoutSeconds: 20 }),
    team('tech', ['bob', 'eve'], { algorithm: 'least_busy', offerTimeoutSeconds: 30 }),
    team('manual', ['bob', 'cara'], { algorithm: 'none' }),
  ],
});

/** A session owned by `owner` (taken by hand from their personal queue). */
async function ownedBy(h: RoutingHarness, owner: string, priority?: number): Promise<string> {
  const id = await h.createIn(`rep:${owner}`, { name: `Customer of ${owner}`, ...(priority === undefined ? {} : { priority }) });
  await h.engine.acceptSession(owner, id);
  return id;
}

async function invite(h: RoutingHarness, sessionId: string, queueId: string, by = 'ann'): Promise<string> {
  return (await h.engine.inviteToSession(by, sessionId, queueId)).id;
}

/** Ann (who takes no offers) owns a session and invites the desk, where only Dan is connected. */
async function annInvitesDeskWithDan(h: RoutingHarness): Promise<{ s: string; inv: string }> {
  await h.connect('ann', 'dan');
  await h.engine.setOptedOut('ann', true);
  const s = await ownedBy(h, 'ann');
  return { s, inv: await invite(h, s, DESK) };
}

async function participants(h: RoutingHarness, sessionId: string): Promise<string[]> {
  const rows = await h.db.selectFrom('participants').select(['user_id', 'role']).where('session_id', '=', sessionId).orderBy('joined_at').orderBy('user_id').execute();
  return rows.map((r) => `${r.user_id}:${r.role}`);
}

/** Ann owns a session and takes no offers; dan (0 sessions), cara (1) and bob (2) are free. */
async function deskWithLoads(h: RoutingHarness): Promise<string> {
  await h.connect('ann', 'bob', 'cara', 'dan');
  await h.engine.setOptedOut('ann', true);
  await h.giveSessions('bob', 2);
  await h.giveSessions('cara', 1);
  return ownedBy(h, 'ann');
}

describe.each(STORE_KINDS)('Equilibrium offers invitations on %s', (kind) => {
  const start = useRoutingHarness(kind);

  it('S1, E1–E3: an invitation to an automatic team is offered at once to its least busy eligible member', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara', 'dan');
    await h.giveSessions('bob', 2);
    await h.giveSessions('cara', 1);
    const s = await ownedBy(h, 'ann');
    const inv = await invite(h, s, DESK);

    const offer = await h.offerForInvitation(inv);
    expect(offer).toMatchObject({ rep_id: 'dan', session_id: s, invitation_id: inv, expires_at: h.clock.now() + 20_000 });
    const [made] = await h.events({ type: 'offer.made', sessionId: s });
    expect(made).toMatchObject({ queueId: DESK, repId: 'dan', data: { offerId: offer!.id, invitationId: inv, queueId: DESK } });
    const why = await h.explanation(offer!.id);
    expect(why).toMatchObject({ queueId: DESK, chosen: { repId: 'dan', sessionCount: 0 }, runnerUp: { repId: 'cara' } });
    // Bob, Cara and Dan; not Ann, who sent it and is in the session.
    expect(why.eligibleCount).toBe(3);
    // A session's own offer is untouched: it has none, being active.
    expect(await h.offerFor(s)).toBeUndefined();
    await h.checkOfferInvariants();
    await h.checkNoIdleRepWithWork();
  });

  it('S1, E2: never offered to a rep already in the session, nor to the inviter once she left it', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara');
    await h.engine.setLocked('cara', true);
    const s = await ownedBy(h, 'ann');
    await h.engine.acceptInvitation('bob', await invite(h, s, 'rep:bob'));
    const inv = await invite(h, s, DESK);
    // Ann owns it and invited, Bob is in it, Cara is locked, Dan is offline.
    expect(await h.pendingOffers()).toEqual([]);

    // S3: Ann leaves, Bob owns it now. Ann is free and a member of the desk, but sent the invitation.
    await h.engine.leaveSession('ann', s);
    expect(await participants(h, s)).toEqual(['bob:owner']);
    expect(await h.pendingOffers()).toEqual([]);
    await h.checkNoIdleRepWithWork();

    await h.engine.setLocked('cara', false);
    expect((await h.offerForInvitation(inv))?.rep_id).toBe('cara');
    await h.checkOfferInvariants();
  });

  it('E5, E6: a rejected invitation offer goes at once to the next member; who rejected is not asked again, and may still join by hand', async () => {
    const h = await start(SITE);
    const s = await deskWithLoads(h);
    const inv = await invite(h, s, DESK);
    for (const rep of ['dan', 'cara', 'bob']) {
      const offer = await h.offerOf(rep);
      expect(offer?.invitation_id).toBe(inv);
      await h.engine.rejectOffer(rep, offer!.id);
    }
    expect(await h.invitationOfferHistory(inv)).toEqual(['dan:rejected', 'cara:rejected', 'bob:rejected']);
    expect(await h.pendingOffers()).toEqual([]);
    // E6 for an invitation lives with its offers: the session's exclusions are not touched.
    expect(await h.db.selectFrom('exclusions').selectAll().execute()).toEqual([]);
    const rejected = await h.events({ type: 'offer.rejected', repId: 'dan' });
    expect(rejected[0]).toMatchObject({ sessionId: s, queueId: DESK, data: { invitationId: inv } });

    expect((await h.invitation(inv)).state).toBe('open');
    await h.engine.acceptInvitation('dan', inv);
    expect(await participants(h, s)).toEqual(['ann:owner', 'dan:participant']);
  });

  it('E5, E6, E10: an invitation offer that expires goes to the next member and counts as a missed offer', async () => {
    const h = await start(SITE);
    const s = await deskWithLoads(h);
    const inv = await invite(h, s, DESK);
    expect((await h.offerForInvitation(inv))?.rep_id).toBe('dan');
    await h.advanceSeconds(19);
    expect((await h.offerForInvitation(inv))?.rep_id).toBe('dan');
    await h.advanceSeconds(1);
    expect(await h.invitationOfferHistory(inv)).toEqual(['dan:expired', 'cara:pending']);
    const [expired] = await h.events({ type: 'offer.expired' });
    expect(expired).toMatchObject({ sessionId: s, queueId: DESK, repId: 'dan', data: { invitationId: inv } });
    // E10: Dan's policy opts him out after one missed offer.
    expect(await h.repState('dan')).toEqual({ state: 'opted_out', sessions: 0 });
    const [state] = (await h.events({ type: 'rep.state', repId: 'dan' })).filter((e) => e.data.reason === 'missed_offers');
    expect(state?.data).toMatchObject({ optedOut: true, missed: 1 });
    await h.checkOfferInvariants();
  });

  it('S2, E5: accepting an invitation offer makes the rep a participant and ends the invitation; the next offer follows at once', async () => {
    const h = await start(SITE);
    const { s, inv } = await annInvitesDeskWithDan(h);
    const offer = await h.offerForInvitation(inv);
    expect(offer?.rep_id).toBe('dan');
    const waiting = await h.createIn(DESK);
    expect(await h.offeredTo(waiting)).toBeNull();

    const joined = await h.engine.acceptOffer('dan', offer!.id);
    expect(joined).toMatchObject({ id: s, state: 'active', owner_id: 'ann' });
    expect(await participants(h, s)).toEqual(['ann:owner', 'dan:participant']);
    expect(await h.invitation(inv)).toMatchObject({ state: 'accepted', accepted_by: 'dan' });
    expect((await h.offer(offer!.id)).state).toBe('accepted');
    expect((await h.eventTypes(s)).slice(-3)).toEqual(['offer.accepted', 'invitation.accepted', 'participant.joined']);
    expect(await h.repState('dan')).toEqual({ state: 'available', sessions: 1 });
    // E1: Dan holds no offer now and is offered the waiting session.
    expect(await h.offeredTo(waiting)).toBe('dan');
    await h.checkOfferInvariants();
  });

  it('S4, E9: withdrawing the invitation rescinds its offer without excluding; the rep is free for the next at once', async () => {
    const h = await start(SITE);
    const { s, inv } = await annInvitesDeskWithDan(h);
    const offer = await h.offerForInvitation(inv);
    const waiting = await h.createIn(DESK);

    await h.engine.withdrawInvitation('ann', inv);
    expect((await h.offer(offer!.id)).state).toBe('rescinded');
    const [rescinded] = await h.events({ type: 'offer.rescinded' });
    expect(rescinded).toMatchObject({ sessionId: s, repId: 'dan', data: { offerId: offer!.id, reason: 'invitation_withdrawn', invitationId: inv } });
    expect(await h.offeredTo(waiting)).toBe('dan');
    const presence = await h.db.selectFrom('presence').select('missed_offers').where('user_id', '=', 'dan').executeTakeFirstOrThrow();
    expect(presence.missed_offers).toBe(0);
    await h.checkOfferInvariants();
  });

  it('S4, E9: when the session ends or is transferred, its invitations end and their offers are rescinded', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'dan', 'eve');
    await h.engine.setOptedOut('ann', true);
    const s = await ownedBy(h, 'ann');
    const toDesk = await invite(h, s, DESK);
    const toTech = await invite(h, s, TECH);
    expect((await h.offerForInvitation(toDesk))?.rep_id).toBe('dan');
    expect((await h.offerForInvitation(toTech))?.rep_id).toBe('eve');

    await h.engine.endSession(s, { kind: 'rep', repId: 'ann' }, 'completed');
    expect(await h.pendingOffers()).toEqual([]);
    expect((await h.events({ type: 'offer.rescinded' })).map((e) => [e.repId, e.data.reason])).toEqual([
      ['dan', 'session_ended'],
      ['eve', 'session_ended'],
    ]);
    expect((await h.invitation(toDesk)).state).toBe('ended');
    expect((await h.invitation(toTech)).state).toBe('ended');
    // The offers' expiry timers went with them.
    expect(await h.db.selectFrom('timers').select('kind').where('kind', '=', 'offer.expire').execute()).toEqual([]);

    const other = await ownedBy(h, 'ann');
    const again = await invite(h, other, DESK);
    expect((await h.offerForInvitation(again))?.rep_id).toBe('dan');
    await h.engine.transferSession({ kind: 'rep', repId: 'ann' }, other, MANUAL);
    expect(await h.pendingOffers()).toEqual([]);
    expect((await h.events({ type: 'offer.rescinded', sessionId: other })).map((e) => e.data.reason)).toEqual(['session.transferred']);
    expect((await h.invitation(again)).state).toBe('ended');
    await h.checkOfferInvariants();
  });

  it('X5, Q4: a rep holds one pending offer at a time, of a session or of an invitation, given in Q4 order across both', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'cara');
    await h.engine.setOptedOut('ann', true);
    await h.engine.setLocked('cara', true);
    const waiting = await h.createIn(DESK);
    await h.advanceSeconds(2);
    const s = await ownedBy(h, 'ann');
    const inv = await invite(h, s, DESK);
    expect(await h.pendingOffers()).toEqual([]);

    // The session has waited longer than the invitation: it comes first, and Cara holds only it.
    await h.engine.setLocked('cara', false);
    expect((await h.pendingOffers()).map((o) => [o.rep_id, o.session_id, o.invitation_id])).toEqual([['cara', waiting, null]]);
    await h.engine.rejectOffer('cara', (await h.offerOf('cara'))!.id);
    expect((await h.pendingOffers()).map((o) => [o.rep_id, o.invitation_id])).toEqual([['cara', inv]]);
    // Bob comes in: the session goes to him (Cara is excluded from it and holds an offer).
    await h.connect('bob');
    expect(await h.offeredTo(waiting)).toBe('bob');
    await h.checkOfferInvariants();

    // Priority first (Q4): an invitation to a priority 5 session goes before an older session.
    await h.engine.rejectOffer('cara', (await h.offerOf('cara'))!.id);
    await h.engine.setLocked('cara', true);
    const older = await h.createIn(DESK);
    await h.advanceSeconds(2);
    const urgent = await ownedBy(h, 'ann', 5);
    const urgentInvitation = await invite(h, urgent, DESK);
    await h.engine.setLocked('cara', false);
    expect((await h.offerOf('cara'))?.invitation_id).toBe(urgentInvitation);
    expect(await h.offeredTo(older)).toBeNull();
    await h.checkOfferInvariants();
  });

  it('S1: several invitations open at once go to different reps; who joins by another way loses their offer of the session', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara', 'eve');
    await h.engine.setOptedOut('ann', true);
    await h.giveSessions('bob', 1);
    const s = await ownedBy(h, 'ann');
    const toDesk = await invite(h, s, DESK);
    const toTech = await invite(h, s, TECH);
    expect((await h.offerForInvitation(toDesk))?.rep_id).toBe('cara');
    expect((await h.offerForInvitation(toTech))?.rep_id).toBe('eve');

    // Cara joins through an invitation to her in person: her offer of the desk's goes, to Bob.
    await h.engine.acceptInvitation('cara', await invite(h, s, 'rep:cara'));
    const [rescinded] = await h.events({ type: 'offer.rescinded', repId: 'cara' });
    expect(rescinded?.data).toMatchObject({ reason: 'already_in_session', invitationId: toDesk });
    expect((await h.offerForInvitation(toDesk))?.rep_id).toBe('bob');
    // Eve joins the tech invitation by hand while it is offered to her: she accepted her offer.
    const eveOffer = await h.offerOf('eve');
    await h.engine.acceptInvitation('eve', toTech);
    expect((await h.offer(eveOffer!.id)).state).toBe('accepted');
    expect(await participants(h, s)).toEqual(['ann:owner', 'cara:participant', 'eve:participant']);
    await h.checkOfferInvariants();
  });

  it('S2, E1: a rep who joins by hand through the invitation they are offered accepted it, and is offered the next at once', async () => {
    const h = await start(SITE);
    const { inv } = await annInvitesDeskWithDan(h);
    const offer = await h.offerForInvitation(inv);
    const waiting = await h.createIn(DESK);
    expect(await h.offeredTo(waiting)).toBeNull();
    await h.engine.acceptInvitation('dan', inv);
    expect((await h.offer(offer!.id)).state).toBe('accepted');
    expect(await h.offeredTo(waiting)).toBe('dan');
    await h.checkOfferInvariants();
  });

  it('S1: an invitation to a rep is not offered (a personal queue does not route, as for a session there); the rep joins by hand', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob');
    const s = await ownedBy(h, 'ann');
    const inv = await invite(h, s, 'rep:bob');
    await h.advanceSeconds(600);
    expect(await h.events({ type: 'offer.made' })).toEqual([]);
    await h.engine.acceptInvitation('bob', inv);
    expect(await participants(h, s)).toEqual(['ann:owner', 'bob:participant']);
  });

  it('S1, E1: an invitation to a team with manual routing is never offered, and is still joinable by hand', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'bob', 'cara');
    const s = await ownedBy(h, 'ann');
    const inv = await invite(h, s, MANUAL);
    await h.advanceSeconds(600);
    expect(await h.events({ type: 'offer.made' })).toEqual([]);
    await h.checkNoIdleRepWithWork();
    await h.engine.acceptInvitation('cara', inv);
    expect(await participants(h, s)).toEqual(['ann:owner', 'cara:participant']);
  });

  it('E9: a rep who locks loses the invitation offer without exclusion, and is offered it again on unlocking', async () => {
    const h = await start(SITE);
    const { inv } = await annInvitesDeskWithDan(h);
    await h.engine.setLocked('dan', true);
    expect(await h.invitationOfferHistory(inv)).toEqual(['dan:rescinded']);
    await h.engine.setLocked('dan', false);
    expect(await h.invitationOfferHistory(inv)).toEqual(['dan:rescinded', 'dan:pending']);
  });

  it('E9: a configuration change keeps a valid invitation offer and rescinds one to a rep no longer in the team', async () => {
    const h = await start(SITE);
    await h.connect('ann', 'cara', 'dan');
    await h.engine.setOptedOut('ann', true);
    await h.giveSessions('cara', 1);
    const s = await ownedBy(h, 'ann');
    const inv = await invite(h, s, DESK);
    const reconcile = () =>
      h.engine.runAdmin(async (ctx) => {
        const config = await readSiteConfigIn(ctx.tx);
        await reconcileAfterChange(ctx, config, config, await repStates(ctx));
      });
    await reconcile();
    expect(await h.invitationOfferHistory(inv)).toEqual(['dan:pending']);
    await h.db.deleteFrom('team_members').where('team_id', '=', 'desk').where('user_id', '=', 'dan').execute();
    await reconcile();
    expect(await h.invitationOfferHistory(inv)).toEqual(['dan:rescinded', 'cara:pending']);
    expect((await h.events({ type: 'offer.rescinded' }))[0]?.data.reason).toBe('config_changed');
  });
});
