/**
 * C2: the portal's representative list, starting a session with a chosen rep, and the
 * rep's own "show me on the representative list" switch.
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { listedReps } from '../../engine/customer-entry-commands.js';
import { policyOf } from '../../store/queries/directory.js';
import { repOf, requireRep } from '../auth.js';
import { RateLimiter } from '../rate-limit.js';
import { CustomerFields, errorResponses } from '../schemas.js';

export const Started = Type.Object({ sessionId: Type.String(), customerToken: Type.String() });

/** Starts per client address and minute, on each public entry point (beyond): stops floods. */
export const SESSION_STARTS_PER_MINUTE = 20;

export function sessionStartLimiter(engine: Engine): RateLimiter {
  return new RateLimiter(SESSION_STARTS_PER_MINUTE, 60_000, () => engine.clock.now());
}

export function checkStartRate(limiter: RateLimiter, address: string): void {
  if (!limiter.allow(address)) throw new LobbyError('rate_limited', 'Too many attempts. Please wait a minute and try again.');
}

const ListingReply = Type.Object({
  /** The rep's own switch. */
  listed: Type.Boolean(),
  /** Whether the rep's policy lets them be listed at all. */
  canBeListed: Type.Boolean(),
});

export async function repListRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const starts = sessionStartLimiter(engine);

  r.get(
    '/api/portal/reps',
    {
      schema: {
        tags: ['portal'],
        summary: 'Reps a customer may choose (C2): logged in, allowed and willing to be listed, in display-number order',
        response: { 200: Type.Object({ reps: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }) },
      },
    },
    async () => ({ reps: await listedReps(db) }),
  );

  r.post(
    '/api/portal/rep-sessions',
    {
      schema: {
        tags: ['portal'],
        summary: 'Start a session with a rep from the list (C2); the session waits in that rep’s personal queue',
        body: Type.Object({ repId: Type.String({ minLength: 1, maxLength: 64 }), ...CustomerFields }, { additionalProperties: false }),
        response: { 201: Started, 429: Type.Ref('ErrorReply'), ...errorResponses },
      },
    },
    async (request, reply) => {
      checkStartRate(starts, request.ip);
      const { repId, ...customer } = request.body;
      const created = await engine.startFromRepList(repId, customer);
      return reply.status(201).send({ sessionId: created.session.id, customerToken: created.customerToken });
    },
  );

  const listing = async (repId: string) => {
    const [user, policy] = await Promise.all([
      db.selectFrom('users').select('show_on_rep_list').where('id', '=', repId).executeTakeFirst(),
      policyOf(db, repId),
    ]);
    return { listed: user?.show_on_rep_list === 1, canBeListed: policy.canBeListed };
  };

  r.get(
    '/api/rep/listing',
    { preHandler: requireRep(engine), schema: { tags: ['rep'], summary: 'Whether the rep shows on the representative list (C2)', response: { 200: ListingReply, ...errorResponses } } },
    async (request) => listing(repOf(request).user.id),
  );

  r.post(
    '/api/rep/listing',
    {
      preHandler: requireRep(engine),
      schema: {
        tags: ['rep'],
        summary: 'Switch "show me on the representative list" on or off (C2, I1)',
        body: Type.Object({ listed: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: ListingReply, ...errorResponses },
      },
    },
    async (request) => {
      const repId = repOf(request).user.id;
      await engine.setListedOnRepList(repId, request.body.listed);
      return listing(repId);
    },
  );
}
