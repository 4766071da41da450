/**
 * An independent model of Equilibrium routing for the property tests
 * (test/engine/routing.property.test.ts): the site and the routing state read straight from
 * the tables, and E2 eligibility, E3 ranking and E8 skill fit recomputed from the SPEC's
 * words. It deliberately imports nothing from src/core, so that a routing rule that is
 * wrong there is not also wrong here.
 */
import type { Selectable } from 'kysely';
import type {
  ExclusionTable,
  InvitationTable,
  OfferTable,
  ParticipantTable,
  PresenceTable,
  QueueRow,
  SessionRow,
  TimerTable,
} from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

// ---------------------------------------------------------------------------------------
// The site as the test reads it back from the database (configuration rows only).
// ---------------------------------------------------------------------------------------

export interface PolicyModel {
  maxSessions: number;
  idleMinutes: number;
  unavailableWhenLocked: boolean;
  canSeeGeneralQueue: boolean;
}

export interface SiteModel {
  repIds: string[];
  disabled: Set<string>;
  policy: Map<string, PolicyModel>;
  teamsOf: Map<string, { teamId: string; kind: string }[]>;
  queues: Map<string, QueueRow>;
  generalQueueEnabled: boolean;
  maxOverflowMoves: number;
  skillParent: Map<string, string | null>;
  rootRank: Map<string, number | null>;
  repSkills: Map<string, Map<string, string>>;
}

export async function readSite(store: Store): Promise<SiteModel> {
  const db = store.db;
  const [users, policies, members, queues, skills, repSkills, site] = await Promise.all([
    db.selectFrom('users').select(['id', 'policy_id', 'disabled']).execute(),
    db.selectFrom('policies').selectAll().execute(),
    db.selectFrom('team_members').innerJoin('teams', 'teams.id', 'team_members.team_id').select(['team_members.user_id', 'teams.id', 'teams.kind']).execute(),
    db.selectFrom('queues').selectAll().execute(),
    db.selectFrom('skills').selectAll().execute(),
    db.selectFrom('rep_skills').selectAll().execute(),
    db.selectFrom('site_settings').select('value').where('key', '=', 'site').executeTakeFirstOrThrow(),
  ]);
  const settings = JSON.parse(site.value) as { generalQueueEnabled?: boolean; maxOverflowMoves?: number };
  const policyById = new Map(
    policies.map((p) => {
      const s = JSON.parse(p.settings) as Partial<PolicyModel>;
      // SPEC section 7 defaults, for settings a policy row leaves out.
      const model: PolicyModel = {
        maxSessions: s.maxSessions ?? 0,
        idleMinutes: s.idleMinutes ?? 15,
        unavailableWhenLocked: s.unavailableWhenLocked ?? true,
        canSeeGeneralQueue: s.canSeeGeneralQueue ?? true,
      };
      return [p.id, model] as const;
    }),
  );
  const teamsOf = new Map<string, { teamId: string; kind: string }[]>();
  for (const m of members) teamsOf.set(m.user_id, [...(teamsOf.get(m.user_id) ?? []), { teamId: m.id, kind: m.kind }]);
  const levels = new Map<string, Map<string, string>>();
  for (const l of repSkills) {
    const m = levels.get(l.user_id) ?? new Map<string, string>();
    m.set(l.skill_id, l.level);
    levels.set(l.user_id, m);
  }
  return {
    repIds: users.map((u) => u.id),
    disabled: new Set(users.filter((u) => u.disabled !== 0).map((u) => u.id)),
    policy: new Map(users.map((u) => [u.id, policyById.get(u.policy_id)!])),
    teamsOf,
    queues: new Map(queues.map((q) => [q.id, q])),
    generalQueueEnabled: settings.generalQueueEnabled ?? true,
    maxOverflowMoves: settings.maxOverflowMoves ?? 10,
    skillParent: new Map(skills.map((s) => [s.id, s.parent_id])),
    rootRank: new Map(skills.map((s) => [s.id, s.root_rank])),
    repSkills: levels,
  };
}

// ---------------------------------------------------------------------------------------
// The routing state, read straight from the tables after each step.
// ---------------------------------------------------------------------------------------

export type OfferRow = Selectable<OfferTable>;
export type PresenceRow = Selectable<PresenceTable>;
export type InvitationRow = Selectable<InvitationTable>;

export interface State {
  now: number;
  /** When the run started, so that messages show times as +ms. */
  t0: number;
  maxSeq: number;
  sessions: SessionRow[];
  offers: OfferRow[];
  exclusions: Selectable<ExclusionTable>[];
  participants: Selectable<ParticipantTable>[];
  presence: PresenceRow[];
  timers: Selectable<TimerTable>[];
  invitations: InvitationRow[];
  /** Sequence of each session's last `session.queued` event, and of each `offer.made`. */
  queuedSeq: Map<string, number>;
  offerSeq: Map<string, number>;
}

export async function readState(store: Store, now: number, t0: number): Promise<State> {
  const db = store.db;
  const [sessions, offers, exclusions, participants, presence, timers, invitations, seq, marks] = await Promise.all([
    db.selectFrom('sessions').selectAll().orderBy('id').execute(),
    db.selectFrom('offers').selectAll().orderBy('id').execute(),
    db.selectFrom('exclusions').selectAll().orderBy('session_id').orderBy('rep_id').execute(),
    db.selectFrom('participants').selectAll().orderBy('session_id').orderBy('user_id').execute(),
    db.selectFrom('presence').selectAll().orderBy('user_id').execute(),
    db.selectFrom('timers').selectAll().orderBy('id').execute(),
    db.selectFrom('invitations').selectAll().orderBy('id').execute(),
    db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst(),
    db.selectFrom('events').select(['seq', 'type', 'session_id', 'data']).where('type', 'in', ['session.queued', 'offer.made']).orderBy('seq').execute(),
  ]);
  const queuedSeq = new Map<string, number>();
  const offerSeq = new Map<string, number>();
  for (const e of marks) {
    if (e.type === 'session.queued' && e.session_id !== null) queuedSeq.set(e.session_id, Number(e.seq));
    else offerSeq.set(String((JSON.parse(e.data) as { offerId?: unknown }).offerId), Number(e.seq));
  }
  return { now, t0, maxSeq: Number(seq?.seq ?? 0), sessions, offers, exclusions, participants, presence, timers, invitations, queuedSeq, offerSeq };
}

/** Everything a refused command must leave as it was. */
export function digest(s: State): string {
  return JSON.stringify([s.maxSeq, s.sessions, s.offers, s.exclusions, s.participants, s.presence, s.timers, s.invitations]);
}

/**
 * What Equilibrium offers: a waiting session, or (S1) an open invitation to join an active
 * one, which waits in its own queue with the session's priority and skills since it was
 * made. `id` orders it in Q4 (an invitation by its own id); `key` tells candidates apart.
 */
export interface Candidate {
  key: string;
  id: string;
  sessionId: string;
  invitation: InvitationRow | null;
  queue_id: string | null;
  priority: number;
  waiting_since: number;
  required_skills: string;
}

export function sessionCandidate(x: SessionRow): Candidate {
  return { key: `session:${x.id}`, id: x.id, sessionId: x.id, invitation: null, queue_id: x.queue_id, priority: x.priority, waiting_since: x.waiting_since, required_skills: x.required_skills };
}

export function invitationCandidate(i: InvitationRow, session: SessionRow): Candidate {
  return {
    key: `invitation:${i.id}`,
    id: i.id,
    sessionId: i.session_id,
    invitation: i,
    queue_id: i.queue_id,
    priority: session.priority,
    waiting_since: i.created_at,
    required_skills: session.required_skills,
  };
}

export function offerKey(o: OfferRow): string {
  return o.invitation_id === null ? `session:${o.session_id}` : `invitation:${o.invitation_id}`;
}

// ---------------------------------------------------------------------------------------
// The model: E2 eligibility, E3 ranking and E8 skill fit, from the SPEC's words.
// ---------------------------------------------------------------------------------------

export class Model {
  private readonly presenceOf: Map<string, PresenceRow>;
  private readonly sessionCount = new Map<string, number>();
  private readonly pendingOf = new Map<string, OfferRow[]>();
  private readonly excluded = new Set<string>();
  /** S1, E6: `${invitationId}/${rep}` for the reps who rejected an invitation or let its offer expire. */
  private readonly missedInvitation = new Set<string>();
  private readonly inSession = new Set<string>();

  constructor(
    readonly site: SiteModel,
    readonly state: State,
  ) {
    this.presenceOf = new Map(state.presence.map((p) => [p.user_id, p]));
    const active = new Set(state.sessions.filter((s) => s.state === 'active').map((s) => s.id));
    for (const p of state.participants) {
      if (active.has(p.session_id)) this.sessionCount.set(p.user_id, (this.sessionCount.get(p.user_id) ?? 0) + 1);
      this.inSession.add(`${p.session_id}/${p.user_id}`);
    }
    for (const o of state.offers) if (o.state === 'pending') this.pendingOf.set(o.rep_id, [...(this.pendingOf.get(o.rep_id) ?? []), o]);
    for (const e of state.exclusions) this.excluded.add(`${e.session_id}/${e.rep_id}`);
    for (const o of state.offers) {
      if (o.invitation_id !== null && (o.state === 'rejected' || o.state === 'expired')) this.missedInvitation.add(`${o.invitation_id}/${o.rep_id}`);
    }
  }

  /** Every waiting session and every open invitation of a live session, as candidates. */
  candidates(): Candidate[] {
    const byId = new Map(this.state.sessions.map((x) => [x.id, x]));
    const out = this.state.sessions.filter((x) => x.state === 'waiting').map(sessionCandidate);
    for (const i of this.state.invitations) {
      const session = byId.get(i.session_id);
      if (i.state === 'open' && session && session.state !== 'ended') out.push(invitationCandidate(i, session));
    }
    return out;
  }

  /** The candidate an offer is of, while it may be offered (a waiting session, an open invitation). */
  candidateOf(o: OfferRow): Candidate | undefined {
    return this.candidates().find((c) => c.key === offerKey(o));
  }

  count(rep: string): number {
    return this.sessionCount.get(rep) ?? 0;
  }

  pendingOffers(rep: string): OfferRow[] {
    return this.pendingOf.get(rep) ?? [];
  }

  isExcluded(sessionId: string, rep: string): boolean {
    return this.excluded.has(`${sessionId}/${rep}`);
  }

  isInSession(sessionId: string, rep: string): boolean {
    return this.inSession.has(`${sessionId}/${rep}`);
  }

  /** A1: a live console connection (a rep in the grace period sees no offer). */
  connected(rep: string): boolean {
    const p = this.presenceOf.get(rep);
    return p !== undefined && p.connections > 0 && p.logged_in === 1 && !this.site.disabled.has(rep);
  }

  /** Why the rep can take no automatic offer at all (A2–A5), or null. */
  unavailable(rep: string): string | null {
    const p = this.presenceOf.get(rep);
    const policy = this.site.policy.get(rep)!;
    if (!p || !this.connected(rep)) return 'offline';
    if (p.locked === 1 && policy.unavailableWhenLocked) return 'locked';
    if (p.idle === 1) return 'idle';
    if (p.opted_out === 1) return 'opted_out';
    if (policy.maxSessions > 0 && this.count(rep) >= policy.maxSessions) return 'at_session_limit';
    return null;
  }

  /** Available, with no pending offer. */
  isFree(rep: string): boolean {
    return this.unavailable(rep) === null && this.pendingOffers(rep).length === 0;
  }

  isEmbassyMember(rep: string): boolean {
    return (this.site.teamsOf.get(rep) ?? []).some((t) => t.kind === 'embassy');
  }

  /** E2 membership (Q3, Q6: embassy members see only embassy queues). */
  isMember(rep: string, queue: QueueRow): boolean {
    if (queue.kind === 'general') {
      return this.site.generalQueueEnabled && this.site.policy.get(rep)!.canSeeGeneralQueue && !this.isEmbassyMember(rep);
    }
    if (queue.kind === 'personal') return false;
    const teams = this.site.teamsOf.get(rep) ?? [];
    if (!teams.some((t) => t.teamId === queue.team_id)) return false;
    return !this.isEmbassyMember(rep) || queue.kind === 'embassy';
  }

  /**
   * E2 without "no other pending offer": the caller knows the rep was free then. For an
   * invitation (S1): a member of its queue, not its inviter, not in the session, and not
   * one who rejected it or let its offer expire.
   */
  whyNotEligibleIgnoringOffers(rep: string, c: Candidate | SessionRow): string | null {
    const candidate = 'key' in c ? c : sessionCandidate(c);
    const queue = candidate.queue_id === null ? undefined : this.site.queues.get(candidate.queue_id);
    if (!queue || !this.isMember(rep, queue)) return 'not_member';
    const u = this.unavailable(rep);
    if (u !== null) return u;
    const invitation = candidate.invitation;
    if (invitation === null ? this.isExcluded(candidate.sessionId, rep) : this.missedInvitation.has(`${invitation.id}/${rep}`)) return 'excluded';
    if (invitation !== null && invitation.inviter_id === rep) return 'inviter';
    if (this.isInSession(candidate.sessionId, rep)) return 'already_in_session';
    return null;
  }

  /** E2 in full. */
  whyNotEligible(rep: string, c: Candidate | SessionRow): string | null {
    const candidate = 'key' in c ? c : sessionCandidate(c);
    const why = this.whyNotEligibleIgnoringOffers(rep, candidate);
    if (why !== null) return why;
    if (this.pendingOffers(rep).some((o) => offerKey(o) !== candidate.key)) return 'has_pending_offer';
    return null;
  }

  // ---- E8 ----

  private parentOf(skill: string): string | null {
    return this.site.skillParent.get(skill) ?? null;
  }

  /** preferred where set; less_preferred below a preferred skill; ignored = not held. */
  level(rep: string, skill: string): 'preferred' | 'less_preferred' | null {
    const own = this.site.repSkills.get(rep)?.get(skill);
    if (own === 'preferred') return 'preferred';
    if (own === 'ignored') return null;
    for (let p = this.parentOf(skill); p !== null; p = this.parentOf(p)) {
      if (this.site.repSkills.get(rep)?.get(p) === 'preferred') return 'less_preferred';
    }
    return null;
  }

  private rankOfRoot(skill: string): number {
    let s = skill;
    for (let p = this.parentOf(s); p !== null; p = this.parentOf(s)) s = p;
    return this.site.rootRank.get(s) ?? Number.POSITIVE_INFINITY;
  }

  /**
   * E8 relaxation over the eligible reps: unheld requirements climb to their parent, unheld
   * roots are dropped (lowest ranked first), until some rep matches all. Where every
   * requirement is held by someone but nobody holds them all, SPEC is silent; this follows
   * the choice recorded in src/core/skill-fit.ts: the lowest-ranked requirement (by its
   * root's rank, then later in the list) climbs, or is dropped when it is a root.
   */
  relax(required: readonly string[], reps: readonly string[]): string[] {
    let reqs = [...new Set(required)];
    const replace = (from: string, to: string): void => {
      reqs = reqs.includes(to) ? reqs.filter((s) => s !== from) : reqs.map((s) => (s === from ? to : s));
    };
    for (let guard = 0; reqs.length > 0; guard += 1) {
      if (guard > 100) throw new Error('skill relaxation does not end');
      const current = reqs;
      if (reps.some((r) => current.every((s) => this.level(r, s) !== null))) break;
      const unheld = current.filter((s) => !reps.some((r) => this.level(r, s) !== null));
      const liftable = unheld.filter((s) => this.parentOf(s) !== null);
      if (liftable.length > 0) {
        for (const s of liftable) replace(s, this.parentOf(s)!);
        continue;
      }
      const pool = unheld.length > 0 ? unheld : current;
      let victim = pool[0]!;
      for (const s of pool) {
        const rs = this.rankOfRoot(s);
        const rv = this.rankOfRoot(victim);
        if (rs > rv || (rs === rv && current.indexOf(s) > current.indexOf(victim))) victim = s;
      }
      const parent = this.parentOf(victim);
      if (parent === null) reqs = reqs.filter((s) => s !== victim);
      else replace(victim, parent);
    }
    return reqs;
  }

  /** 0 when the rep does not hold every remaining requirement, else 1 + preferred matches. */
  skillScore(rep: string, requirements: readonly string[]): number {
    const levels = requirements.map((s) => this.level(rep, s));
    if (levels.some((l) => l === null)) return 0;
    return 1 + levels.filter((l) => l === 'preferred').length;
  }

  /** E3 over `candidates` for `session` (or an invitation, S1): negative when a ranks before b. */
  ranker(session: Candidate | SessionRow, candidates: readonly string[]): (a: string, b: string) => number {
    const queue = this.site.queues.get(session.queue_id!)!;
    const withSkills = queue.algorithm === 'skills_least_busy';
    const reqs = withSkills ? this.relax(JSON.parse(session.required_skills) as string[], candidates) : [];
    const score = new Map(candidates.map((r) => [r, withSkills ? this.skillScore(r, reqs) : 0]));
    const loadSince = (r: string): number => this.presenceOf.get(r)!.load_since;
    return (a, b) => {
      const sa = score.get(a)!;
      const sb = score.get(b)!;
      if (sa !== sb) return sb - sa;
      if (this.count(a) !== this.count(b)) return this.count(a) - this.count(b);
      if (loadSince(a) !== loadSince(b)) return loadSince(a) - loadSince(b);
      return a === b ? 0 : a < b ? -1 : 1;
    };
  }

  describeRep(rep: string): string {
    const p = this.presenceOf.get(rep);
    return p
      ? `${rep}{conn=${p.connections},in=${p.logged_in},locked=${p.locked},idle=${p.idle},out=${p.opted_out},sessions=${this.count(rep)},loadSince=+${p.load_since - this.state.t0}}`
      : `${rep}{no presence}`;
  }
}

export function isAutomatic(queue: QueueRow | undefined): boolean {
  return queue !== undefined && queue.kind !== 'personal' && queue.algorithm !== 'none';
}

/** Q4: higher priority, then longer waiting, then id (an invitation's own: S1). */
export function compareQueueOrder(a: Pick<SessionRow, 'priority' | 'waiting_since' | 'id'>, b: Pick<SessionRow, 'priority' | 'waiting_since' | 'id'>): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.waiting_since !== b.waiting_since) return a.waiting_since - b.waiting_since;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}


/** Which tables a refused command changed, for the failure message. */
export function diffStates(a: State, b: State): string {
  const parts: string[] = [];
  if (a.maxSeq !== b.maxSeq) parts.push(`events ${a.maxSeq} → ${b.maxSeq}`);
  for (const key of ['sessions', 'offers', 'exclusions', 'participants', 'presence', 'timers', 'invitations'] as const) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) parts.push(`${key} changed`);
  }
  return parts.join(', ');
}
