/**
 * Admin API, site-wide part (SPEC I3, docs/admin.md): the whole configuration as JSON,
 * YAML export and all-or-nothing import, site settings, the general queue's routing and
 * waiting rule, and the audit log.
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { updateGeneralQueue, updateSite, type Edited } from '../../config/config-edits.js';
import { readSiteConfig, renderSiteConfig } from '../../config/export-config.js';
import { ConfigError, prepareSiteConfig } from '../../config/import-config.js';
import { formatIssue, type NormalizedSiteConfig } from '../../config/site-config.js';
import { listAudit } from '../../engine/admin-audit.js';
import { applyConfigChange } from '../../engine/admin-config.js';
import { generalQueueWaitingCount } from '../../engine/admin-general-queue.js';
import { adminConfigView, overflowCycleOf } from '../../engine/admin-views.js';
import type { Engine } from '../../engine/engine.js';
import { actorOf, requireAdmin } from './admin-auth.js';
import {
  AuditEntryView,
  ConfigErrorReply,
  GeneralQueueMoveView,
  ImportBody,
  QueuePatchBody,
  QueueView,
  SitePatchBody,
  SiteView,
  adminErrors,
  changeFields,
  tags,
} from './admin-schemas.js';

export async function adminConfigRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('onRequest', requireAdmin(engine));
  const change = (request: Parameters<typeof actorOf>[0], action: string, edit: (c: NormalizedSiteConfig) => Edited) =>
    engine.runAdmin((ctx) => applyConfigChange(ctx, actorOf(request), { action, edit }));

  r.get(
    '/api/admin/config',
    { schema: { tags, summary: 'The whole site configuration, every default filled in (no password hashes)', response: { 200: Type.Object({ config: Type.Unknown() }), ...adminErrors } } },
    async () => ({ config: adminConfigView(await readSiteConfig(engine.store)) }),
  );

  r.get(
    '/api/admin/config/export',
    {
      schema: {
        tags,
        summary: 'The site configuration as one YAML file (I3); passwords only as hashes',
        produces: ['application/yaml'],
      },
    },
    async (_request, reply) => {
      const text = renderSiteConfig(await readSiteConfig(engine.store));
      return reply
        .type('application/yaml; charset=utf-8')
        .header('content-disposition', 'attachment; filename="lobby-site.yaml"')
        .send(text);
    },
  );

  r.post(
    '/api/admin/config/import',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Replace the site configuration with a YAML file: all or nothing; each error names its path and line',
        body: ImportBody,
        response: {
          200: Type.Object({
            ...changeFields,
            moved: GeneralQueueMoveView,
            summary: Type.Object({
              policies: Type.Integer(),
              users: Type.Integer(),
              teams: Type.Integer(),
              skills: Type.Integer(),
              issues: Type.Integer(),
              usersCreated: Type.Array(Type.String()),
              usersDisabled: Type.Array(Type.String()),
              teamsRemoved: Type.Array(Type.String()),
            }),
          }),
          ...adminErrors,
          400: ConfigErrorReply,
        },
      },
    },
    async (request, reply) => {
      try {
        const prepared = await prepareSiteConfig(engine.store, request.body.yaml);
        const result = await engine.runAdmin((ctx) =>
          applyConfigChange(ctx, actorOf(request), { action: 'config.import', edit: () => ({ config: prepared.config, path: null }), wholeFile: true, hashes: prepared.hashes }),
        );
        return { changeId: result.changeId, changes: result.changes, warnings: prepared.warnings, moved: result.moved, summary: result.summary! };
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const first = err.errors[0];
        return reply.status(400).send({
          error: { code: 'invalid_config', message: err.errors.slice(0, 10).map(formatIssue).join('; '), ...(first?.path ? { field: first.path } : {}) },
          errors: err.errors,
        });
      }
    },
  );

  r.get(
    '/api/admin/site',
    {
      schema: {
        tags,
        summary: 'Site settings, and how many sessions wait in the general queue (they move to the fallback queue if it is switched off)',
        response: { 200: Type.Object({ site: SiteView, generalQueueWaiting: Type.Integer() }), ...adminErrors },
      },
    },
    async () => {
      const [config, generalQueueWaiting] = await Promise.all([readSiteConfig(engine.store), generalQueueWaitingCount(engine.store.db)]);
      return { site: config.site, generalQueueWaiting };
    },
  );

  r.patch(
    '/api/admin/site',
    {
      schema: {
        tags,
        summary:
          'Change site settings: general queue on/off (Q3; switching it off moves its waiting sessions to the fallback queue, C7), fallback queue and rules (F2–F4), grace periods (A1), maximum overflow moves (W3), browser sharing, …',
        body: SitePatchBody,
        response: { 200: Type.Object({ site: SiteView, moved: GeneralQueueMoveView, ...changeFields }), ...adminErrors },
      },
    },
    async (request) => {
      const { fallbackQueue, ...rest } = request.body;
      const result = await change(request, 'site.update', (c) => updateSite(c, { ...rest, ...(fallbackQueue !== undefined ? { fallbackQueue } : {}) }));
      return { site: result.config.site, moved: result.moved, changeId: result.changeId, changes: result.changes, warnings: result.warnings };
    },
  );

  r.get(
    '/api/admin/general-queue',
    { schema: { tags, summary: 'Routing and waiting rule of the general queue', response: { 200: Type.Object({ queue: QueueView }), ...adminErrors } } },
    async () => ({ queue: (await readSiteConfig(engine.store)).generalQueue }),
  );

  r.patch(
    '/api/admin/general-queue',
    {
      schema: {
        tags,
        summary: 'Change the general queue’s routing (section 5) and waiting rule (section 6); warns of overflow cycles (W3)',
        body: QueuePatchBody,
        response: { 200: Type.Object({ queue: QueueView, overflowCycle: Type.Array(Type.String()), ...changeFields }), ...adminErrors },
      },
    },
    async (request) => {
      const result = await change(request, 'queue.update', (c) => updateGeneralQueue(c, request.body));
      return {
        queue: result.config.generalQueue,
        overflowCycle: overflowCycleOf(result.config, 'general'),
        changeId: result.changeId,
        changes: result.changes,
        warnings: result.warnings,
      };
    },
  );

  r.get(
    '/api/admin/audit',
    {
      schema: {
        tags,
        summary: 'The audit log, newest first: who changed what, before and after, when',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: '1-999, default 100' })),
            beforeSeq: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
            entity: Type.Optional(Type.String({ maxLength: 20 })),
            entityId: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntryView) }), ...adminErrors },
      },
    },
    async (request) => {
      const q = request.query;
      return {
        entries: await listAudit(engine.store.db, {
          limit: q.limit === undefined ? 100 : Number(q.limit),
          ...(q.beforeSeq !== undefined ? { beforeSeq: Number(q.beforeSeq) } : {}),
          ...(q.entity !== undefined ? { entity: q.entity } : {}),
          ...(q.entityId !== undefined ? { entityId: q.entityId } : {}),
        }),
      };
    },
  );
}
