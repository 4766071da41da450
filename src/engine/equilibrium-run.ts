/**
 * E1: one Equilibrium pass inside the current command's transaction. Reads the free reps
 * and the heads of their automatic queues (waiting sessions and, S1, open invitations),
 * asks the pure planner which offers to make, and makes them.
 *
 * A pass reads what its decision depends on, not the whole site: the planner's answer over
 * these rows is the answer it would give over every logged-in rep, every waiting session
 * and every open invitation (see `findWork`), and the rows come through the indexes of
 * migrations 0004 and 0007, so a decision costs about the same with 100 or 10,000 reps and
 * 100 or 100,000 waiting sessions (docs/performance.md).
 */
import { planOffers } from '../core/equilibrium.js';
import { isAutomatic } from '../core/ranking.js';
import { isMemberOf, unavailableReason } from '../core/rep-state.js';
import { heldOfferKey } from '../core/offer-candidates.js';
import type { QueueRouting, RepId, RepSnapshot } from '../core/routing-types.js';
import { GENERAL_QUEUE_ID, type SiteSettings } from '../core/site-settings.js';
import type { Db } from '../store/store.js';
import type { CommandContext } from './command-runner.js';
import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema.js';
import { AUTOMATIC_QUEUE_PREDICATE, FREE_REP_PREDICATE } from '../store/migrations/0004-routing-indexes.js';
import { siteSettings } from '../store/queries/directory.js';
import { prepared } from '../store/queries/prepared.js';
import { rowLimit } from '../store/queries/row-limit.js';
import { idOrder } from '../store/queries/id-order.js';
import { queueHasOfferableInvitation, queueHasOfferableSession } from '../store/queries/queue-probes.js';
import { FIRST_HEAD_PAGE, QueueHead } from './queue-head.js';
import {
  loadConnectedReps,
  loadFreeReps,
  loadQueuesById,
  loadQueuesWithOfferableSessions,
  loadQueueTeam,
  loadSkills,
  type QueueTeam,
  type RepQueryOptions,
  type TeamQueue,
} from './routing-snapshot.js';

export const OFFER_EXPIRE_TIMER = 'offer.expire';

/** Up to this many free reps a pass reads them all at once; with more, it reads per queue. */
export const FEW_FREE_REPS = 64;
/**
 * E11: besides the free members, an offer's explanation compares the chosen rep with up to
 * this many connected members of the queue, least busy first: every member in a queue
 * with no more connected members than this.
 */
export const EXPLAINED_MEMBERS = 16;

/** What a pass knows about one automatic queue. */
interface QueueWork {
  readonly queue: QueueRouting;
  /** The first offerable sessions and invitations of the queue, in Q4 order. */
  readonly head: QueueHead;
  /** The first free members of the queue, least busy first (E3 (2)–(4)). */
  free: RepSnapshot[];
  /** `free` holds every free member of the queue. */
  freeDone: boolean;
  /** Rows asked for when `free` was read (the query also returns non-members for the general queue). */
  freeLimit: number;
  /** The queue's team, read with the queue. */
  team?: QueueTeam;
}

/**
 * What one pass reads once, whatever number of queues it looks at: the site settings (every
 * rep snapshot depends on them) and the rep snapshots read so far. A pass only reads until
 * it makes its offers, so what it read stays true until then.
 */
interface Pass {
  readonly db: Db;
  site?: SiteSettings;
  readonly reps: Map<RepId, RepSnapshot>;
}

/** The options of a rep read in this pass, with what the pass has read already. */
async function readOptions(pass: Pass): Promise<RepQueryOptions> {
  pass.site ??= await siteSettings(pass.db);
  return { site: pass.site, known: pass.reps };
}

/** Keeps the snapshots a read returned, for the reads after it. */
function remember(pass: Pass, reps: RepSnapshot[]): RepSnapshot[] {
  for (const r of reps) pass.reps.set(r.id, r);
  return reps;
}

/** The options that restrict a rep read to the queue's members, its team read with the queue. */
async function membersOf(pass: Pass, w: QueueWork): Promise<RepQueryOptions> {
  const options = await readOptions(pass);
  if (w.queue.kind === 'general' || w.queue.kind === 'personal') return { ...options, queue: w.queue };
  w.team ??= await loadQueueTeam(pass.db, w.queue);
  return { ...options, queue: w.queue, team: w.team };
}

export async function runEquilibrium(ctx: CommandContext): Promise<number> {
  const pass: Pass = { db: ctx.tx, reps: new Map() };
  const works = (await findWork(pass)).filter((w) => w.head.rows.length > 0 && w.free.length > 0);
  if (works.length === 0) return 0;
  const reps = new Map<RepId, RepSnapshot>();
  for (const w of works) for (const r of w.free) reps.set(r.id, r);
  // E11: the members an explanation compares with, besides the free ones.
  const membersComplete = new Map<string, boolean>();
  for (const w of works) {
    const connected = remember(pass, await loadConnectedReps(ctx.tx, { ...(await membersOf(pass, w)), limit: EXPLAINED_MEMBERS }));
    membersComplete.set(w.queue.id, connected.length < EXPLAINED_MEMBERS);
    for (const r of connected) if (!reps.has(r.id)) reps.set(r.id, r);
  }
  const everyone = [...reps.values()];
  const skills = await loadSkills(ctx.tx, everyone.map((r) => r.id));
  const planned = planOffers(
    works.map((w) => w.queue),
    works.flatMap((w) => w.head.rows),
    everyone,
    skills,
    ctx.now,
  );
  const byQueue = new Map(works.map((w) => [w.queue.id, w]));
  for (const offer of planned) {
    const id = ctx.ids.id();
    // Which reps the explanation's counts and comparisons cover (docs/performance.md).
    const compared = {
      eligible: byQueue.get(offer.queueId)?.freeDone === false ? 'least_busy_first' : 'all',
      members: membersComplete.get(offer.queueId) === false ? 'least_busy_first' : 'all',
      membersLimit: EXPLAINED_MEMBERS,
    };
    await insertOffer.execute(
      ctx.tx,
      id,
      offer.sessionId,
      offer.repId,
      ctx.now,
      offer.expiresAt,
      JSON.stringify({ ...offer.explanation, compared }),
      offer.invitationId,
    );
    await ctx.armTimer(OFFER_EXPIRE_TIMER, id, offer.expiresAt);
    await ctx.emit({
      type: 'offer.made',
      sessionId: offer.sessionId,
      queueId: offer.queueId,
      repId: offer.repId,
      data: {
        offerId: id,
        expiresAt: offer.expiresAt,
        queueId: offer.queueId,
        ...(offer.invitationId === null ? {} : { invitationId: offer.invitationId }),
      },
    });
  }
  return planned.length;
}

const insertOffer = prepared(
  (db: Db, id: string, sessionId: string, repId: string, madeAt: number, expiresAt: number, explanation: string, invitationId: string | null) =>
    db.insertInto('offers').values({
      id,
      session_id: sessionId,
      rep_id: repId,
      state: 'pending',
      made_at: madeAt,
      expires_at: expiresAt,
      ended_at: null,
      explanation,
      invitation_id: invitationId,
    }),
);

const isFree = (rep: RepSnapshot): boolean => unavailableReason(rep) === null && heldOfferKey(rep) === null;

/**
 * The automatic queues a pass may make offers in, each with enough of its head and of its
 * free members that planOffers over them plans exactly what it would plan over every
 * waiting session and every rep:
 *
 * - Sessions: a queue's sessions only take its free members. A session none of whose
 *   excluded reps or participants is a free member ("clean") takes one whenever one is
 *   left, so once as many clean sessions as the queue has free members are read, no later
 *   session of the queue can get an offer. The head is read until then, or to its end.
 *   Invitations (S1) are sessions here: their exclusions hold the inviter and the reps
 *   who missed them, their participants the reps in the session (QueueHead).
 * - Reps: when many reps are free, a queue's free members are read least busy first. A
 *   session then goes to the first of them who is neither taken by an earlier offer of the
 *   pass nor excluded from it (E3 (2)–(4)), so the first (sessions read in all queues +
 *   exclusions in this head + 2) free members decide every offer and its runner-up. Skill
 *   fit (E8) ranks before load and its relaxation depends on every eligible rep: a
 *   `skills_least_busy` queue whose head requires skills reads all its free members. Where
 *   the free members are not all read, the head is read to its end.
 */
async function findWork(pass: Pass): Promise<QueueWork[]> {
  const { db } = pass;
  const works = await startWork(pass);
  for (const w of works) await w.head.readMore(db);
  for (;;) {
    let changed = false;
    const headsRead = works.reduce((n, w) => n + w.head.rows.length, 0);
    for (const w of works) {
      if (w.freeDone || w.head.rows.length === 0) continue;
      const everyMember = w.queue.algorithm === 'skills_least_busy' && w.head.rows.some((s) => s.requiredSkills.length > 0);
      const wanted = everyMember ? Infinity : headsRead + blockers(w) + 2;
      if (w.free.length >= wanted) continue;
      const limit = wanted === Infinity ? undefined : Math.max(wanted, w.freeLimit * 2);
      const members = await membersOf(pass, w);
      const rows = remember(pass, await loadFreeReps(db, limit === undefined ? members : { ...members, limit }));
      w.free = rows.filter((r) => isFree(r) && isMemberOf(r, w.queue));
      w.freeDone = limit === undefined || rows.length < limit;
      w.freeLimit = limit ?? Infinity;
      changed = true;
    }
    for (const w of works) {
      if (w.head.done || (w.freeDone && clean(w) >= w.free.length)) continue;
      await w.head.readMore(db);
      changed = true;
    }
    if (!changed) return works;
  }
}

/**
 * Few free reps (the usual case under load: Equilibrium keeps every free rep busy while
 * work waits for them): read them all, and the queues they are members of. Many: read the
 * automatic queues where some session or invitation waits unoffered, and their free
 * members later.
 */
async function startWork(pass: Pass): Promise<QueueWork[]> {
  const { db } = pass;
  const { free, invitations, sessions } = await probeWork(db, FEW_FREE_REPS + 1);
  if (free === 0) return [];
  // Nothing to offer anywhere (the usual case after an accept or an end): no queue is read.
  if (sessions.size === 0 && invitations.size === 0) return [];
  const head = (queue: QueueRouting) => new QueueHead(queue.id, invitations.has(queue.id));
  if (free > FEW_FREE_REPS) {
    const works: QueueWork[] = [];
    const queues: TeamQueue[] = sessions.size === 0 ? [] : await loadQueuesWithOfferableSessions(db);
    const more = [...invitations].filter((id) => !queues.some((q) => q.queue.id === id));
    queues.push(...(await loadQueuesById(db, more)).filter((q) => isAutomatic(q.queue)));
    for (const { queue, team } of queues) {
      const limit = FIRST_HEAD_PAGE + 2;
      const w: QueueWork = { queue, team, head: head(queue), free: [], freeDone: false, freeLimit: limit };
      const rows = remember(pass, await loadFreeReps(db, { ...(await membersOf(pass, w)), limit }));
      w.free = rows.filter((r) => isFree(r) && isMemberOf(r, queue));
      w.freeDone = rows.length < limit;
      if (w.free.length > 0 || !w.freeDone) works.push(w);
    }
    return works;
  }
  const reps = remember(pass, await loadFreeReps(db, await readOptions(pass))).filter(isFree);
  if (reps.length === 0) return [];
  const ids = new Set<string>();
  for (const r of reps) for (const id of r.queueIds) ids.add(id);
  if (reps.some((r) => r.policy.canSeeGeneralQueue)) ids.add(GENERAL_QUEUE_ID);
  // A queue with no offerable session or invitation has an empty head: it would take no offer.
  const offerable = [...ids].filter((id) => sessions.has(id) || invitations.has(id));
  const queues = (await loadQueuesById(db, offerable)).filter((q) => isAutomatic(q.queue));
  return queues
    .map(({ queue, team }) => ({ queue, team, head: head(queue), free: reps.filter((r) => isMemberOf(r, queue)), freeDone: true, freeLimit: Infinity }))
    .filter((w) => w.free.length > 0);
}

/**
 * Whether any rep is free (uncorrelated: evaluated once per statement): the first row of
 * the `presence_free` index, read in its order. Not an `exists`: PostgreSQL plans that for
 * the first row of the scan that looks cheapest and, guessing that a third of the reps
 * pass `active_sessions < session_limit`, scanned presence from its start, reading half the
 * logged-in reps on average when one is free (1.7 ms of the work probe at 10,000 reps).
 */
const anyFreeRep = (db: Db) => (eb: ExpressionBuilder<Database, keyof Database>) =>
  eb(
    eb
      .selectFrom('presence')
      .select(sql.lit(1).as('one'))
      .where(sql.raw<boolean>(FREE_REP_PREDICATE))
      .orderBy('presence.active_sessions')
      .orderBy('presence.load_since')
      .orderBy(idOrder(db, 'presence.user_id'))
      .limit(sql.lit(1)),
    'is not',
    null,
  );

/**
 * One statement for what a pass starts from: how many reps are free (up to `upTo`, from
 * the `presence_free` index alone: disabled users are not told apart, so an upper bound,
 * exact when 0), the automatic queues holding an offerable invitation and those holding
 * an offerable session (the ids of loadQueuesWithOfferableSessions), with the partial
 * indexes' own predicates. With no rep free the pass makes no offer: the queues are then
 * not looked at.
 */
const workProbe = prepared((db: Db, upTo: number) => {
  const automaticQueuesHolding = (kind: 'invitation' | 'session', holds: typeof queueHasOfferableSession) =>
    db
      .selectFrom('queues')
      .select([sql.lit(kind).as('kind'), 'queues.id as queue_id', sql.lit(0).as('n')])
      .where(sql.raw<boolean>(AUTOMATIC_QUEUE_PREDICATE))
      .where(anyFreeRep(db))
      .where(holds(db));
  return db
    .selectFrom((eb) => eb.selectFrom('presence').select('user_id').where(sql.raw<boolean>(FREE_REP_PREDICATE)).limit(rowLimit(upTo)).as('free'))
    .select((eb) => [sql.lit('free').as('kind'), sql<string | null>`null`.as('queue_id'), eb.fn.countAll<number | string | bigint>().as('n')])
    .unionAll(automaticQueuesHolding('invitation', queueHasOfferableInvitation))
    .unionAll(automaticQueuesHolding('session', queueHasOfferableSession));
});

async function probeWork(db: Db, upTo: number): Promise<{ free: number; invitations: Set<string>; sessions: Set<string> }> {
  const rows = await workProbe.all(db, upTo);
  let free = 0;
  const invitations = new Set<string>();
  const sessions = new Set<string>();
  for (const r of rows) {
    if (r.kind === 'free') free = Number(r.n);
    else if (r.kind === 'invitation') invitations.add(r.queue_id!);
    else sessions.add(r.queue_id!);
  }
  return { free, invitations, sessions };
}

/** Exclusions and participants in the head: reps some session or invitation there cannot be offered to. */
function blockers(w: QueueWork): number {
  return w.head.rows.reduce((n, s) => n + s.excludedRepIds.length + s.participantRepIds.length, 0);
}

/** Sessions and invitations of the head that every free member of the queue may be offered (E6). */
function clean(w: QueueWork): number {
  const free = new Set(w.free.map((r) => r.id));
  return w.head.rows.filter((s) => !s.excludedRepIds.some((id) => free.has(id)) && !s.participantRepIds.some((id) => free.has(id))).length;
}
