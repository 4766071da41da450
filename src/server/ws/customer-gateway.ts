/**
 * The customer's live view (/ws/customer?token=…): a full snapshot of their own session at
 * once and after every change that can move it (their session's events and any change in
 * the queue they wait in, which moves their position and estimated wait).
 *
 * Holding this socket is what keeps a customer present: when their last socket closes the
 * grace period starts, and a reconnect within it keeps their place (L3, customer-presence.ts).
 * Pages on other origins may connect only when the site allows them (C5).
 *
 * `&channel=cobrowse` opens the widget's browser-sharing channel instead
 * (cobrowse-customer-channel.ts, docs/cobrowse.md).
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { chatMessages, customerSessionView } from '../../engine/views.js';
import { findSession } from '../../store/queries/sessions.js';
import { customerSession } from '../routes/portal-routes.js';
import { originVerdict } from '../customer-cors.js';
import { cobrowseCustomerChannel } from './cobrowse-customer-channel.js';

/** One customer page as the fan-out sees it. */
interface Watcher {
  readonly sessionId: string;
  /** The queue the session waits in, as of the last snapshot. */
  queueId: string | null;
  changed(): void;
}

/**
 * Which customer pages an event concerns, by index (their session, the queue they wait in)
 * rather than by asking every page: one bus subscription for the gateway, however many
 * customers wait (docs/performance.md, fan-out).
 */
class CustomerFanout {
  private readonly bySession = new Map<string, Set<Watcher>>();
  private readonly byQueue = new Map<string, Set<Watcher>>();

  constructor(bus: Engine['bus']) {
    bus.subscribe((e) => {
      // Browser sharing's control events change nothing the chat's snapshot shows.
      if (e.type.startsWith('cobrowse.')) return;
      const targets = new Set<Watcher>(e.sessionId !== null ? this.bySession.get(e.sessionId) : undefined);
      if (e.queueId !== null) for (const w of this.byQueue.get(e.queueId) ?? []) targets.add(w);
      for (const w of targets) {
        try {
          w.changed();
        } catch {
          // A failing page must not stop the others.
        }
      }
    });
  }

  add(w: Watcher): void {
    add(this.bySession, w.sessionId, w);
    if (w.queueId !== null) add(this.byQueue, w.queueId, w);
  }

  moved(w: Watcher, queueId: string | null): void {
    if (w.queueId === queueId) return;
    if (w.queueId !== null) remove(this.byQueue, w.queueId, w);
    w.queueId = queueId;
    if (queueId !== null) add(this.byQueue, queueId, w);
  }

  remove(w: Watcher): void {
    remove(this.bySession, w.sessionId, w);
    if (w.queueId !== null) remove(this.byQueue, w.queueId, w);
  }
}

function add(map: Map<string, Set<Watcher>>, key: string, w: Watcher): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(w);
}

function remove(map: Map<string, Set<Watcher>>, key: string, w: Watcher): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(w);
  if (set.size === 0) map.delete(key);
}

export async function customerGateway(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const fanout = new CustomerFanout(engine.bus);
  // Browser sharing's relay lives as long as the server: it reports here, and sweeps old recordings.
  const relay = engine.cobrowse;
  relay.log = (err, what) => app.log.error({ err }, what);
  relay.startRetention();
  app.addHook('onClose', async () => relay.close());
  app.get('/ws/customer', { websocket: true, schema: { hide: true } }, async (socket, request) => {
    const query = request.query as { token?: string; channel?: string };
    if (query.channel === 'cobrowse') return cobrowseCustomerChannel(engine, socket, request, query.token);
    const token = query.token;
    let sessionId: string;
    let queueId: string | null;
    try {
      if ((await originVerdict(engine, request)) === 'refused') {
        socket.close(4403, 'origin not allowed');
        return;
      }
      const session = await customerSession(engine, token);
      sessionId = session.id;
      queueId = session.queue_id;
    } catch {
      socket.close(4401, 'unauthorized');
      return;
    }
    let scheduled = false;
    let closed = false;
    const sendSnapshot = async (): Promise<void> => {
      scheduled = false;
      const session = await findSession(db, sessionId);
      if (!session || closed) return;
      fanout.moved(watcher, session.queue_id);
      const [view, messages] = await Promise.all([customerSessionView(db, session, engine.clock.now()), chatMessages(db, sessionId)]);
      if (!closed) socket.send(JSON.stringify({ type: 'snapshot', session: view, messages }));
    };
    // Coalesces bursts of events into one snapshot.
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => void sendSnapshot().catch((err: unknown) => request.log.error({ err }, 'snapshot failed')));
    };
    const watcher: Watcher = { sessionId, queueId, changed: schedule };
    fanout.add(watcher);
    // Connect and disconnect run in order, so a socket that closes at once still counts down.
    const logFailure = (what: string) => (err: unknown) => request.log.error({ err }, what);
    let presence = engine.customerConnected(sessionId).catch(logFailure('customer connect failed'));
    socket.on('close', () => {
      closed = true;
      fanout.remove(watcher);
      presence = presence.then(() => engine.customerDisconnected(sessionId)).catch(logFailure('customer disconnect failed'));
    });
    socket.on('message', () => {
      socket.send(JSON.stringify({ type: 'error', error: { code: 'invalid_input', message: 'Use the HTTP API to send messages.' } }));
    });
    schedule();
  });
}
