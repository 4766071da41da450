/**
 * C5: the click-to-chat widget runs on other web sites and calls the customer API from
 * there. Cross-origin calls are answered (CORS) only for the origins the site lists in
 * `allowedOrigins`; a call from any other web page is refused outright. No credentials are
 * ever allowed across origins: the customer API authenticates by bearer token, not cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LobbyError } from '../core/errors.js';
import { judgeOrigin, type OriginVerdict } from '../core/origins.js';
import type { Engine } from '../engine/engine.js';
import { siteSettings } from '../store/queries/directory.js';

/** The paths a page on another origin may call. */
export const CROSS_ORIGIN_PREFIXES = ['/api/chat/', '/api/customer/'] as const;

const REFUSED_MESSAGE = 'This web site is not allowed to use the support chat.';

export async function originVerdict(engine: Engine, request: FastifyRequest): Promise<OriginVerdict> {
  const origin = request.headers.origin;
  if (origin === undefined) return 'none';
  const site = await siteSettings(engine.store.db);
  return judgeOrigin(origin, request.headers.host, site.allowedOrigins);
}

function crossOriginPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return CROSS_ORIGIN_PREFIXES.some((p) => path.startsWith(p));
}

/**
 * `readableRefusal`: a refused page may read the refusal itself (and nothing else), so that
 * the widget can tell the customer why instead of "cannot reach the server". A preflight
 * is refused without it, so a refused page never gets to send its request.
 */
async function applyCors(engine: Engine, request: FastifyRequest, reply: FastifyReply, readableRefusal: boolean): Promise<void> {
  const verdict = await originVerdict(engine, request);
  reply.header('vary', 'origin');
  if (verdict === 'allowed' || (verdict === 'refused' && readableRefusal)) {
    reply.header('access-control-allow-origin', request.headers.origin ?? '');
  }
  if (verdict === 'refused') throw new LobbyError('forbidden', REFUSED_MESSAGE);
}

/** Call before registering routes, so that the hook covers them all. */
export function installCustomerCors(app: FastifyInstance, engine: Engine): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'OPTIONS' && crossOriginPath(request.url)) await applyCors(engine, request, reply, true);
  });
  // Preflight: the widget sends JSON with a bearer token, which browsers ask about first.
  for (const prefix of CROSS_ORIGIN_PREFIXES) {
    app.options(`${prefix}*`, { schema: { hide: true } }, async (request, reply) => {
      await applyCors(engine, request, reply, false);
      reply.header('access-control-allow-methods', 'GET, POST');
      reply.header('access-control-allow-headers', 'authorization, content-type');
      reply.header('access-control-max-age', '600');
      return reply.status(204).send();
    });
  }
}
