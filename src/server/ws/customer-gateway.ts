/**
 * The customer's live view (/ws/customer?token=…): a full snapshot of their own session at
 * once and after every change that can move it (their session's events and any change in
 * the queue they wait in, which moves their position).
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { chatMessages, customerSessionView } from '../../engine/views.js';
import { findSession } from '../../store/queries/sessions.js';
import { customerSession } from '../routes/portal-routes.js';

export async function customerGateway(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  app.get('/ws/customer', { websocket: true, schema: { hide: true } }, async (socket, request) => {
    const token = (request.query as { token?: string }).token;
    let sessionId: string;
    let queueId: string | null;
    try {
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
      queueId = session.queue_id;
      const [view, messages] = await Promise.all([customerSessionView(db, session), chatMessages(db, sessionId)]);
      if (!closed) socket.send(JSON.stringify({ type: 'snapshot', session: view, messages }));
    };
    // Coalesces bursts of events into one snapshot.
    const schedule = (): void => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => void sendSnapshot().catch((err: unknown) => request.log.error({ err }, 'snapshot failed')));
    };
    const off = engine.bus.subscribe((e) => {
      if (e.sessionId === sessionId || (queueId !== null && e.queueId === queueId)) schedule();
    });
    socket.on('close', () => {
      closed = true;
      off();
    });
    socket.on('message', () => {
      socket.send(JSON.stringify({ type: 'error', error: { code: 'invalid_input', message: 'Use the HTTP API to send messages.' } }));
    });
    schedule();
  });
}
