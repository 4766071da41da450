/**
 * The engine's public face: every command the server may run, each one transaction.
 * Built by main.ts from its parts; holds no authoritative state of its own.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { RawCustomerInput } from '../core/customer-input.js';
import { LobbyError } from '../core/errors.js';
import { findIssueByCode } from '../store/queries/directory.js';
import type { Clock } from './clock.js';
import { CommandRunner, type CommandContext } from './command-runner.js';
import { EventBus, EventFeed } from './event-bus.js';
import { eventsAfter, lastSeq } from '../store/queries/events.js';
import type { Ids } from './ids.js';
import { TimerDispatcher, type TimerHandler } from './timer-dispatcher.js';
import {
  acceptSession,
  createSession,
  endSession,
  sendChatMessage,
  type CreateSessionInput,
  type EndReason,
  type Speaker,
} from './session-commands.js';
import { generateSessionKey, redeemSessionKey } from './session-key-commands.js';
import { REP_GRACE_TIMER, repConnected, repDisconnected, repGraceExpired, resetConnectionsAfterRestart } from './presence.js';
import { OFFER_EXPIRE_TIMER, runEquilibrium } from './equilibrium-run.js';
import { acceptOffer, expireOffer, rejectOffer } from './offer-commands.js';
import { REP_IDLE_TIMER, idleTimerDue, reportActivity, setLocked, setOptedOut } from './availability-commands.js';
import { WAITING_RULE_TIMER } from './queue-moves.js';
import { waitingRuleDue } from './waiting-rule-commands.js';
import { getNext, transferSession, type TransferActor } from './queue-commands.js';
import { repLost } from './fallback-commands.js';
import { acceptInvitation, inviteToSession, leaveSession, withdrawInvitation } from './invitation-commands.js';
import type { EntryLinkKind } from '../core/entry-links.js';
import { createEntryLink, revokeEntryLink, updateEntryLink, type EntryLinkEdit, type LinkEditor, type NewEntryLink } from './entry-link-commands.js';
import { setListedOnRepList, startFromLink, startFromRepList } from './customer-entry-commands.js';
import { CobrowseRelay } from './cobrowse-relay.js';
import {
  answerCobrowse,
  cobrowseBudgetReached,
  requestCobrowse,
  stopCobrowse,
  stopCobrowseAfterMove,
  type CobrowseActor,
} from './cobrowse-commands.js';
import {
  CUSTOMER_GRACE_TIMER,
  customerConnected,
  customerDisconnected,
  customerGraceExpired,
  resetCustomerConnectionsAfterRestart,
} from './customer-presence.js';
import { DEFAULT_LIVENESS, NodeLiveness, forgetEarlierNodes, type ConnectionKind, type LivenessOptions } from './node-liveness.js';
import { SystemClock } from './clock.js';

export interface EngineDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** How nodes on one PostgreSQL database tell that one of them died (node-liveness.ts). */
  liveness?: Partial<LivenessOptions>;
}

export class Engine {
  readonly bus = new EventBus();
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: Ids;
  private readonly runner: CommandRunner;
  private readonly timers: TimerDispatcher;
  private readonly feed: EventFeed;
  private readonly liveness: NodeLiveness;
  private stopWatching: (() => Promise<void>) | null = null;

  constructor(deps: EngineDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.feed = new EventFeed(this.bus, (afterSeq, limit) => eventsAfter(deps.store.db, afterSeq, limit));
    this.runner = new CommandRunner({ ...deps, feed: this.feed, onTimerArmed: (dueAt) => this.timers.arm(dueAt) });
    const handlers = new Map<string, TimerHandler>([
      [REP_GRACE_TIMER, repGraceExpired],
      [REP_IDLE_TIMER, idleTimerDue],
      [OFFER_EXPIRE_TIMER, expireOffer],
      [WAITING_RULE_TIMER, waitingRuleDue],
      [CUSTOMER_GRACE_TIMER, customerGraceExpired],
    ]);
    this.timers = new TimerDispatcher(deps.store, deps.clock, this.runner, deps.logger, handlers);
    this.liveness = new NodeLiveness({
      ...DEFAULT_LIVENESS,
      clock: new SystemClock(),
      ...deps.liveness,
      store: deps.store,
      runner: this.runner,
      // Not from deps.ids: tests seed those, and a node id must be unique among live processes.
      nodeId: randomUUID(),
      logger: deps.logger,
      hooks: {
        connected: (ctx, kind, id) => (kind === 'rep' ? repConnected(ctx, id) : customerConnected(ctx, id)),
        disconnected: (ctx, kind, id) => (kind === 'rep' ? repDisconnected(ctx, id) : customerDisconnected(ctx, id)),
      },
    });
  }

  /** This process's id among the nodes sharing the database. */
  get nodeId(): string {
    return this.liveness.nodeId;
  }

  /** Starts the timer dispatcher; on the single-node store, voids connections of the last run. */
  async start(): Promise<void> {
    this.feed.start(await lastSeq(this.store.db));
    if (this.store.kind === 'sqlite') {
      await this.runner.run(async (ctx) => {
        await resetConnectionsAfterRestart(ctx);
        await resetCustomerConnectionsAfterRestart(ctx);
        await forgetEarlierNodes(ctx.tx, this.liveness.nodeId);
      });
    }
    // Other nodes sharing the database: publish their events here too, and run their timers.
    this.stopWatching = await this.store.watchCommits(() => {
      this.feed.catchUp().catch(() => undefined);
      this.timers.refresh();
    });
    await this.timers.start();
    // After the timers that fell due while this node was down (W4): nodes found dead now
    // died no earlier than that. One process owns a SQLite database: only nodes sharing
    // PostgreSQL need heartbeats.
    await this.liveness.start({ beat: this.store.kind === 'postgres' });
  }

  async stop(): Promise<void> {
    await this.stopWatching?.();
    this.stopWatching = null;
    await this.timers.stop();
    await this.liveness.stop();
  }

  /** One heartbeat now, and a check of the other nodes': for tests that move the liveness clock. */
  livenessTick(): Promise<void> {
    return this.liveness.tick();
  }

  /** A connection opened or closed on this node, counted here and in presence (A1, L3). */
  private async connection(kind: ConnectionKind, subjectId: string, delta: 1 | -1): Promise<void> {
    await this.runner.run((ctx) =>
      delta === 1 ? this.liveness.connected(ctx, kind, subjectId) : this.liveness.disconnected(ctx, kind, subjectId),
    );
    this.liveness.remember(kind, subjectId, delta);
  }

  /** Resolves once no timer is running: for tests that move a manual clock. */
  timersIdle(): Promise<void> {
    return this.timers.whenIdle();
  }

  createSession(input: CreateSessionInput) {
    return this.runner.run((ctx) => createSession(ctx, input));
  }

  /** C3: the issue form. The issue decides queue, skills and priority. */
  submitIssue(issueCode: string, customer: RawCustomerInput) {
    return this.runner.run(async (ctx) => {
      const issue = await findIssueByCode(ctx.tx, issueCode);
      if (!issue) throw new LobbyError('unknown_issue', 'Please choose one of the listed issues.', 'issueCode');
      return createSession(ctx, {
        ...customer,
        origin: 'issue',
        queueId: issue.queue_id,
        issueId: issue.id,
        priority: issue.priority,
        requiredSkills: JSON.parse(issue.skills) as string[],
      });
    });
  }

  generateSessionKey(repId: string, expiresInMinutes?: number) {
    return this.runner.run((ctx) => generateSessionKey(ctx, repId, expiresInMinutes));
  }

  redeemSessionKey(key: string, customer: RawCustomerInput) {
    return this.runner.run((ctx) => redeemSessionKey(ctx, key, customer));
  }

  acceptSession(repId: string, sessionId: string) {
    return this.runner.run((ctx) => acceptSession(ctx, repId, sessionId));
  }

  sendChatMessage(sessionId: string, from: Speaker, text: string) {
    return this.runner.run((ctx) => sendChatMessage(ctx, sessionId, from, text));
  }

  endSession(sessionId: string, by: Speaker | { kind: 'api' }, reason: EndReason) {
    return this.runner.run((ctx) => endSession(ctx, sessionId, by, reason));
  }

  repConnected(repId: string) {
    return this.connection('rep', repId, 1);
  }

  repDisconnected(repId: string) {
    return this.connection('rep', repId, -1);
  }

  async acceptOffer(repId: string, offerId: string) {
    const result = await this.runner.run((ctx) => acceptOffer(ctx, repId, offerId));
    if (result.kind === 'expired') throw new LobbyError('offer_not_pending', 'That offer has expired.');
    return result.session;
  }

  rejectOffer(repId: string, offerId: string) {
    return this.runner.run((ctx) => rejectOffer(ctx, repId, offerId));
  }

  setLocked(repId: string, locked: boolean) {
    return this.runner.run((ctx) => setLocked(ctx, repId, locked));
  }

  setOptedOut(repId: string, optedOut: boolean) {
    return this.runner.run((ctx) => setOptedOut(ctx, repId, optedOut));
  }

  reportActivity(repId: string) {
    return this.runner.run((ctx) => reportActivity(ctx, repId));
  }

  getNext(repId: string) {
    return this.runner.run((ctx) => getNext(ctx, repId));
  }

  transferSession(actor: TransferActor, sessionId: string, queueId: string) {
    return this.runner.run((ctx) => transferSession(ctx, actor, sessionId, queueId));
  }

  inviteToSession(repId: string, sessionId: string, queueId: string) {
    return this.runner.run((ctx) => inviteToSession(ctx, repId, sessionId, queueId));
  }

  acceptInvitation(repId: string, invitationId: string) {
    return this.runner.run((ctx) => acceptInvitation(ctx, repId, invitationId));
  }

  withdrawInvitation(repId: string, invitationId: string) {
    return this.runner.run((ctx) => withdrawInvitation(ctx, repId, invitationId));
  }

  leaveSession(repId: string, sessionId: string) {
    return this.runner.run((ctx) => leaveSession(ctx, repId, sessionId));
  }

  /** F: an admin removed the rep, or the API logged them out. */
  repLost(repId: string) {
    return this.runner.run((ctx) => repLost(ctx, repId));
  }

  /** E1 after a configuration change: new members, algorithms or skills may allow offers. */
  rebalance() {
    return this.runner.run((ctx) => runEquilibrium(ctx));
  }

  // ---- Customer side (C2, C4, C5, L3) ----

  /** C2: a customer chose a rep from the portal's list (by the rep's public list id). */
  startFromRepList(repHandle: string, customer: RawCustomerInput) {
    return this.runner.run((ctx) => startFromRepList(ctx, repHandle, customer));
  }

  /** C4, C5: a customer followed a support button or a click-to-chat link. */
  startFromLink(kind: EntryLinkKind, token: string, customer: RawCustomerInput) {
    return this.runner.run((ctx) => startFromLink(ctx, kind, token, customer));
  }

  createEntryLink(actor: LinkEditor, input: NewEntryLink) {
    return this.runner.run((ctx) => createEntryLink(ctx, actor, input));
  }

  updateEntryLink(actor: LinkEditor, kind: EntryLinkKind, id: string, edit: EntryLinkEdit) {
    return this.runner.run((ctx) => updateEntryLink(ctx, actor, kind, id, edit));
  }

  revokeEntryLink(actor: LinkEditor, kind: EntryLinkKind, id: string) {
    return this.runner.run((ctx) => revokeEntryLink(ctx, actor, kind, id));
  }

  /** C2: the rep's "show me on the representative list" switch. */
  setListedOnRepList(repId: string, listed: boolean) {
    return this.runner.run((ctx) => setListedOnRepList(ctx, repId, listed));
  }

  /** L3: a customer page connected to its session's live feed (ends a grace period). */
  customerConnected(sessionId: string) {
    return this.connection('customer', sessionId, 1);
  }

  /** L3: a customer page's connection closed; the last one starts the grace period. */
  customerDisconnected(sessionId: string) {
    return this.connection('customer', sessionId, -1);
  }

  /**
   * Admin commands (src/engine/admin-*.ts): configuration changes and team leads' actions.
   * One transaction under the routing lock like every command; events published after commit.
   */
  runAdmin<T>(work: (ctx: CommandContext) => Promise<T>): Promise<T> {
    return this.runner.run(work);
  }

  // ---- Browser sharing in click-to-chat sessions (docs/cobrowse.md) ----

  /** A rep in the session asks to see the customer's page. */
  requestCobrowse(repId: string, sessionId: string) {
    return this.runner.run((ctx) => requestCobrowse(ctx, repId, sessionId));
  }

  /** The customer answers the request in the widget. */
  answerCobrowse(sessionId: string, consent: boolean) {
    return this.runner.run((ctx) => answerCobrowse(ctx, sessionId, consent));
  }

  /** The customer, a rep in the session, or the server stops sharing (or withdraws a request). */
  stopCobrowse(sessionId: string, by: CobrowseActor) {
    return this.runner.run((ctx) => stopCobrowse(ctx, sessionId, by));
  }

  private cobrowseRelay: CobrowseRelay | null = null;

  /**
   * The in-memory relay of shared pages, made on first use. Like the event bus it holds no
   * authoritative state: what it knows it reads from the store and follows on the bus.
   */
  get cobrowse(): CobrowseRelay {
    this.cobrowseRelay ??= new CobrowseRelay({
      store: this.store,
      bus: this.bus,
      clock: this.clock,
      commands: {
        answer: (sessionId, consent) => this.answerCobrowse(sessionId, consent),
        stop: (sessionId, by) => this.stopCobrowse(sessionId, by),
        budgetReached: (sessionId, used, budget) => this.runner.run((ctx) => cobrowseBudgetReached(ctx, sessionId, used, budget)),
        stopAfterMove: (sessionId, movedAtSeq) => this.runner.run((ctx) => stopCobrowseAfterMove(ctx, sessionId, movedAtSeq)),
      },
    });
    return this.cobrowseRelay;
  }
}
