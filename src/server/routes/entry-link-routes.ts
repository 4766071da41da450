/**
 * Making, listing, changing and revoking support buttons (C4) and click-to-chat links (C5):
 * admins for any rep, team or issue; other reps for their own personal queue. One set of
 * routes serves both kinds, under /api/support-buttons and /api/chat-links. Every change is
 * audited (docs/admin.md).
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EntryLinkKind } from '../../core/entry-links.js';
import type { Engine } from '../../engine/engine.js';
import { mayManageLink, type LinkEditor } from '../../engine/entry-link-commands.js';
import { entryLinkViews } from '../../engine/entry-link-views.js';
import { listEntryLinks } from '../../store/queries/entry-links.js';
import { repOf, requireRep } from '../auth.js';
import { errorResponses } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const EntryLinkView = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
    target: Type.Object({ kind: Type.String(), id: Nullable(Type.String()), name: Nullable(Type.String()) }),
    issue: Nullable(Type.Object({ code: Type.String(), title: Type.String() })),
    url: Type.String(),
    snippet: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.Number(),
    expiresAt: Nullable(Type.Number()),
    revokedAt: Nullable(Type.Number()),
  },
  { $id: 'EntryLinkView' },
);

const targetFields = {
  repId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  teamId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  issueCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  general: Type.Optional(Type.Literal(true, { description: 'click-to-chat links (admins): the general queue, or the fallback queue while it is off (C7)' })),
};

const NewLinkBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    ...targetFields,
    /** Buttons: default 7 days; chat links: none (never expires). 1 minute to 365 days. */
    expiresInMinutes: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

const LinkEditBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...targetFields,
    expiresInMinutes: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], { description: 'a new lifetime from now, 1 minute to 365 days; null = never expires (click-to-chat links only)' }),
    ),
  },
  { additionalProperties: false, description: 'Fields left out stay as they are; any of repId, teamId, issueCode, general replaces the target whole' },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export function publicBase(publicUrl: string | undefined, request: FastifyRequest): string {
  return (publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

function actorOf(request: FastifyRequest): LinkEditor {
  const { user } = repOf(request);
  return { repId: user.id, login: user.login, isAdmin: user.is_admin === 1 };
}

interface Options {
  engine: Engine;
  publicUrl: string | undefined;
  kind: EntryLinkKind;
  /** `/api/support-buttons` or `/api/chat-links`. */
  path: string;
  /** `button` or `link`: the key the one created link is answered under. */
  single: 'button' | 'link';
  plural: 'buttons' | 'links';
  what: string;
}

async function entryLinkAdminRoutes(app: FastifyInstance, opts: Options): Promise<void> {
  const { engine, kind, path, single, plural, what } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('preHandler', requireRep(engine));
  const tags = ['links'];
  const views = (request: FastifyRequest, rows: Parameters<typeof entryLinkViews>[1]) =>
    entryLinkViews(db, rows, engine.clock.now(), publicBase(opts.publicUrl, request));

  r.post(
    path,
    {
      schema: {
        tags,
        summary: `Make a ${what} (admins: any rep, team or issue; reps: their own personal queue)`,
        body: NewLinkBody,
        response: { 201: Type.Object({ [single]: Type.Ref(EntryLinkView) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = await engine.createEntryLink(actorOf(request), { kind, ...request.body });
      const [view] = await views(request, [row]);
      return reply.status(201).send({ [single]: view! });
    },
  );

  r.get(
    path,
    {
      schema: {
        tags,
        summary: `${what}s the caller may manage (admins: all), newest first`,
        response: { 200: Type.Object({ [plural]: Type.Array(Type.Ref(EntryLinkView)) }), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const rows = await listEntryLinks(db, kind, actor.isAdmin ? null : actor.repId);
      return { [plural]: await views(request, rows.filter((row) => mayManageLink(actor, row))) };
    },
  );

  r.patch(
    `${path}/:id`,
    {
      schema: {
        tags,
        summary: `Rename a ${what}, aim it elsewhere or give it a new lifetime; its address stays the same (revoked links cannot be changed)`,
        params: IdParams,
        body: LinkEditBody,
        response: { 200: Type.Object({ [single]: Type.Ref(EntryLinkView) }), ...errorResponses },
      },
    },
    async (request) => {
      const row = await engine.updateEntryLink(actorOf(request), kind, request.params.id, request.body);
      const [view] = await views(request, [row]);
      return { [single]: view! };
    },
  );

  r.delete(
    `${path}/:id`,
    {
      schema: {
        tags,
        summary: `Revoke a ${what}: following it shows "this link has expired" from now on`,
        params: IdParams,
        response: { 200: Type.Object({ [single]: Type.Ref(EntryLinkView) }), ...errorResponses },
      },
    },
    async (request) => {
      const row = await engine.revokeEntryLink(actorOf(request), kind, request.params.id);
      const [view] = await views(request, [row]);
      return { [single]: view! };
    },
  );
}

export async function entryLinkRoutes(app: FastifyInstance, opts: { engine: Engine; publicUrl: string | undefined }): Promise<void> {
  app.addSchema(EntryLinkView);
  await app.register(entryLinkAdminRoutes, { ...opts, kind: 'button', path: '/api/support-buttons', single: 'button', plural: 'buttons', what: 'support button' });
  await app.register(entryLinkAdminRoutes, { ...opts, kind: 'chat', path: '/api/chat-links', single: 'link', plural: 'links', what: 'click-to-chat link' });
}
