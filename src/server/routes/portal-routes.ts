/** The public portal (C1, C3) and the customer's own session (X2: bearer customer token). */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { hashToken } from '../../engine/ids.js';
import { chatMessages, customerSessionView } from '../../engine/views.js';
import { portalIssues } from '../../store/queries/directory.js';
import { findSessionByTokenHash } from '../../store/queries/sessions.js';
import type { SessionRow } from '../../store/schema.js';
import { RateLimiter } from '../rate-limit.js';
import { ChatBody, CustomerFields, CustomerSessionView, Message, errorResponses } from '../schemas.js';

const Started = Type.Object({ sessionId: Type.String(), customerToken: Type.String() });

export async function customerSession(engine: Engine, token: string | undefined): Promise<SessionRow> {
  const session = token ? await findSessionByTokenHash(engine.store.db, hashToken(token)) : undefined;
  if (!session) throw new LobbyError('unauthorized', 'This support session link is not valid.');
  return session;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

export async function portalRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const keyAttempts = new RateLimiter(10, 60_000, () => engine.clock.now());

  r.get(
    '/api/portal/issues',
    {
      schema: {
        tags: ['portal'],
        summary: 'Issues shown on the portal (C3)',
        response: { 200: Type.Object({ issues: Type.Array(Type.Object({ code: Type.String(), title: Type.String(), description: Type.String() })) }) },
      },
    },
    async () => ({ issues: await portalIssues(engine.store.db) }),
  );

  r.post(
    '/api/portal/sessions',
    {
      schema: {
        tags: ['portal'],
        summary: 'Start a session from the issue form (C3)',
        body: Type.Object({ issueCode: Type.String({ minLength: 1, maxLength: 100 }), ...CustomerFields }, { additionalProperties: false }),
        response: { 201: Started, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { issueCode, ...customer } = request.body;
      const created = await engine.submitIssue(issueCode, customer);
      return reply.status(201).send({ sessionId: created.session.id, customerToken: created.customerToken });
    },
  );

  r.post(
    '/api/portal/session-key',
    {
      schema: {
        tags: ['portal'],
        summary: 'Start a session with a key a rep gave (C1)',
        body: Type.Object({ key: Type.String({ minLength: 1, maxLength: 32 }), ...CustomerFields }, { additionalProperties: false }),
        response: { 201: Started, 429: Type.Ref('ErrorReply'), ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!keyAttempts.allow(request.ip)) {
        throw new LobbyError('rate_limited', 'Too many attempts. Please wait a minute and try again.');
      }
      const { key, ...customer } = request.body;
      const created = await engine.redeemSessionKey(key, customer);
      return reply.status(201).send({ sessionId: created.session.id, customerToken: created.customerToken });
    },
  );

  const customerSchema = { tags: ['customer'], security: [{ customerToken: [] }] };

  r.get(
    '/api/customer/session',
    {
      schema: {
        ...customerSchema,
        summary: "The customer's own session and chat",
        response: { 200: Type.Object({ session: Type.Ref(CustomerSessionView), messages: Type.Array(Type.Ref(Message)) }), ...errorResponses },
      },
    },
    async (request) => {
      const session = await customerSession(engine, bearer(request));
      return { session: await customerSessionView(engine.store.db, session, engine.clock.now()), messages: await chatMessages(engine.store.db, session.id) };
    },
  );

  r.post(
    '/api/customer/messages',
    {
      schema: { ...customerSchema, summary: 'Send a chat message to the rep', body: ChatBody, response: { 201: Type.Object({ message: Type.Ref(Message) }), ...errorResponses } },
    },
    async (request, reply) => {
      const session = await customerSession(engine, bearer(request));
      const event = await engine.sendChatMessage(session.id, { kind: 'customer' }, request.body.text);
      return reply.status(201).send({
        message: { seq: event.seq, at: event.at, from: 'customer' as const, name: String(event.data.name), text: String(event.data.text) },
      });
    },
  );

  r.post(
    '/api/customer/leave',
    {
      schema: { ...customerSchema, summary: 'Leave: ends the session as abandoned (L3)', response: { 200: Type.Object({ session: Type.Ref(CustomerSessionView) }), ...errorResponses } },
    },
    async (request) => {
      const session = await customerSession(engine, bearer(request));
      const ended = await engine.endSession(session.id, { kind: 'customer' }, 'abandoned');
      return { session: await customerSessionView(engine.store.db, ended, engine.clock.now()) };
    },
  );
}
