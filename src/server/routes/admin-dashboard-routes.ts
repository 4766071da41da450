/**
 * The team dashboard for leads and managers (SPEC A6, T1): members' state and sessions,
 * taking over a member's session, and a change feed (/ws/team) that tells the page when to
 * read again. Transfers use POST /api/rep/sessions/:id/transfer, which allows leads (T1).
 *
 * The feed is deliberately not the rep console's /ws/rep: holding that socket logs a rep
 * in for routing (A1), and a lead watching the dashboard is not asking for sessions.
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import { canSeeDashboard, takeOverSession, teamDashboard } from '../../engine/admin-team.js';
import type { Engine } from '../../engine/engine.js';
import { sessionViews } from '../../engine/views.js';
import { readRep, repOf, requireRep } from '../auth.js';
import { SessionIdParams, SessionView, errorResponses } from '../schemas.js';

const MemberView = Type.Object({
  id: Type.String(),
  login: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  state: Type.String(),
  sessionCount: Type.Integer(),
  sessions: Type.Array(Type.Ref(SessionView)),
  canAct: Type.Boolean(),
});

const DashboardTeamView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  viewerRole: Type.Union([Type.String(), Type.Null()]),
  waitingCount: Type.Integer(),
  members: Type.Array(MemberView),
});

/** Event types after which a dashboard may look different. */
const RELEVANT = /^(rep\.state|session\.|offer\.|participant\.|owner\.changed|config\.changed)/;

export async function adminDashboardRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['team'];

  const requireLead = async (request: Parameters<ReturnType<typeof requireRep>>[0], reply: Parameters<ReturnType<typeof requireRep>>[1]) => {
    await requireRep(engine)(request, reply);
    if (!(await canSeeDashboard(db, repOf(request).user))) {
      throw new LobbyError('forbidden', 'The team dashboard is for team leads, managers and admins.');
    }
  };

  r.get(
    '/api/team/dashboard',
    {
      onRequest: requireLead,
      schema: {
        tags,
        summary: 'Teams the rep leads or manages (admins: every team): each member’s state (A6) and sessions',
        response: { 200: Type.Object({ teams: Type.Array(DashboardTeamView) }), ...errorResponses },
      },
    },
    async (request) => ({ teams: await teamDashboard(db, repOf(request).user) }),
  );

  r.post(
    '/api/team/sessions/:id/take-over',
    {
      onRequest: requireLead,
      schema: {
        tags,
        summary: 'A lead or manager of the owner’s team takes a member’s session over (T1); the former owner leaves it (T2)',
        params: SessionIdParams,
        response: { 200: Type.Object({ session: Type.Ref(SessionView) }), ...errorResponses },
      },
    },
    async (request) => {
      const session = await engine.runAdmin((ctx) => takeOverSession(ctx, repOf(request).user.id, request.params.id));
      const [view] = await sessionViews(db, [session]);
      return { session: view! };
    },
  );

  app.get('/ws/team', { websocket: true, schema: { hide: true } }, async (socket, request) => {
    const rep = await readRep(engine, request);
    if (!rep) return socket.close(4401, 'unauthorized');
    if (!(await canSeeDashboard(db, rep.user))) return socket.close(4403, 'forbidden');
    // Only a hint with the sequence number: the page reads what it may see through the API.
    const off = engine.bus.subscribe((e) => {
      if (RELEVANT.test(e.type)) socket.send(JSON.stringify({ type: 'changed', seq: e.seq }));
    });
    socket.on('close', off);
    socket.on('message', () => socket.send(JSON.stringify({ type: 'pong' })));
    socket.send(JSON.stringify({ type: 'hello' }));
  });
}
