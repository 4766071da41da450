/**
 * The rep console's live feed (/ws/rep). Holding the socket is what makes a rep logged in
 * (A1). `hello` names the sequence the feed starts from; every later event the rep may see
 * follows once, in sequence order. A client that reconnects sends
 * `{type:'resume', afterSeq}` and also gets the events it missed before that `hello`.
 * Browser sharing (`cobrowse.*` messages, docs/cobrowse.md) rides on the same socket.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Engine } from '../../engine/engine.js';
import { repQueueIds } from '../../engine/session-commands.js';
import { eventsAfter, lastSeq, type LobbyEvent } from '../../store/queries/events.js';
import { activeForRep } from '../../store/queries/sessions.js';
import { readRep } from '../auth.js';
import { isRepCobrowseType } from '../../core/cobrowse-protocol.js';
import { RepCobrowse } from './cobrowse-rep-messages.js';
import { cobrowseRecordingRoutes } from './cobrowse-recording-route.js';

const RESUME_PAGE = 1000;

/**
 * The frame of an event, serialized and encoded once however many consoles receive it: a
 * queue change goes to every member of the team (docs/performance.md, fan-out). Sent as a
 * text frame from these bytes, so that ws neither measures nor encodes the text per console.
 */
const frames = new WeakMap<LobbyEvent, Buffer>();
function frameOf(e: LobbyEvent): Buffer {
  let frame = frames.get(e);
  if (frame === undefined) {
    frame = Buffer.from(JSON.stringify({ type: 'event', event: e }));
    frames.set(e, frame);
  }
  return frame;
}
const TEXT = { binary: false } as const;

/**
 * `config.changed` reaches every console, so that each reads its queues again (an admin may
 * have added its rep to a team, or taken them out). Only the admin who made the change is
 * told what changed and by whom; the others learn that something did.
 */
const announcements = new WeakMap<LobbyEvent, Buffer>();
function frameFor(e: LobbyEvent, repId: string): Buffer {
  if (e.type !== 'config.changed' || e.repId === repId) return frameOf(e);
  let frame = announcements.get(e);
  if (frame === undefined) {
    frame = Buffer.from(JSON.stringify({ type: 'event', event: { ...e, data: { changeId: e.data.changeId } } }));
    announcements.set(e, frame);
  }
  return frame;
}

/**
 * Frames for one console are held until the event loop has handled the I/O at hand
 * (setImmediate) and then written in one system call: the events of one command, and under
 * load those of every command that finished meanwhile, instead of one write per event per
 * console (docs/performance.md, fan-out). `_socket` is the ws library's own net.Socket;
 * without it the frames are simply written one by one.
 */
type RawSocket = { cork(): void; uncork(): void; writableCorked: number };
/** Sockets corked in this turn of the event loop, all uncorked by one setImmediate. */
const toUncork = new Set<RawSocket>();
function uncorkAll(): void {
  const sockets = [...toUncork];
  toUncork.clear();
  for (const raw of sockets) {
    try {
      raw.uncork();
    } catch {
      // A socket that broke meanwhile: its own error handling closes it.
    }
  }
}
function corked(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: RawSocket })._socket;
  if (raw === undefined || raw.writableCorked > 0) return;
  raw.cork();
  if (toUncork.size === 0) setImmediate(uncorkAll);
  toUncork.add(raw);
}

/**
 * E4: an offer is between Lobby and the rep it is made to. Its events (`offer.made`,
 * `.accepted`, `.rejected`, `.expired`, `.rescinded`) reach only that rep's consoles; the
 * rest of the queue's consoles learn what they show from the session's own events. Sending
 * them to every console of the queue cost ~40% of the frames of a routed session, and a
 * refresh of each of those dashboards, for nothing they display (docs/performance.md).
 */
function isOffer(e: LobbyEvent): boolean {
  return e.type.startsWith('offer.');
}

class RepFeed {
  private lastSent = 0;
  /** The sequence the connection started from; live events come after it. */
  private baseline = 0;
  /** Replayed events already sent, so that two resumes never send one twice. */
  private readonly sent = new Set<number>();
  readonly mySessions = new Set<string>();
  queues = new Set<string>();

  constructor(
    private readonly socket: WebSocket,
    readonly repId: string,
  ) {}

  async load(engine: Engine): Promise<void> {
    const db = engine.store.db;
    this.queues = new Set(await repQueueIds({ tx: db }, this.repId));
    for (const s of await activeForRep(db, this.repId)) this.mySessions.add(s.id);
  }

  /** Whether this rep may see the event (Q6), keeping track of the sessions they are in. */
  private visible(e: LobbyEvent): boolean {
    const joins = e.type === 'session.accepted' || e.type === 'participant.joined';
    if (joins && e.repId === this.repId && e.sessionId) this.mySessions.add(e.sessionId);
    if (e.type === 'rep.state' || e.type === 'config.changed') return true;
    if (e.repId === this.repId) return true;
    if (isOffer(e)) return false;
    if (e.queueId !== null && this.queues.has(e.queueId)) return true;
    return e.sessionId !== null && this.mySessions.has(e.sessionId);
  }

  deliver(e: LobbyEvent): void {
    if (e.seq <= this.lastSent || !this.visible(e)) return;
    this.lastSent = e.seq;
    corked(this.socket);
    this.socket.send(frameFor(e, this.repId), TEXT);
  }

  private send(e: LobbyEvent): void {
    this.sent.add(e.seq);
    this.socket.send(frameFor(e, this.repId), TEXT);
  }

  hello(seq: number): void {
    this.baseline = seq;
    this.lastSent = seq;
    this.socket.send(JSON.stringify({ type: 'hello', seq }));
  }

  /**
   * Sends the events the client missed before this connection's `hello`: those after
   * `afterSeq` up to the hello's baseline, each once. Events after the baseline were sent
   * live already; these older ones follow them, so clients order by `seq`.
   */
  async resume(engine: Engine, afterSeq: number): Promise<void> {
    let from = afterSeq;
    while (from < this.baseline) {
      const page = (await eventsAfter(engine.store.db, from, RESUME_PAGE)).filter((e) => e.seq <= this.baseline);
      for (const e of page) if (!this.sent.has(e.seq) && this.visible(e)) this.send(e);
      if (page.length < RESUME_PAGE) return;
      from = page.at(-1)!.seq;
    }
  }
}

/** One console connection as the fan-out sees it. */
interface Console {
  readonly repId: string;
  readonly feed: RepFeed;
  /** Before `hello`, every event is held here (and filtered when delivered); after, null. */
  pending: LobbyEvent[] | null;
  /** Called for the rep's own `rep.state` events, before or after `hello`. */
  onOwnState(e: LobbyEvent): void;
}

/**
 * Who may see an event, by index rather than by asking every console (docs/performance.md,
 * fan-out): with 1,000 consoles, an event of one team's queue is looked at by that team's
 * consoles, not by all of them. One bus subscription for the gateway. An event goes to the
 * consoles of its rep, of its queue and of its session (each console still checks
 * `visible`, and takes an event once: `deliver` ignores a sequence it has sent), `rep.state`
 * to every console, as RepFeed.visible says. Consoles before their `hello` get every event,
 * held until they know their queues, as when each console had its own subscription.
 */
class RepFanout {
  private readonly all = new Set<Console>();
  private readonly waiting = new Set<Console>();
  private readonly byRep = new Map<string, Set<Console>>();
  private readonly byQueue = new Map<string, Set<Console>>();
  private readonly bySession = new Map<string, Set<Console>>();

  /** The last re-read of the consoles' queues after a `config.changed` (one at a time). */
  private rereading: Promise<void> = Promise.resolve();

  constructor(private readonly engine: Engine) {
    engine.bus.subscribe((e) => this.publish(e));
  }

  /** A new console: it holds every event until `ready`. */
  add(c: Console): void {
    this.all.add(c);
    this.waiting.add(c);
    index(this.byRep, c.repId, c);
  }

  /** The console said `hello`: deliver what it held, then only what its indexes select. */
  ready(c: Console): void {
    if (!this.all.has(c)) return;
    const held = c.pending ?? [];
    c.pending = null;
    this.waiting.delete(c);
    for (const q of c.feed.queues) index(this.byQueue, q, c);
    for (const s of c.feed.mySessions) index(this.bySession, s, c);
    for (const e of held) this.deliver(c, e);
  }

  remove(c: Console): void {
    if (!this.all.delete(c)) return;
    this.waiting.delete(c);
    unindex(this.byRep, c.repId, c);
    for (const q of c.feed.queues) unindex(this.byQueue, q, c);
    for (const s of c.feed.mySessions) unindex(this.bySession, s, c);
  }

  /**
   * Q6 after an admin change: every console reads the queues its rep now sees, and is
   * indexed under them. Meanwhile it holds its events, as before its `hello`, and then
   * takes those its new queues let it see: nothing of a queue it joined is missed.
   */
  private rereadQueues(): void {
    const consoles = [...this.all].filter((c) => c.pending === null);
    for (const c of consoles) {
      c.pending = [];
      this.waiting.add(c);
      for (const q of c.feed.queues) unindex(this.byQueue, q, c);
    }
    this.rereading = this.rereading.then(async () => {
      for (const c of consoles) {
        if (!this.all.has(c)) continue;
        // A console whose queues cannot be read keeps those it had; it is not left holding.
        await c.feed.load(this.engine).catch(() => undefined);
        this.ready(c);
      }
    });
  }

  private publish(e: LobbyEvent): void {
    for (const c of this.waiting) c.pending?.push(e);
    if (e.type === 'config.changed') {
      for (const c of this.all) if (c.pending === null) this.deliver(c, e);
      this.rereadQueues();
      return;
    }
    if (e.type === 'rep.state') {
      for (const c of this.byRep.get(e.repId ?? '') ?? []) {
        try {
          c.onOwnState(e);
        } catch {
          // as below
        }
      }
      for (const c of this.all) if (c.pending === null) this.deliver(c, e);
      return;
    }
    // A set: a console may be selected twice, and delivering may index it under this session.
    const targets = new Set<Console>();
    if (e.repId !== null) for (const c of this.byRep.get(e.repId) ?? []) if (c.pending === null) targets.add(c);
    if (isOffer(e)) {
      for (const c of targets) this.deliver(c, e);
      return;
    }
    if (e.queueId !== null) for (const c of this.byQueue.get(e.queueId) ?? []) targets.add(c);
    if (e.sessionId !== null) for (const c of this.bySession.get(e.sessionId) ?? []) targets.add(c);
    // A console re-reading its queues holds this event (above) and takes it when ready, in order.
    for (const c of targets) if (c.pending === null) this.deliver(c, e);
  }

  private deliver(c: Console, e: LobbyEvent): void {
    try {
      const had = e.sessionId !== null && c.feed.mySessions.has(e.sessionId);
      c.feed.deliver(e);
      // The rep joined this session: later events of it (with neither their id nor a queue
      // of theirs) are theirs to see.
      if (!had && e.sessionId !== null && c.feed.mySessions.has(e.sessionId)) index(this.bySession, e.sessionId, c);
    } catch {
      // A failing console (a closed socket, say) must not stop the others.
    }
  }
}

function index(map: Map<string, Set<Console>>, key: string, c: Console): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(c);
}

function unindex(map: Map<string, Set<Console>>, key: string, c: Console): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(c);
  if (set.size === 0) map.delete(key);
}

export async function repGateway(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const fanout = new RepFanout(engine);
  await app.register(cobrowseRecordingRoutes, { engine });
  app.get('/ws/rep', { websocket: true, schema: { hide: true } }, async (socket, request) => {
    // Listen before the first await: ws drops messages that arrive with no listener, and a
    // reconnecting client sends its resume the moment the socket opens.
    const inbox: string[] = [];
    let handle: ((raw: string) => void) | null = null;
    socket.on('message', (raw) => (handle ? handle(String(raw)) : inbox.push(String(raw))));
    const rep = await readRep(engine, request);
    if (!rep) {
      socket.close(4401, 'unauthorized');
      return;
    }
    const repId = rep.user.id;
    const feed = new RepFeed(socket, repId);
    const cobrowse = new RepCobrowse(engine, socket, repId, request);
    // Everything that arrives before `hello` waits: live events in `pending`, client
    // messages (a resume sent the moment the socket opened) in `inbox`.
    let closed = false;
    const conn: Console = {
      repId,
      feed,
      pending: [],
      onOwnState(e) {
        // An admin disabled this rep: the console is signed out now, not at its next request.
        if (e.data.removed === true) socket.close(4403, 'removed');
      },
    };
    fanout.add(conn);
    socket.on('close', () => {
      closed = true;
      fanout.remove(conn);
      cobrowse.close();
      engine.repDisconnected(repId).catch((err: unknown) => request.log.error({ err }, 'rep disconnect failed'));
    });
    const handleMessage = (raw: string): void => {
      let msg: unknown;
      try {
        msg = JSON.parse(raw);
      } catch {
        socket.send(JSON.stringify({ type: 'error', error: { code: 'invalid_input', message: 'Messages must be JSON.' } }));
        return;
      }
      const m = (typeof msg === 'object' && msg !== null ? msg : {}) as { type?: unknown; afterSeq?: unknown };
      if (m.type === 'resume' && typeof m.afterSeq === 'number' && Number.isInteger(m.afterSeq) && m.afterSeq >= 0) {
        feed.resume(engine, m.afterSeq).catch((err: unknown) => request.log.error({ err }, 'resume failed'));
      } else if (m.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (isRepCobrowseType(m.type)) {
        cobrowse.handle(m as Record<string, unknown>);
      } else {
        socket.send(JSON.stringify({ type: 'error', error: { code: 'invalid_input', message: 'Unknown message type.' } }));
      }
    };
    // The baseline is read before connecting, so that what connecting itself changes (the
    // rep's state, offers made at login) comes after it and is delivered.
    const baseline = await lastSeq(engine.store.db);
    await engine.repConnected(repId);
    await feed.load(engine);
    if (closed) return;
    feed.hello(baseline);
    fanout.ready(conn);
    handle = handleMessage;
    for (const raw of inbox.splice(0)) handleMessage(raw);
  });
}
