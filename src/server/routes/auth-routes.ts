import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/engine.js';
import { LOGIN_LIFETIME_MS, logIn, logOut } from '../../engine/logins.js';
import { SESSION_COOKIE, readRep, requireRep } from '../auth.js';
import { errorResponses } from '../schemas.js';
import type { UserRow } from '../../store/schema.js';

const UserView = Type.Object({ id: Type.String(), login: Type.String(), displayName: Type.String(), isAdmin: Type.Boolean() });
const Me = Type.Object({ user: UserView, csrfToken: Type.String() });

const userView = (u: UserRow) => ({ id: u.id, login: u.login, displayName: u.display_name, isAdmin: u.is_admin === 1 });

export async function authRoutes(app: FastifyInstance, opts: { engine: Engine; secureCookies: boolean }): Promise<void> {
  const { engine } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Rep login; sets an HTTP-only session cookie',
        body: Type.Object(
          { login: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Me, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await logIn(engine.store.db, engine.ids, engine.clock.now(), request.body.login, request.body.password);
      reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookies,
        path: '/',
        maxAge: LOGIN_LIFETIME_MS / 1000,
      });
      return { user: userView(result.user), csrfToken: result.csrfToken };
    },
  );

  r.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'The logged-in rep', response: { 200: Me, ...errorResponses } } },
    async (request, reply) => {
      const rep = await readRep(engine, request);
      if (!rep) return reply.status(401).send({ error: { code: 'unauthorized', message: 'Please log in.' } });
      return { user: userView(rep.user), csrfToken: rep.csrfToken };
    },
  );

  r.post(
    '/api/auth/logout',
    { preHandler: requireRep(engine), schema: { tags: ['auth'], summary: 'Log out', response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await logOut(engine.store.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
}
