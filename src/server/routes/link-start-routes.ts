/**
 * Following a support button (C4) or a click-to-chat link (C5): read what the link leads
 * to, then start a session there. A link past its lifetime, or revoked, answers 410
 * `link_expired` ("This link has expired."). The chat endpoints are under /api/chat/, which
 * pages on the site's allowed origins may call (customer-cors.ts).
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { EntryLinkKind } from '../../core/entry-links.js';
import type { Engine } from '../../engine/engine.js';
import { describeLink } from '../../engine/customer-entry-commands.js';
import { CustomerFields, errorResponses } from '../schemas.js';
import { Started, checkStartRate, sessionStartLimiter } from './rep-list-routes.js';

const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
const PublicLink = Type.Object({
  name: Type.String(),
  targetName: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.Number(), Type.Null()]),
});
const linkErrors = { ...errorResponses, 410: Type.Ref('ErrorReply'), 429: Type.Ref('ErrorReply'), 503: Type.Ref('ErrorReply') };

interface Options {
  engine: Engine;
  kind: EntryLinkKind;
  base: string;
  tag: string;
  what: string;
}

async function linkStartRoutes(app: FastifyInstance, opts: Options): Promise<void> {
  const { engine, kind, base, tag, what } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const starts = sessionStartLimiter(engine);

  r.get(
    `${base}/:token`,
    {
      schema: {
        tags: [tag],
        summary: `What a ${what} leads to, before starting (404 unknown, 410 expired or revoked)`,
        params: TokenParams,
        response: { 200: Type.Object({ link: PublicLink }), ...linkErrors },
      },
    },
    async (request) => ({ link: await describeLink(engine.store.db, kind, request.params.token, engine.clock.now()) }),
  );

  r.post(
    `${base}/:token/sessions`,
    {
      schema: {
        tags: [tag],
        summary: `Start a session through a ${what}`,
        params: TokenParams,
        body: Type.Object(CustomerFields, { additionalProperties: false }),
        response: { 201: Started, ...linkErrors },
      },
    },
    async (request, reply) => {
      checkStartRate(starts, request.ip);
      const created = await engine.startFromLink(kind, request.params.token, request.body);
      return reply.status(201).send({ sessionId: created.session.id, customerToken: created.customerToken });
    },
  );
}

/** C4: `/b/<token>` is the button's public URL; the portal shows it (or "this link has expired"). */
export async function buttonRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  await app.register(linkStartRoutes, { engine: opts.engine, kind: 'button', base: '/api/portal/buttons', tag: 'portal', what: 'support button' });
  app.get('/b/:token', { schema: { hide: true } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    return reply.redirect(`/portal/?button=${encodeURIComponent(token)}`);
  });
}

/** C5: the click-to-chat widget and the custom link page (/chat/?link=<token>). */
export async function chatWidgetRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  await app.register(linkStartRoutes, { engine: opts.engine, kind: 'chat', base: '/api/chat/links', tag: 'chat', what: 'click-to-chat link' });
}
