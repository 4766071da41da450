/**
 * A session's stored browser-sharing recording, for the report (docs/cobrowse.md): only where
 * the site keeps recordings (`cobrowseStoreRecordings`), until `cobrowseRetentionDays` pass.
 * The reps who were in the session and admins may read it; anyone else gets 404, as for the
 * session itself. Frames come in the order the server received them, a page at a time.
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import type { Engine } from '../../engine/engine.js';
import { cobrowseFramesOf } from '../../engine/cobrowse-recordings.js';
import { findSession, participantsOf } from '../../store/queries/sessions.js';
import { repOf, requireRep } from '../auth.js';
import { SessionIdParams, errorResponses } from '../schemas.js';

const PAGE = 500;

export async function cobrowseRecordingRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('preHandler', requireRep(engine));

  r.get(
    '/api/rep/sessions/:id/cobrowse-recording',
    {
      schema: {
        tags: ['rep'],
        summary: 'The stored recording of the customer’s shared page (browser sharing), in pages of frames',
        params: SessionIdParams,
        querystring: Type.Object({ after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) }),
        response: {
          200: Type.Object({
            frames: Type.Array(
              Type.Object({
                seq: Type.Number(),
                at: Type.Number(),
                batch: Type.Number(),
                part: Type.Integer(),
                parts: Type.Integer(),
                checkout: Type.Boolean(),
                data: Type.String(),
              }),
            ),
            /** Pass as `after` for the next page; null at the end. */
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const rep = repOf(request).user;
      const session = await findSession(db, request.params.id);
      const wasIn = session ? (await participantsOf(db, session.id)).some((p) => p.user_id === rep.id) : false;
      if (!session || (!wasIn && rep.is_admin !== 1)) throw new LobbyError('not_found', 'That session does not exist.');
      const frames = await cobrowseFramesOf(db, session.id, Number(request.query.after ?? 0), PAGE);
      return { frames, next: frames.length === PAGE ? String(frames.at(-1)!.seq) : null };
    },
  );
}
