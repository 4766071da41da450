/** The rep console's HTTP API: queues, sessions, accept (Q7), chat, end, session keys (C1). */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { repQueueIds } from '../../engine/session-commands.js';
import { chatMessages, sessionViews } from '../../engine/views.js';
import { queueInfos, userNames } from '../../store/queries/directory.js';
import { activeForRep, findSession, participantsOf, waitingInQueues } from '../../store/queries/sessions.js';
import { repOf, requireRep } from '../auth.js';
import { ChatBody, Message, SessionIdParams, SessionView, errorResponses } from '../schemas.js';

export async function repRoutes(app: FastifyInstance, opts: { engine: Engine; publicUrl: string | undefined }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('preHandler', requireRep(engine));
  const tags = ['rep'];

  r.get(
    '/api/rep/queues',
    {
      schema: {
        tags,
        summary: 'Queues this rep sees (Q6) with waiting counts',
        response: {
          200: Type.Object({ queues: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), name: Type.String(), waitingCount: Type.Number() })) }),
        },
      },
    },
    async (request) => {
      const ids = await repQueueIds({ tx: db }, repOf(request).user.id);
      const [infos, counts] = await Promise.all([
        queueInfos(db, ids),
        db
          .selectFrom('sessions')
          .select(['queue_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('state', '=', 'waiting')
          .where('queue_id', 'in', ids)
          .groupBy('queue_id')
          .execute(),
      ]);
      const countBy = new Map(counts.map((c) => [c.queue_id, Number(c.n)]));
      return {
        queues: ids.flatMap((id) => {
          const info = infos.get(id);
          return info ? [{ ...info, waitingCount: countBy.get(id) ?? 0 }] : [];
        }),
      };
    },
  );

  r.get(
    '/api/rep/sessions',
    {
      schema: {
        tags,
        summary: 'Waiting sessions in queues this rep sees (Q4 order), and the rep’s active sessions',
        response: { 200: Type.Object({ waiting: Type.Array(Type.Ref(SessionView)), mine: Type.Array(Type.Ref(SessionView)) }) },
      },
    },
    async (request) => {
      const repId = repOf(request).user.id;
      const ids = await repQueueIds({ tx: db }, repId);
      const [waiting, mine] = await Promise.all([waitingInQueues(db, ids), activeForRep(db, repId)]);
      return { waiting: await sessionViews(db, waiting), mine: await sessionViews(db, mine) };
    },
  );

  r.get(
    '/api/rep/sessions/:id',
    {
      schema: {
        tags,
        summary: 'One session this rep may see, with its chat, its reps (S2) and its open invitations (S1)',
        params: SessionIdParams,
        response: {
          200: Type.Object({
            session: Type.Ref(SessionView),
            messages: Type.Array(Type.Ref(Message)),
            participants: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), joinedAt: Type.Number() })),
            invitations: Type.Array(Type.Object({ id: Type.String(), queueId: Type.String(), queueName: Type.String(), createdAt: Type.Number() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const repId = repOf(request).user.id;
      const session = await findSession(db, request.params.id);
      if (!session) throw new LobbyError('not_found', 'That session does not exist.');
      // Q6: a waiting session in a queue the rep sees, or one the rep is in (or was, once ended).
      const queues = await repQueueIds({ tx: db }, repId);
      const visible = session.queue_id !== null && queues.includes(session.queue_id);
      const participants = await participantsOf(db, session.id);
      const joined = participants.some((p) => p.user_id === repId);
      // S1: an open invitation to the rep or their team shows them what they are asked to join.
      const invited =
        !visible && !joined
          ? await db.selectFrom('invitations').select('id').where('session_id', '=', session.id).where('state', '=', 'open').where('queue_id', 'in', queues).executeTakeFirst()
          : undefined;
      if (!visible && !joined && !invited) throw new LobbyError('not_found', 'That session does not exist.');
      const [view] = await sessionViews(db, [session]);
      const open = joined
        ? await db.selectFrom('invitations').select(['id', 'queue_id', 'created_at']).where('session_id', '=', session.id).where('state', '=', 'open').orderBy('created_at').execute()
        : [];
      const [names, queueNames] = await Promise.all([userNames(db, participants.map((p) => p.user_id)), queueInfos(db, open.map((i) => i.queue_id))]);
      return {
        session: view!,
        messages: joined ? await chatMessages(db, session.id) : [],
        participants: participants.map((p) => ({ id: p.user_id, name: names.get(p.user_id) ?? p.user_id, role: p.role, joinedAt: p.joined_at })),
        invitations: open.map((i) => ({ id: i.id, queueId: i.queue_id, queueName: queueNames.get(i.queue_id)?.name ?? i.queue_id, createdAt: i.created_at })),
      };
    },
  );

  r.post(
    '/api/rep/sessions/:id/accept',
    {
      schema: { tags, summary: 'Take a waiting session (Q7)', params: SessionIdParams, response: { 200: Type.Object({ session: Type.Ref(SessionView) }), ...errorResponses } },
    },
    async (request) => {
      const session = await engine.acceptSession(repOf(request).user.id, request.params.id);
      const [view] = await sessionViews(db, [session]);
      return { session: view! };
    },
  );

  r.post(
    '/api/rep/sessions/:id/messages',
    {
      schema: {
        tags,
        summary: 'Send a chat message in a session the rep is in',
        params: SessionIdParams,
        body: ChatBody,
        response: { 201: Type.Object({ message: Type.Ref(Message) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const event = await engine.sendChatMessage(request.params.id, { kind: 'rep', repId: repOf(request).user.id }, request.body.text);
      return reply.status(201).send({
        message: { seq: event.seq, at: event.at, from: 'rep' as const, name: String(event.data.name), text: String(event.data.text) },
      });
    },
  );

  r.post(
    '/api/rep/sessions/:id/end',
    {
      schema: { tags, summary: 'End a session the rep owns (L3 completed)', params: SessionIdParams, response: { 200: Type.Object({ session: Type.Ref(SessionView) }), ...errorResponses } },
    },
    async (request) => {
      const session = await engine.endSession(request.params.id, { kind: 'rep', repId: repOf(request).user.id }, 'completed');
      const [view] = await sessionViews(db, [session]);
      return { session: view! };
    },
  );

  r.post(
    '/api/rep/session-keys',
    {
      schema: {
        tags,
        summary: 'Generate a session key for the rep’s personal queue (C1)',
        body: Type.Object({ expiresInMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ key: Type.String(), expiresAt: Type.Number(), url: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const generated = await engine.generateSessionKey(repOf(request).user.id, request.body.expiresInMinutes);
      return reply.status(201).send({ ...generated, url: `${opts.publicUrl ?? `${request.protocol}://${request.host}`}/portal/?key=${generated.key}` });
    },
  );
}
