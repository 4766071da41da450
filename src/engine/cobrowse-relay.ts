/**
 * The relay of shared pages (docs/cobrowse.md). The customer's page streams recorded DOM
 * changes over its sharing channel; the relay checks each frame, counts it against the
 * session's byte budget, and hands it in memory to the sockets of the reps in that session
 * who watch it. Nothing here goes through the routing lock or the events table: only the
 * control steps do (cobrowse-commands.ts), and the relay follows them on the event bus.
 *
 * Per session it keeps what it needs to judge a frame at once: the sharing state, who is in
 * the session, and whether the session is active. Each is read from the database when the
 * session is first touched and then kept current from the bus, which carries every node's
 * events, so a stale view only lasts until the next event. The fan-out to the reps, and the
 * page so far for reps who start watching mid-stream, are the PageStream's (cobrowse-stream.ts).
 *
 * Relaying is per node: on several nodes sharing PostgreSQL, a rep sees the page only when
 * their console is connected to the node that holds the customer's channel.
 */
import { LobbyError, isLobbyError } from '../core/errors.js';
import {
  COBROWSE_EVENT_TYPES,
  COBROWSE_OFF,
  applyCobrowseEvent,
  type CobrowseState,
} from '../core/cobrowse-rules.js';
import { cobrowseBudgetBytes, parseCustomerCobrowseMessage, type CobrowseDataFrame } from '../core/cobrowse-protocol.js';
import type { Store } from '../store/store.js';
import type { LobbyEvent } from '../store/queries/events.js';
import { findSession, participantsOf } from '../store/queries/sessions.js';
import { siteSettings } from '../store/queries/directory.js';
import type { Clock } from './clock.js';
import type { EventBus } from './event-bus.js';
import { readCobrowseState, type CobrowseActor } from './cobrowse-commands.js';
import { purgeCobrowseFrames, storeCobrowseFrame } from './cobrowse-recordings.js';
import { PageStream, type CobrowseSource, type CobrowseViewer } from './cobrowse-stream.js';

export type { CobrowseSource, CobrowseViewer } from './cobrowse-stream.js';

/** The control steps the relay starts itself or on the customer's behalf (Engine methods). */
export interface CobrowseCommandPort {
  answer(sessionId: string, consent: boolean): Promise<unknown>;
  stop(sessionId: string, by: CobrowseActor): Promise<unknown>;
  budgetReached(sessionId: string, usedBytes: number, budgetBytes: number): Promise<unknown>;
  stopAfterMove(sessionId: string, movedAtSeq: number): Promise<unknown>;
}

export interface CobrowseRelayDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  commands: CobrowseCommandPort;
}

const RETENTION_SWEEP_MS = 60 * 60 * 1000;

interface Settings {
  budgetBytes: number;
  store: boolean;
  mask: string;
}

interface Entry {
  sessionId: string;
  ready: Promise<void>;
  loaded: boolean;
  /** Bus events that arrived while the entry was being read. */
  early: LobbyEvent[];
  state: CobrowseState;
  sessionState: string;
  members: Set<string>;
  settings: Settings;
  stream: PageStream;
  usedBytes: number;
  budgetReported: boolean;
  /** Stored frames are written in order, one after the other. */
  writes: Promise<void>;
}

type Log = (err: unknown, what: string) => void;

export class CobrowseRelay {
  private readonly entries = new Map<string, Entry>();
  private readonly off: () => void;
  private cancelSweep: (() => void) | null = null;
  private closed = false;
  /** Where failures of background work go; the server sets its logger. */
  log: Log = () => undefined;

  constructor(private readonly deps: CobrowseRelayDeps) {
    this.off = deps.bus.subscribe((e) => this.onEvent(e));
  }

  /** Deletes expired recordings now and every hour from now (cobrowseRetentionDays). */
  startRetention(): void {
    const sweep = (): void => {
      if (this.closed) return;
      this.purgeRecordings().catch((err: unknown) => this.log(err, 'cobrowse retention sweep failed'));
      this.cancelSweep = this.deps.clock.wakeAt(this.deps.clock.now() + RETENTION_SWEEP_MS, sweep);
    };
    sweep();
  }

  async purgeRecordings(): Promise<number> {
    const site = await siteSettings(this.deps.store.db);
    return purgeCobrowseFrames(this.deps.store.db, this.deps.clock.now(), site.cobrowseRetentionDays);
  }

  close(): void {
    this.closed = true;
    this.off();
    this.cancelSweep?.();
  }

  // ---- The customer's page ----

  /** A sharing channel of the customer opened; it is told the state at once. */
  async attachSource(sessionId: string, source: CobrowseSource): Promise<void> {
    const entry = await this.ready(sessionId);
    entry.stream.addSource(source);
    source.send(this.sourceState(entry));
    if (entry.stream.sources.size === 1) this.tellViewers(entry);
  }

  detachSource(sessionId: string, source: CobrowseSource): void {
    const entry = this.entries.get(sessionId);
    if (!entry || !entry.stream.sources.delete(source)) return;
    if (entry.stream.sources.size === 0) this.tellViewers(entry);
    this.maybeForget(entry);
  }

  /** One message from the customer's page, `bytes` long as received. Call after attachSource resolved. */
  fromSource(sessionId: string, source: CobrowseSource, text: string, bytes: number): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    const parsed = parseCustomerCobrowseMessage(text, bytes);
    if (!parsed.ok) {
      sendError(source, parsed.code, parsed.message);
      return;
    }
    const msg = parsed.message;
    if (msg.type !== 'cobrowse.data') {
      const { commands } = this.deps;
      const run =
        msg.type === 'cobrowse.stop'
          ? commands.stop(sessionId, { kind: 'customer' })
          : commands.answer(sessionId, msg.type === 'cobrowse.consent');
      run.catch((err: unknown) => {
        if (isLobbyError(err)) sendError(source, err.code, err.message);
        else this.log(err, `${msg.type} failed`);
      });
      return;
    }
    this.relayFrame(entry, source, msg, bytes);
  }

  private relayFrame(entry: Entry, source: CobrowseSource, frame: CobrowseDataFrame, bytes: number): void {
    if (entry.state.status !== 'sharing' || entry.sessionState !== 'active') {
      sendError(source, 'not_sharing', 'Sharing is not on: the customer has not agreed to share the page, or sharing has stopped.');
      return;
    }
    const budget = entry.settings.budgetBytes;
    if (entry.usedBytes + bytes > budget) {
      sendError(source, 'budget_reached', `This session has used its allowance for browser sharing (${formatBytes(budget)}); sharing stops.`);
      if (!entry.budgetReported) {
        entry.budgetReported = true;
        this.deps.commands.budgetReached(entry.sessionId, entry.usedBytes, budget).catch((err: unknown) => {
          entry.budgetReported = false;
          this.log(err, 'cobrowse budget event failed');
        });
      }
      return;
    }
    entry.usedBytes += bytes;
    const text = JSON.stringify({
      type: 'cobrowse.frame',
      sessionId: entry.sessionId,
      seq: frame.seq,
      part: frame.part,
      parts: frame.parts,
      checkout: frame.checkout,
      data: frame.data,
    });
    entry.stream.relay(text, frame.checkout && frame.part === 0);
    if (entry.settings.store) {
      const at = this.deps.clock.now();
      entry.writes = entry.writes
        .then(() => storeCobrowseFrame(this.deps.store.db, entry.sessionId, at, frame))
        .catch((err: unknown) => this.log(err, 'storing a cobrowse frame failed'));
    }
  }

  // ---- The reps' consoles ----

  /** A rep's console wants the session's page; only reps in the session get it (S2). */
  async watch(viewer: CobrowseViewer, sessionId: string): Promise<void> {
    const entry = await this.ready(sessionId);
    if (!entry.members.has(viewer.repId) || entry.sessionState === 'ended') {
      this.maybeForget(entry);
      throw new LobbyError('not_in_session', 'You are not in that session.');
    }
    viewer.send(this.viewerState(entry));
    entry.stream.watch(viewer, entry.state.status === 'sharing');
  }

  /**
   * Before a rep asks: the customer's widget must be open on their web site, with its sharing
   * channel on this node (the Lobby's own /chat/ page has none: it has no page of theirs to show).
   */
  async checkCanAsk(repId: string, sessionId: string): Promise<void> {
    const entry = await this.ready(sessionId);
    if (!entry.members.has(repId)) {
      this.maybeForget(entry);
      throw new LobbyError('not_in_session', 'You are not in that session.');
    }
    if (entry.stream.sources.size === 0) {
      this.maybeForget(entry);
      throw new LobbyError('unavailable', 'The customer’s page cannot be shared right now: their chat is not open in the chat widget on a web site.');
    }
  }

  unwatch(viewer: CobrowseViewer, sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    entry.stream.unwatch(viewer);
    this.maybeForget(entry);
  }

  /** The rep's socket closed. */
  dropViewer(viewer: CobrowseViewer): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.stream.unwatch(viewer)) this.maybeForget(entry);
    }
  }

  /** For tests and the docs: bytes the session has sent for sharing on this node. */
  usedBytes(sessionId: string): number {
    return this.entries.get(sessionId)?.usedBytes ?? 0;
  }

  // ---- State ----

  private ready(sessionId: string): Promise<Entry> {
    let entry = this.entries.get(sessionId);
    if (!entry) {
      const created: Entry = {
        sessionId,
        ready: Promise.resolve(),
        loaded: false,
        early: [],
        state: COBROWSE_OFF,
        sessionState: 'ended',
        members: new Set(),
        settings: { budgetBytes: cobrowseBudgetBytes(50), store: false, mask: '' },
        stream: new PageStream(sessionId),
        usedBytes: 0,
        budgetReported: false,
        writes: Promise.resolve(),
      };
      created.ready = this.load(created).catch((err: unknown) => {
        this.entries.delete(sessionId);
        throw err;
      });
      this.entries.set(sessionId, created);
      entry = created;
    }
    const found = entry;
    return found.ready.then(() => found);
  }

  private async load(entry: Entry): Promise<void> {
    const db = this.deps.store.db;
    const [session, state, members] = await Promise.all([
      findSession(db, entry.sessionId),
      readCobrowseState(db, entry.sessionId),
      participantsOf(db, entry.sessionId),
      this.refreshSettings(entry),
    ]);
    entry.sessionState = session?.state ?? 'ended';
    entry.state = state;
    entry.members = new Set(members.map((m) => m.user_id));
    entry.loaded = true;
    // Events published while reading: applying them again is harmless (cobrowse events by
    // sequence, members and session state as sets and assignments, in order).
    for (const e of entry.early.splice(0)) this.apply(entry, e);
  }

  private async refreshSettings(entry: Entry): Promise<void> {
    const site = await siteSettings(this.deps.store.db);
    entry.settings = {
      budgetBytes: cobrowseBudgetBytes(site.cobrowseBudgetMegabytes),
      store: site.cobrowseStoreRecordings,
      mask: site.cobrowseMaskSelector,
    };
  }

  private onEvent(e: LobbyEvent): void {
    if (e.sessionId === null) return;
    const entry = this.entries.get(e.sessionId);
    if (!entry) return;
    if (!entry.loaded) entry.early.push(e);
    else this.apply(entry, e);
  }

  private apply(entry: Entry, e: LobbyEvent): void {
    if (COBROWSE_EVENT_TYPES.includes(e.type)) {
      const before = entry.state;
      entry.state = applyCobrowseEvent(before, e);
      if (entry.state === before) return;
      if (entry.state.status === 'requested') {
        // The admin may have changed the masks or the budget since: read them before consent.
        this.refreshSettings(entry).catch((err: unknown) => this.log(err, 'reading site settings failed'));
      }
      if (entry.state.status !== 'sharing') entry.stream.reset();
      this.tellAll(entry);
      return;
    }
    switch (e.type) {
      case 'session.accepted':
      case 'participant.joined':
        if (e.type === 'session.accepted') entry.sessionState = 'active';
        if (e.repId) entry.members.add(e.repId);
        return;
      case 'participant.left':
        if (e.repId) {
          entry.members.delete(e.repId);
          entry.stream.unwatchRep(e.repId);
        }
        return;
      case 'session.queued': {
        // Transferred or sent back to a queue (T2, F2–F4): its reps left, and so does the page.
        const wasActive = entry.sessionState === 'active';
        entry.sessionState = 'waiting';
        entry.members.clear();
        entry.stream.unwatchAll();
        entry.stream.reset();
        if (wasActive && (entry.state.status === 'requested' || entry.state.status === 'sharing')) {
          this.deps.commands.stopAfterMove(entry.sessionId, e.seq).catch((err: unknown) => this.log(err, 'stopping cobrowse after a move failed'));
        }
        return;
      }
      case 'session.ended':
        entry.sessionState = 'ended';
        entry.state = { ...entry.state, status: entry.state.status === 'exhausted' ? 'exhausted' : 'off', requestedBy: null };
        entry.stream.reset();
        this.tellAll(entry);
        entry.stream.unwatchAll();
        this.entries.delete(entry.sessionId);
        return;
      default:
        return;
    }
  }

  private sourceState(entry: Entry): string {
    const { state } = entry;
    return JSON.stringify({
      type: 'cobrowse.state',
      status: state.status,
      // The customer gets names, never reps' ids (logins: docs/customer-side.md).
      requestedBy: state.requestedBy?.name ?? null,
      ended: state.ended ? { reason: state.ended.reason, by: state.ended.by } : null,
      session: entry.sessionState,
      mask: entry.settings.mask,
    });
  }

  private viewerState(entry: Entry): string {
    const { state } = entry;
    return JSON.stringify({
      type: 'cobrowse.state',
      sessionId: entry.sessionId,
      status: state.status,
      requestedBy: state.requestedBy,
      ended: state.ended,
      session: entry.sessionState,
      pageConnected: entry.stream.sources.size > 0,
      budgetBytes: entry.settings.budgetBytes,
    });
  }

  private tellViewers(entry: Entry): void {
    if (entry.stream.viewerCount > 0) entry.stream.tellViewers(this.viewerState(entry));
  }

  private tellAll(entry: Entry): void {
    entry.stream.tellSources(this.sourceState(entry));
    this.tellViewers(entry);
  }

  /** An entry nobody uses, with nothing to remember, is read afresh next time. */
  private maybeForget(entry: Entry): void {
    if (!entry.loaded || entry.stream.sources.size > 0 || entry.stream.viewerCount > 0) return;
    if (entry.state.status !== 'off' || entry.usedBytes > 0) return;
    this.entries.delete(entry.sessionId);
  }
}

function sendError(to: CobrowseSource, code: string, message: string): void {
  to.send(JSON.stringify({ type: 'cobrowse.error', error: { code, message } }));
}

function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Math.round(mb * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}
