/**
 * The rep's side of automatic routing and availability: offers (E4, E5), state (A2–A6),
 * get next (Q8) and transfer (T1). Admins can read why an offer went where it did (E11).
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import { repState } from '../../core/rep-state.js';
import type { Engine } from '../../engine/engine.js';
import { loadReps } from '../../engine/routing-snapshot.js';
import { offerInvitationView, sessionViews } from '../../engine/views.js';
import { policyOf, queueInfos, siteSettings } from '../../store/queries/directory.js';
import { findSession } from '../../store/queries/sessions.js';
import { repOf, requireRep } from '../auth.js';
import { SessionIdParams, SessionView, errorResponses } from '../schemas.js';

const OfferIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
/** S1: set when the offer is of an invitation to join `session` (then active, with its owner). */
const OfferInvitation = Type.Union([
  Type.Object({ id: Type.String(), inviterId: Type.String(), inviterName: Type.String(), queueId: Type.String(), queueName: Type.String() }),
  Type.Null(),
]);
const RepStateReply = Type.Object({
  state: Type.String(),
  sessions: Type.Number(),
  locked: Type.Boolean(),
  idle: Type.Boolean(),
  optedOut: Type.Boolean(),
  canOptOut: Type.Boolean(),
  connected: Type.Boolean(),
});

export async function routingRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('preHandler', requireRep(engine));
  const tags = ['rep'];

  const stateOf = async (repId: string) => {
    const [rep] = await loadReps(db, { repIds: [repId] });
    const policy = await policyOf(db, repId);
    return {
      state: rep ? repState(rep) : 'offline',
      sessions: rep?.sessionCount ?? 0,
      locked: rep?.locked ?? false,
      idle: rep?.idle ?? false,
      optedOut: rep?.optedOut ?? false,
      canOptOut: policy.canOptOut,
      connected: rep?.loggedIn ?? false,
    };
  };

  r.get('/api/rep/state', { schema: { tags, summary: 'The rep’s own state (A6)', response: { 200: RepStateReply } } }, async (request) =>
    stateOf(repOf(request).user.id),
  );

  r.post(
    '/api/rep/state',
    {
      schema: {
        tags,
        summary: 'Lock or unlock (A2), opt out of or back in to automatic assignment (A5)',
        body: Type.Object({ locked: Type.Optional(Type.Boolean()), optedOut: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: RepStateReply, ...errorResponses },
      },
    },
    async (request) => {
      const repId = repOf(request).user.id;
      if (request.body.locked !== undefined) await engine.setLocked(repId, request.body.locked);
      if (request.body.optedOut !== undefined) await engine.setOptedOut(repId, request.body.optedOut);
      return stateOf(repId);
    },
  );

  r.post(
    '/api/rep/activity',
    { schema: { tags, summary: 'The rep is active (A3); clears idle', response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await engine.reportActivity(repOf(request).user.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/rep/offers/current',
    {
      schema: {
        tags,
        summary: 'The offer this rep holds, if any (E4): of a waiting session, or of an invitation to join one (S1)',
        response: {
          200: Type.Object({
            offer: Type.Union([
              Type.Object({
                id: Type.String(),
                sessionId: Type.String(),
                madeAt: Type.Number(),
                expiresAt: Type.Number(),
                session: Type.Ref(SessionView),
                invitation: OfferInvitation,
              }),
              Type.Null(),
            ]),
          }),
        },
      },
    },
    async (request) => {
      const offer = await db
        .selectFrom('offers')
        .select(['id', 'session_id', 'invitation_id', 'made_at', 'expires_at'])
        .where('rep_id', '=', repOf(request).user.id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      const session = offer ? await findSession(db, offer.session_id) : undefined;
      if (!offer || !session) return { offer: null };
      const [view] = await sessionViews(db, [session]);
      const invitation = offer.invitation_id === null ? null : await offerInvitationView(db, offer.invitation_id);
      return { offer: { id: offer.id, sessionId: offer.session_id, madeAt: offer.made_at, expiresAt: offer.expires_at, session: view!, invitation } };
    },
  );

  r.post(
    '/api/rep/offers/:id/accept',
    { schema: { tags, summary: 'Accept an offer (E5)', params: OfferIdParams, response: { 200: Type.Object({ session: Type.Ref(SessionView) }), ...errorResponses } } },
    async (request) => {
      const session = await engine.acceptOffer(repOf(request).user.id, request.params.id);
      const [view] = await sessionViews(db, [session]);
      return { session: view! };
    },
  );

  r.post(
    '/api/rep/offers/:id/reject',
    { schema: { tags, summary: 'Reject an offer (E5, E6)', params: OfferIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await engine.rejectOffer(repOf(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/rep/get-next',
    {
      schema: {
        tags,
        summary: 'Take the first waiting session: personal queue first, then team queues (Q8)',
        response: { 200: Type.Object({ session: Type.Union([Type.Ref(SessionView), Type.Null()]) }), ...errorResponses },
      },
    },
    async (request) => {
      const session = await engine.getNext(repOf(request).user.id);
      if (!session) return { session: null };
      const [view] = await sessionViews(db, [session]);
      return { session: view! };
    },
  );

  r.get(
    '/api/rep/transfer-targets',
    {
      schema: {
        tags,
        summary: 'Queues a session may be transferred to: teams, embassies, the general queue and reps (T3)',
        response: {
          200: Type.Object({
            targets: Type.Array(Type.Object({ queueId: Type.String(), kind: Type.String(), name: Type.String(), repState: Type.Union([Type.String(), Type.Null()]) })),
          }),
        },
      },
    },
    async (request) => {
      const repId = repOf(request).user.id;
      const [policy, site] = await Promise.all([policyOf(db, repId), siteSettings(db)]);
      const queues = await db.selectFrom('queues').select(['id', 'kind', 'user_id']).execute();
      const allowed = queues.filter(
        (q) =>
          (q.kind === 'team' && policy.canTransferToTeams) ||
          (q.kind === 'embassy' && policy.canTransferToEmbassies) ||
          // Q3: a switched-off general queue is no target (the transfer itself is refused too).
          (q.kind === 'general' && policy.canTransferToGeneral && site.generalQueueEnabled) ||
          (q.kind === 'personal' && policy.canTransferToReps && q.user_id !== repId),
      );
      const infos = await queueInfos(db, allowed.map((q) => q.id));
      const repIds = allowed.flatMap((q) => (q.user_id ? [q.user_id] : []));
      const reps = new Map((await loadReps(db, { repIds })).map((rep) => [rep.id, repState(rep)]));
      return {
        targets: allowed
          .map((q) => ({
            queueId: q.id,
            kind: q.kind,
            name: infos.get(q.id)?.name ?? q.id,
            repState: q.user_id ? (reps.get(q.user_id) ?? 'offline') : null,
          }))
          .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
      };
    },
  );

  r.post(
    '/api/rep/sessions/:id/transfer',
    {
      schema: {
        tags,
        summary: 'Transfer a session to a queue (T1, T2)',
        params: SessionIdParams,
        body: Type.Object({ queueId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ session: Type.Ref(SessionView) }), ...errorResponses },
      },
    },
    async (request) => {
      const session = await engine.transferSession({ kind: 'rep', repId: repOf(request).user.id }, request.params.id, request.body.queueId);
      const [view] = await sessionViews(db, [session]);
      return { session: view! };
    },
  );

  r.get(
    '/api/admin/offers/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Why an offer went to its rep (E11); admins only',
        params: OfferIdParams,
        response: {
          200: Type.Object({
            id: Type.String(),
            sessionId: Type.String(),
            /** S1: the invitation offered, for an offer of one. */
            invitationId: Type.Union([Type.String(), Type.Null()]),
            repId: Type.String(),
            state: Type.String(),
            madeAt: Type.Number(),
            expiresAt: Type.Number(),
            explanation: Type.Unknown(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      if (!repOf(request).user.is_admin) throw new LobbyError('forbidden', 'Only admins can read offer explanations.');
      const offer = await db.selectFrom('offers').selectAll().where('id', '=', request.params.id).executeTakeFirst();
      if (!offer) throw new LobbyError('not_found', 'No such offer.');
      return {
        id: offer.id,
        sessionId: offer.session_id,
        invitationId: offer.invitation_id,
        repId: offer.rep_id,
        state: offer.state,
        madeAt: offer.made_at,
        expiresAt: offer.expires_at,
        explanation: JSON.parse(offer.explanation) as unknown,
      };
    },
  );

}
