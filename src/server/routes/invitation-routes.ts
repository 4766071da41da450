/** S1–S4: invitations to join a session, and leaving a shared session. */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { repQueueIds } from '../../engine/session-commands.js';
import { sessionViews } from '../../engine/views.js';
import { queueInfos, userNames } from '../../store/queries/directory.js';
import { repOf, requireRep } from '../auth.js';
import { SessionIdParams, SessionView, errorResponses } from '../schemas.js';

const InvitationIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const InvitationView = Type.Object({
  id: Type.String(),
  sessionId: Type.String(),
  queueId: Type.String(),
  queueName: Type.String(),
  inviterId: Type.String(),
  inviterName: Type.String(),
  createdAt: Type.Number(),
  session: Type.Ref(SessionView),
});

export async function invitationRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('preHandler', requireRep(engine));
  const tags = ['rep'];

  r.get(
    '/api/rep/invitations',
    {
      schema: { tags, summary: 'Open invitations in the queues this rep sees (S1)', response: { 200: Type.Object({ invitations: Type.Array(InvitationView) }) } },
    },
    async (request) => {
      const queues = await repQueueIds({ tx: db }, repOf(request).user.id);
      const rows = await db.selectFrom('invitations').selectAll().where('state', '=', 'open').where('queue_id', 'in', queues).orderBy('created_at').execute();
      if (rows.length === 0) return { invitations: [] };
      const sessions = await db.selectFrom('sessions').selectAll().where('id', 'in', rows.map((i) => i.session_id)).execute();
      const views = new Map((await sessionViews(db, sessions)).map((v) => [v.id, v]));
      const [names, infos] = await Promise.all([userNames(db, rows.map((i) => i.inviter_id)), queueInfos(db, rows.map((i) => i.queue_id))]);
      return {
        invitations: rows.flatMap((i) => {
          const session = views.get(i.session_id);
          if (!session) return [];
          return [
            {
              id: i.id,
              sessionId: i.session_id,
              queueId: i.queue_id,
              queueName: infos.get(i.queue_id)?.name ?? i.queue_id,
              inviterId: i.inviter_id,
              inviterName: names.get(i.inviter_id) ?? i.inviter_id,
              createdAt: i.created_at,
              session,
            },
          ];
        }),
      };
    },
  );

  r.post(
    '/api/rep/sessions/:id/invitations',
    {
      schema: {
        tags,
        summary: 'Invite a rep (their personal queue) or a team (its queue) to join (S1)',
        params: SessionIdParams,
        body: Type.Object({ queueId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), sessionId: Type.String(), queueId: Type.String(), createdAt: Type.Number() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const invitation = await engine.inviteToSession(repOf(request).user.id, request.params.id, request.body.queueId);
      return reply.status(201).send(invitation);
    },
  );

  r.post(
    '/api/rep/invitations/:id/accept',
    { schema: { tags, summary: 'Join the session as a participant (S2)', params: InvitationIdParams, response: { 200: Type.Object({ session: Type.Ref(SessionView) }), ...errorResponses } } },
    async (request) => {
      const session = await engine.acceptInvitation(repOf(request).user.id, request.params.id);
      const [view] = await sessionViews(db, [session]);
      return { session: view! };
    },
  );

  r.post(
    '/api/rep/invitations/:id/withdraw',
    { schema: { tags, summary: 'Withdraw an open invitation (S4)', params: InvitationIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await engine.withdrawInvitation(repOf(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/rep/sessions/:id/leave',
    { schema: { tags, summary: 'Leave a shared session; an owner hands it to the first participant (S3)', params: SessionIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await engine.leaveSession(repOf(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
