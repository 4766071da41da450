/**
 * The customer's sharing channel, `/ws/customer?token=…&channel=cobrowse` (docs/cobrowse.md):
 * the widget's second socket to the session, beside the chat's. It hears the sharing state
 * (asked, on, stopped) and carries the customer's answers and the page's frames to the relay.
 * It authenticates and checks the page's origin as the chat's socket does (X2, C5), but it
 * neither counts for the customer's presence nor receives chat snapshots: the chat socket
 * does both, and the chat code stays the portal's.
 */
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Engine } from '../../engine/engine.js';
import type { CobrowseSource } from '../../engine/cobrowse-relay.js';
import { customerSession } from '../routes/portal-routes.js';
import { originVerdict } from '../customer-cors.js';

interface Received {
  text: string;
  bytes: number;
  binary: boolean;
}

export async function cobrowseCustomerChannel(engine: Engine, socket: WebSocket, request: FastifyRequest, token: string | undefined): Promise<void> {
  // Listen before the first await: ws drops messages that arrive with no listener.
  const inbox: Received[] = [];
  let handle: ((m: Received) => void) | null = null;
  socket.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buffer = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
    const m = { text: isBinary ? '' : buffer.toString('utf8'), bytes: buffer.length, binary: isBinary };
    if (handle) handle(m);
    else inbox.push(m);
  });
  let sessionId: string;
  try {
    if ((await originVerdict(engine, request)) === 'refused') {
      socket.close(4403, 'origin not allowed');
      return;
    }
    sessionId = (await customerSession(engine, token)).id;
  } catch {
    socket.close(4401, 'unauthorized');
    return;
  }
  const relay = engine.cobrowse;
  const source: CobrowseSource = {
    send(text) {
      if (socket.readyState === socket.OPEN) socket.send(text);
    },
  };
  let closed = false;
  socket.on('close', () => {
    closed = true;
    relay.detachSource(sessionId, source);
  });
  try {
    await relay.attachSource(sessionId, source);
  } catch (err) {
    request.log.error({ err }, 'cobrowse channel failed to start');
    socket.close(1011, 'unavailable');
    return;
  }
  if (closed) {
    relay.detachSource(sessionId, source);
    return;
  }
  handle = (m) => {
    if (m.binary) {
      source.send(JSON.stringify({ type: 'cobrowse.error', error: { code: 'invalid_input', message: 'Messages must be JSON text.' } }));
      return;
    }
    relay.fromSource(sessionId, source, m.text, m.bytes);
  };
  for (const m of inbox.splice(0)) handle(m);
}
