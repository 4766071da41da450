import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/engine.js';

export async function healthRoutes(app: FastifyInstance, opts: { engine: Engine; version: string }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness and the store in use',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), version: Type.String(), store: Type.Object({ kind: Type.String(), version: Type.String() }) }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      version: opts.version,
      store: { kind: opts.engine.store.kind, version: await opts.engine.store.serverVersion() },
    }),
  );
}
