/** Builds the Fastify app: thin routes that parse, call the engine and map the result. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.js';
import { installErrorHandler } from './errors.js';
import { CustomerSessionView, ErrorReply, Message, SessionView } from './schemas.js';
import { healthRoutes } from './routes/health.js';
import { authRoutes } from './routes/auth-routes.js';
import { portalRoutes } from './routes/portal-routes.js';
import { repRoutes } from './routes/rep-routes.js';
import { routingRoutes } from './routes/routing-routes.js';
import { invitationRoutes } from './routes/invitation-routes.js';
import { repGateway } from './ws/rep-gateway.js';
import { customerGateway } from './ws/customer-gateway.js';
import { adminConfigRoutes } from './routes/admin-config-routes.js';
import { adminUserRoutes } from './routes/admin-user-routes.js';
import { adminTeamRoutes } from './routes/admin-team-routes.js';
import { adminDashboardRoutes } from './routes/admin-dashboard-routes.js';
import { installCustomerCors } from './customer-cors.js';
import { repListRoutes } from './routes/rep-list-routes.js';
import { entryLinkRoutes } from './routes/entry-link-routes.js';
import { buttonRoutes, chatWidgetRoutes } from './routes/link-start-routes.js';

export interface AppOptions {
  engine: Engine;
  logger: Logger;
  version: string;
  /** Set behind TLS so that cookies are marked Secure. */
  secureCookies: boolean;
  /** Base URL written into session key links; default: the request's own host. */
  publicUrl: string | undefined;
}

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is Fastify's logger; the cast only widens its generic parameter.
    loggerInstance: opts.logger as FastifyBaseLogger,
    // Strict validation: no silent coercion or stripping, so bad input is refused (X3).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: 64 * 1024,
    trustProxy: false,
  });
  installErrorHandler(app);
  for (const schema of [ErrorReply, SessionView, Message, CustomerSessionView]) app.addSchema(schema);
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Lobby API', version: opts.version, description: 'Support-session queueing and routing server' },
      components: {
        securitySchemes: {
          repCookie: { type: 'apiKey', in: 'cookie', name: 'lobby_session' },
          customerToken: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  const { engine } = opts;
  installCustomerCors(app, engine);
  await app.register(healthRoutes, { engine, version: opts.version });
  await app.register(authRoutes, { engine, secureCookies: opts.secureCookies });
  await app.register(portalRoutes, { engine });
  await app.register(repRoutes, { engine, publicUrl: opts.publicUrl });
  await app.register(routingRoutes, { engine });
  await app.register(invitationRoutes, { engine });
  await app.register(repGateway, { engine });
  await app.register(customerGateway, { engine });
  await app.register(adminConfigRoutes, { engine });
  await app.register(adminUserRoutes, { engine });
  await app.register(adminTeamRoutes, { engine });
  await app.register(adminDashboardRoutes, { engine });
  await app.register(repListRoutes, { engine });
  await app.register(entryLinkRoutes, { engine, publicUrl: opts.publicUrl });
  await app.register(buttonRoutes, { engine });
  await app.register(chatWidgetRoutes, { engine });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', index: ['index.html'] });
  } else {
    opts.logger.warn({ dir: WEB_DIST }, 'web pages are not built; run `npm run build:web`');
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/portal/'));
  return app;
}
