/**
 * The invariants the routing property tests (test/engine/routing.property.test.ts) check
 * after every step, on the state read from the database. Each violation names its rule;
 * the list of ids and what they mean is at the top of the test file.
 */
import type { LobbyEvent } from '../../src/store/queries/events.js';
import { Model, compareQueueOrder, isAutomatic, offerKey, type SiteModel, type State } from './routing-model.js';

export interface Violation {
  id: string;
  detail: string;
}

/**
 * Every invariant but those in `skip`, on the state after one step. `batches`: the events
 * the step published, one list per transaction. The offers made by the last transaction
 * that wrote events are checked against E3 and Q4: its Equilibrium run was that
 * transaction's last write, so the state read now is the state the run saw, but for the
 * offers it made.
 */
export function checkInvariants(site: SiteModel, s: State, batches: readonly (readonly LobbyEvent[])[], skip: ReadonlySet<string>): Violation[] {
  const out: Violation[] = [];
  const v = (id: string, detail: string): void => {
    if (!skip.has(id)) out.push({ id, detail });
  };
  const m = new Model(site, s);
  const sessionById = new Map(s.sessions.map((x) => [x.id, x]));
  const pending = s.offers.filter((o) => o.state === 'pending');
  const timersOf = (kind: string, ref: string) => s.timers.filter((t) => t.kind === kind && t.ref === ref);
  const lastBatch = [...batches].reverse().find((b) => b.length > 0) ?? [];
  const lastBatchOffers = lastBatch.filter((e) => e.type === 'offer.made').map((e) => String(e.data.offerId));

  // [L1] and [OWNER]
  for (const x of s.sessions) {
    const parts = s.participants.filter((p) => p.session_id === x.id);
    if (x.state === 'waiting') {
      if (x.queue_id === null || !site.queues.has(x.queue_id)) v('L1', `waiting session ${x.id} is in queue ${String(x.queue_id)}`);
      if (x.owner_id !== null || parts.length > 0) v('OWNER', `waiting session ${x.id} has owner ${String(x.owner_id)} and ${parts.length} participant(s)`);
    } else if (x.state === 'active' || x.state === 'ended') {
      if (x.queue_id !== null) v('L1', `${x.state} session ${x.id} is still in queue ${x.queue_id}`);
    } else {
      v('L1', `session ${x.id} has state ${x.state}`);
    }
    if (x.state === 'active') {
      const owners = parts.filter((p) => p.role === 'owner');
      if (x.owner_id === null || owners.length !== 1 || owners[0]!.user_id !== x.owner_id) {
        v('OWNER', `active session ${x.id}: owner_id=${String(x.owner_id)}, owner participants=${JSON.stringify(owners.map((p) => p.user_id))}`);
      }
    }
  }

  // [X5]: one pending offer per rep, and per candidate: a waiting session, or (S1) an
  // open invitation to an active session (never a closed one).
  const perCandidate = new Map<string, number>();
  const perRep = new Map<string, number>();
  for (const o of pending) {
    perCandidate.set(offerKey(o), (perCandidate.get(offerKey(o)) ?? 0) + 1);
    perRep.set(o.rep_id, (perRep.get(o.rep_id) ?? 0) + 1);
    const session = sessionById.get(o.session_id);
    if (o.invitation_id === null) {
      if (!session || session.state !== 'waiting') v('X5', `pending offer ${o.id} is for ${session?.state ?? 'unknown'} session ${o.session_id}`);
    } else {
      const invitation = s.invitations.find((i) => i.id === o.invitation_id);
      if (!invitation || invitation.state !== 'open') v('X5', `pending offer ${o.id} is for ${invitation?.state ?? 'unknown'} invitation ${o.invitation_id}`);
      if (!session || session.state !== 'active') v('X5', `pending offer ${o.id} of invitation ${o.invitation_id} is to join ${session?.state ?? 'unknown'} session ${o.session_id}`);
    }
  }
  for (const [key, n] of perCandidate) if (n > 1) v('X5', `${key} has ${n} pending offers`);
  for (const [id, n] of perRep) if (n > 1) v('X5', `rep ${id} holds ${n} pending offers`);

  // [S4]: an invitation is open only while its session is active.
  for (const i of s.invitations) {
    const session = sessionById.get(i.session_id);
    if (i.state === 'open' && session?.state !== 'active') v('S4', `invitation ${i.id} is open but its session ${i.session_id} is ${session?.state ?? 'unknown'}`);
  }

  for (const o of pending) {
    const c = m.candidateOf(o);
    if (!c) continue; // reported above
    const queue = c.queue_id === null ? undefined : site.queues.get(c.queue_id);
    // [E2]
    if (!isAutomatic(queue)) v('E2', `pending offer ${o.id} of ${c.key} in non-automatic queue ${String(c.queue_id)}`);
    const why = m.whyNotEligible(o.rep_id, c);
    if (why !== null) v('E2', `pending offer ${o.id} of ${c.key} (${String(c.queue_id)}) to ${m.describeRep(o.rep_id)}, who is not eligible: ${why}`);
    // [E4]
    if (o.expires_at <= s.now) v('E4', `pending offer ${o.id} expired at +${o.expires_at - s.t0} but now is +${s.now - s.t0}`);
    if (queue && o.expires_at !== o.made_at + queue.offer_timeout_seconds * 1000) {
      v('E4', `offer ${o.id} expires ${o.expires_at - o.made_at} ms after it was made; ${queue.id} says ${queue.offer_timeout_seconds} s`);
    }
    const timers = timersOf('offer.expire', o.id);
    if (timers.length !== 1 || timers[0]!.due_at !== o.expires_at) v('E4', `pending offer ${o.id} has expiry timers ${JSON.stringify(timers.map((t) => t.due_at - s.t0))}`);
  }

  // [E6]: a rep is excluded exactly when they rejected the session, or let its offer
  // expire, since it entered the queue it waits in now (a move clears exclusions).
  for (const x of s.sessions) {
    if (x.state !== 'waiting') continue;
    const queuedAt = s.queuedSeq.get(x.id) ?? 0;
    const missed = new Set(
      s.offers
        .filter((o) => o.session_id === x.id && o.invitation_id === null && (o.state === 'rejected' || o.state === 'expired') && (s.offerSeq.get(o.id) ?? 0) > queuedAt)
        .map((o) => o.rep_id),
    );
    const excluded = new Set(s.exclusions.filter((e) => e.session_id === x.id).map((e) => e.rep_id));
    for (const r of excluded) if (!missed.has(r)) v('E6', `${r} is excluded for session ${x.id} in ${String(x.queue_id)} but missed no offer of it there`);
    for (const r of missed) if (!excluded.has(r)) v('E6', `${r} missed an offer of session ${x.id} in ${String(x.queue_id)} but is not excluded`);
  }

  // [E3]: offers made by the last transaction went to the best rep that was free then.
  // One run offers sessions and invitations (S1) in Q4 order across all queues (priority,
  // waiting since, id), so that a rep in several teams is offered the most urgent first:
  // the reps free when it reached a candidate are those free now and those offered a later
  // candidate in the same run.
  const candidates = m.candidates();
  const madeNow = pending.filter((o) => lastBatchOffers.includes(o.id));
  for (const o of madeNow) {
    const c = m.candidateOf(o);
    if (!c || m.whyNotEligible(o.rep_id, c) !== null) continue; // reported above
    const laterInRun = new Set(
      madeNow
        .filter((p) => {
          const other = p.id === o.id ? undefined : m.candidateOf(p);
          return other !== undefined && compareQueueOrder(other, c) > 0;
        })
        .map((p) => p.rep_id),
    );
    const free = site.repIds.filter((r) => (r === o.rep_id || m.isFree(r) || laterInRun.has(r)) && m.whyNotEligibleIgnoringOffers(r, c) === null);
    const rank = m.ranker(c, free);
    const better = free.filter((r) => rank(r, o.rep_id) < 0).sort(rank);
    if (better.length > 0) {
      v(
        'E3',
        `${c.key} in ${String(c.queue_id)} (skills ${c.required_skills}) was offered to ${m.describeRep(o.rep_id)} ` +
          `while ${better.map((r) => m.describeRep(r)).join(', ')} ranked higher and was free`,
      );
    }
  }

  // [Q4]: Equilibrium offers a queue's sessions and invitations in Q4 order: a rep offered
  // one in the last run was not eligible for any ahead of it in the same queue that is
  // still unoffered.
  const offeredKeys = new Set(pending.map(offerKey));
  for (const o of madeNow) {
    const c = m.candidateOf(o);
    if (!c) continue;
    const skipped = candidates.filter(
      (x) => x.queue_id === c.queue_id && compareQueueOrder(x, c) < 0 && !offeredKeys.has(x.key) && m.whyNotEligibleIgnoringOffers(o.rep_id, x) === null,
    );
    if (skipped.length > 0) {
      v('Q4', `${o.rep_id} was offered ${c.key} (priority ${c.priority}, waiting since +${c.waiting_since - s.t0}) in ${String(c.queue_id)} ` +
        `ahead of ${skipped.map((x) => `${x.key} (priority ${x.priority}, waiting since +${x.waiting_since - s.t0})`).join(', ')}, which wait(s) unoffered`);
    }
  }

  // [E7]: nothing waits unoffered in an automatic queue while a free rep is eligible for it.
  for (const c of candidates) {
    if (c.queue_id === null || !isAutomatic(site.queues.get(c.queue_id)) || offeredKeys.has(c.key)) continue;
    const free = site.repIds.filter((r) => m.isFree(r) && m.whyNotEligible(r, c) === null);
    if (free.length > 0) {
      v('E7', `${c.key} waits unoffered in ${c.queue_id} while ${free.map((r) => m.describeRep(r)).join(', ')} is free and eligible`);
    }
  }

  // [A3]
  for (const p of s.presence) {
    const policy = site.policy.get(p.user_id)!;
    if (!m.connected(p.user_id) || policy.idleMinutes === 0) continue;
    const shouldBeIdle = s.now >= p.last_activity_at + policy.idleMinutes * 60_000;
    if ((p.idle === 1) !== shouldBeIdle) {
      v('A3', `${m.describeRep(p.user_id)}: last activity at +${p.last_activity_at - s.t0}, idleMinutes ${policy.idleMinutes}, now +${s.now - s.t0}, idle=${p.idle}`);
    }
  }

  // [W]
  for (const x of s.sessions) {
    if (x.state !== 'waiting' || x.queue_id === null) continue;
    const queue = site.queues.get(x.queue_id);
    if (!queue || queue.waiting_action === 'none' || x.queued_at === null) continue;
    const dueAt = x.queued_at + queue.waiting_after_seconds * 1000;
    const moves =
      queue.waiting_action === 'transfer' &&
      queue.overflow_queue_id !== null &&
      queue.overflow_queue_id !== queue.id &&
      x.overflow_moves < site.maxOverflowMoves;
    const fired = moves ? false : x.overdue === 1;
    if (x.overflow_moves > site.maxOverflowMoves) v('W', `session ${x.id} overflowed ${x.overflow_moves} times; maxOverflowMoves is ${site.maxOverflowMoves} (W3)`);
    if (!moves && x.overdue === 1 && dueAt > s.now) v('W', `session ${x.id} is overdue in ${queue.id} before its time (+${dueAt - s.t0})`);
    if (moves && x.overdue === 1) v('W', `session ${x.id} is marked overdue in ${queue.id} but should still overflow`);
    if (!fired) {
      if (dueAt <= s.now) v('W', `session ${x.id} still waits in ${queue.id} (${queue.waiting_action}) past its rule's time +${dueAt - s.t0}; now +${s.now - s.t0}`);
      else if (timersOf('waiting.rule', x.id).length === 0) v('W', `session ${x.id} in ${queue.id} has no waiting-rule timer`);
    }
  }

  // [F]: a rep logged out in this step (A1: grace period over) is in no active session, and
  // nothing waits in their personal queue (F1–F5 moved or ended it all).
  const lost = batches.flat().filter((e) => e.type === 'rep.state' && e.repId !== null && e.data.loggedIn === false);
  for (const e of lost) {
    const rep = e.repId!;
    if (m.connected(rep)) continue;
    const still = s.sessions.filter(
      (x) => (x.state === 'active' && m.isInSession(x.id, rep)) || (x.state === 'waiting' && x.queue_id === `rep:${rep}`),
    );
    if (still.length > 0) v('F', `${rep} was logged out, but ${still.map((x) => `${x.id} (${x.state}${x.queue_id === null ? '' : ` in ${x.queue_id}`})`).join(', ')} still depend(s) on them`);
  }

  // [TIMERS]
  const overdue = s.timers.filter((t) => t.due_at <= s.now);
  if (overdue.length > 0) v('TIMERS', `timers due but not run: ${JSON.stringify(overdue.map((t) => [t.kind, t.ref, t.due_at - s.t0]))}`);
  return out;
}
