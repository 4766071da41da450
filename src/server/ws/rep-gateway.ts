/**
 * The rep console's live feed (/ws/rep). Holding the socket is what makes a rep logged in
 * (A1). Each event the rep may see is sent once, in sequence order; a client that
 * reconnects sends `{type:'resume', afterSeq}` and gets what it missed, nothing twice.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Engine } from '../../engine/engine.js';
import { repQueueIds } from '../../engine/session-commands.js';
import { eventsAfter, lastSeq, type LobbyEvent } from '../../store/queries/events.js';
import { activeForRep } from '../../store/queries/sessions.js';
import { readRep } from '../auth.js';

const RESUME_PAGE = 1000;

class RepFeed {
  private lastSent = 0;
  private resuming: LobbyEvent[] | null = null;
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
    if (e.type === 'session.accepted' && e.repId === this.repId && e.sessionId) this.mySessions.add(e.sessionId);
    if (e.type === 'rep.state') return true;
    if (e.repId === this.repId) return true;
    if (e.queueId !== null && this.queues.has(e.queueId)) return true;
    return e.sessionId !== null && this.mySessions.has(e.sessionId);
  }

  deliver(e: LobbyEvent): void {
    if (this.resuming) {
      this.resuming.push(e);
      return;
    }
    if (e.seq <= this.lastSent || !this.visible(e)) return;
    this.lastSent = e.seq;
    this.socket.send(JSON.stringify({ type: 'event', event: e }));
  }

  hello(seq: number): void {
    this.lastSent = seq;
    this.socket.send(JSON.stringify({ type: 'hello', seq }));
  }

  async resume(engine: Engine, afterSeq: number): Promise<void> {
    this.resuming = [];
    this.lastSent = afterSeq;
    try {
      for (;;) {
        const page = await eventsAfter(engine.store.db, this.lastSent, RESUME_PAGE);
        const buffered: LobbyEvent[] = this.resuming ?? [];
        this.resuming = null;
        for (const e of page) this.deliver(e);
        this.lastSent = Math.max(this.lastSent, page.at(-1)?.seq ?? 0);
        if (page.length < RESUME_PAGE) {
          for (const e of buffered) this.deliver(e);
          return;
        }
        this.resuming = buffered;
      }
    } finally {
      this.resuming = null;
    }
  }
}

export async function repGateway(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  app.get('/ws/rep', { websocket: true, schema: { hide: true } }, async (socket, request) => {
    const rep = await readRep(engine, request);
    if (!rep) {
      socket.close(4401, 'unauthorized');
      return;
    }
    const repId = rep.user.id;
    const feed = new RepFeed(socket, repId);
    // Subscribe before reading the current sequence so that no event falls in between.
    const pending: LobbyEvent[] = [];
    let ready = false;
    const off = engine.bus.subscribe((e) => (ready ? feed.deliver(e) : pending.push(e)));
    let closed = false;
    socket.on('close', () => {
      closed = true;
      off();
      engine.repDisconnected(repId).catch((err: unknown) => request.log.error({ err }, 'rep disconnect failed'));
    });
    socket.on('message', (raw) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        socket.send(JSON.stringify({ type: 'error', error: { code: 'invalid_input', message: 'Messages must be JSON.' } }));
        return;
      }
      const m = msg as { type?: unknown; afterSeq?: unknown };
      if (m.type === 'resume' && typeof m.afterSeq === 'number' && Number.isInteger(m.afterSeq) && m.afterSeq >= 0) {
        feed.resume(engine, m.afterSeq).catch((err: unknown) => request.log.error({ err }, 'resume failed'));
      } else if (m.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else {
        socket.send(JSON.stringify({ type: 'error', error: { code: 'invalid_input', message: 'Unknown message type.' } }));
      }
    });
    await engine.repConnected(repId);
    await feed.load(engine);
    if (closed) return;
    feed.hello(await lastSeq(engine.store.db));
    ready = true;
    for (const e of pending) feed.deliver(e);
  });
}
