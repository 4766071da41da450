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
 * The frame of an event, serialized once however many consoles receive it: a queue change
 * goes to every member of the team (docs/performance.md, fan-out).
 */
const frames = new WeakMap<LobbyEvent, string>();
function frameOf(e: LobbyEvent): string {
  let frame = frames.get(e);
  if (frame === undefined) {
    frame = JSON.stringify({ type: 'event', event: e });
    frames.set(e, frame);
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
function corked(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: { cork(): void; uncork(): void; writableCorked: number } })._socket;
  if (raw === undefined || raw.writableCorked > 0) return;
  raw.cork();
  setImmediate(() => raw.uncork());
}

class RepFeed {
  private lastSent = 0;
  /** The sequence the connection started from; live events come after it. */
  private baseline = 0;
  /** Replayed events already sent, so that two resumes never send one twice. */
  private readonly sent = new Set<number>();
  private readonly mySessions = new Set<string>();
  private queues = new Set<string>();

  constructor(
    private readonly socket: WebSocket,
    private readonly repId: string,
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
    if (e.type === 'rep.state') return true;
    if (e.repId === this.repId) return true;
    if (e.queueId !== null && this.queues.has(e.queueId)) return true;
    return e.sessionId !== null && this.mySessions.has(e.sessionId);
  }

  deliver(e: LobbyEvent): void {
    if (e.seq <= this.lastSent || !this.visible(e)) return;
    this.lastSent = e.seq;
    corked(this.socket);
    this.socket.send(frameOf(e));
  }

  private send(e: LobbyEvent): void {
    this.sent.add(e.seq);
    this.socket.send(frameOf(e));
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

export async function repGateway(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
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
    const pending: LobbyEvent[] = [];
    let ready = false;
    let closed = false;
    const off = engine.bus.subscribe((e) => {
      if (ready) feed.deliver(e);
      else pending.push(e);
      // An admin disabled this rep: the console is signed out now, not at its next request.
      if (e.type === 'rep.state' && e.repId === repId && e.data.removed === true) socket.close(4403, 'removed');
    });
    socket.on('close', () => {
      closed = true;
      off();
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
    ready = true;
    for (const e of pending) feed.deliver(e);
    handle = handleMessage;
    for (const raw of inbox.splice(0)) handleMessage(raw);
  });
}
