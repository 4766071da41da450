/**
 * Browser sharing on the rep console's feed (/ws/rep, docs/cobrowse.md): a rep in a session
 * asks to see the customer's page or stops it, and the session page watches the page while
 * it is open. Frames and sharing state come back on the same socket as `cobrowse.frame` and
 * `cobrowse.state`; a refusal as `cobrowse.error` naming the session.
 *
 * The shared page is the customer's: these messages are taken only from the console's own
 * origin (or a client that is not a browser), on top of the login cookie, which is
 * SameSite=Strict, so that no other web page can open a rep's socket and watch (X1).
 */
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { isLobbyError } from '../../core/errors.js';
import { judgeOrigin } from '../../core/origins.js';
import { parseRepCobrowseMessage } from '../../core/cobrowse-protocol.js';
import type { Engine } from '../../engine/engine.js';
import type { CobrowseViewer } from '../../engine/cobrowse-relay.js';

export class RepCobrowse {
  private readonly viewer: CobrowseViewer;
  private readonly sameOrigin: boolean;

  constructor(
    private readonly engine: Engine,
    private readonly socket: WebSocket,
    private readonly repId: string,
    private readonly request: FastifyRequest,
  ) {
    this.viewer = {
      repId,
      send: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text);
      },
      backlog: () => socket.bufferedAmount,
    };
    this.sameOrigin = judgeOrigin(request.headers.origin, request.headers.host, []) !== 'refused';
  }

  handle(m: Record<string, unknown>): void {
    const parsed = parseRepCobrowseMessage(m);
    if (!parsed.ok) {
      this.error(typeof m.sessionId === 'string' ? m.sessionId : null, parsed.code, parsed.message);
      return;
    }
    const { type, sessionId } = parsed.message;
    if (!this.sameOrigin) {
      this.error(sessionId, 'forbidden', 'Browser sharing is only available in the rep console.');
      return;
    }
    const fail = (err: unknown): void => {
      if (isLobbyError(err)) this.error(sessionId, err.code, err.message);
      else {
        this.request.log.error({ err }, `${type} failed`);
        this.error(sessionId, 'unavailable', 'Something went wrong; please try again.');
      }
    };
    const relay = this.engine.cobrowse;
    switch (type) {
      case 'cobrowse.watch':
        relay.watch(this.viewer, sessionId).catch(fail);
        return;
      case 'cobrowse.unwatch':
        relay.unwatch(this.viewer, sessionId);
        return;
      case 'cobrowse.request':
        relay
          .checkCanAsk(this.repId, sessionId)
          .then(() => this.engine.requestCobrowse(this.repId, sessionId))
          .catch(fail);
        return;
      case 'cobrowse.stop':
        this.engine.stopCobrowse(sessionId, { kind: 'rep', repId: this.repId }).catch(fail);
        return;
    }
  }

  /** The socket closed: it watches nothing any more. */
  close(): void {
    this.engine.cobrowse.dropViewer(this.viewer);
  }

  private error(sessionId: string | null, code: string, message: string): void {
    this.viewer.send(JSON.stringify({ type: 'cobrowse.error', ...(sessionId !== null ? { sessionId } : {}), error: { code, message } }));
  }
}
