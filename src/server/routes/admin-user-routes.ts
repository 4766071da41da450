/**
 * Admin API: users (create, disable, reset password, display number, policy, admin flag,
 * team memberships and roles, skill levels) and policies (SPEC section 7 and the
 * permissions). Every change is one audited engine command (docs/admin.md).
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import {
  createPolicy,
  createUser,
  deletePolicy,
  setPasswordHash,
  updatePolicy,
  updateUser,
  type Edited,
  type UserPatch,
} from '../../config/config-edits.js';
import { readSiteConfig } from '../../config/export-config.js';
import type { NormalizedSiteConfig } from '../../config/site-config.js';
import { applyConfigChange, type ConfigChangeResult } from '../../engine/admin-config.js';
import { adminUserViews } from '../../engine/admin-views.js';
import type { Engine } from '../../engine/engine.js';
import { hashPassword } from '../../engine/passwords.js';
import { repOf } from '../auth.js';
import { actorOf, requireAdmin } from './admin-auth.js';
import {
  ChangeReply,
  IdParams,
  LoginParams,
  PasswordBody,
  PolicyCreateBody,
  PolicyPatchBody,
  PolicyView,
  UserCreateBody,
  UserPatchBody,
  UserView,
  adminErrors,
  changeFields,
  tags,
} from './admin-schemas.js';

/** Copies only the fields that are present: the edits treat a missing field as "unchanged". */
function present<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export async function adminUserRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const db = engine.store.db;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('onRequest', requireAdmin(engine));

  const change = (request: FastifyRequest, action: string, edit: (c: NormalizedSiteConfig) => Edited) =>
    engine.runAdmin((ctx) => applyConfigChange(ctx, actorOf(request), { action, edit }));
  const userReply = async (result: ConfigChangeResult, login: string) => {
    const user = (await adminUserViews(db, result.config)).find((u) => u.login === login);
    if (!user) throw new LobbyError('not_found', `There is no user "${login}".`);
    return { user, changeId: result.changeId, changes: result.changes, warnings: result.warnings };
  };
  const UserReply = { 200: Type.Object({ user: UserView, ...changeFields }), ...adminErrors };

  /** An admin cannot lock themselves out: no disabling or un-admining oneself. */
  const notSelf = (request: FastifyRequest, login: string, patch: UserPatch) => {
    if (repOf(request).user.login !== login) return;
    if (patch.disabled === true) throw new LobbyError('conflict', 'You cannot disable yourself; ask another admin.', 'disabled');
    if (patch.admin === false) throw new LobbyError('conflict', 'You cannot take away your own admin rights; ask another admin.', 'admin');
  };

  r.get('/api/admin/users', { schema: { tags, summary: 'Every user, with their teams, skills and state (A6)', response: { 200: Type.Object({ users: Type.Array(UserView) }), ...adminErrors } } }, async () => ({
    users: await adminUserViews(db, await readSiteConfig(engine.store)),
  }));

  r.get(
    '/api/admin/users/:login',
    { schema: { tags, summary: 'One user', params: LoginParams, response: { 200: Type.Object({ user: UserView }), ...adminErrors } } },
    async (request) => {
      const user = (await adminUserViews(db, await readSiteConfig(engine.store))).find((u) => u.login === request.params.login);
      if (!user) throw new LobbyError('not_found', `There is no user "${request.params.login}".`);
      return { user };
    },
  );

  r.post(
    '/api/admin/users',
    { schema: { tags, summary: 'Create a user (a rep; an admin with admin: true)', body: UserCreateBody, response: { ...UserReply, 201: UserReply[200] } } },
    async (request, reply) => {
      const { password, ...input } = request.body;
      // scrypt is slow on purpose (X1): hash before the command takes the routing lock.
      const passwordHash = await hashPassword(password);
      const result = await change(request, 'user.create', (c) => createUser(c, present({ ...input, passwordHash })));
      return reply.status(201).send(await userReply(result, input.login));
    },
  );

  r.patch(
    '/api/admin/users/:login',
    {
      schema: {
        tags,
        summary: 'Change a user: name, display number, policy, admin flag, listing, teams and roles, skills; disabled: true signs them out and hands their sessions on (F1–F5)',
        params: LoginParams,
        body: UserPatchBody,
        response: UserReply,
      },
    },
    async (request) => {
      const { login } = request.params;
      const patch = present(request.body) as UserPatch;
      notSelf(request, login, patch);
      const action = patch.disabled === true ? 'user.disable' : patch.disabled === false ? 'user.enable' : 'user.update';
      return userReply(await change(request, action, (c) => updateUser(c, login, patch)), login);
    },
  );

  r.post(
    '/api/admin/users/:login/password',
    {
      schema: {
        tags,
        summary: 'Reset a user’s password; signs them out everywhere',
        params: LoginParams,
        body: PasswordBody,
        response: { 200: ChangeReply, ...adminErrors },
      },
    },
    async (request) => {
      const { login } = request.params;
      const hash = await hashPassword(request.body.password);
      const result = await engine.runAdmin(async (ctx) => {
        const applied = await applyConfigChange(ctx, actorOf(request), { action: 'user.password', edit: (c) => setPasswordHash(c, login, hash) });
        const user = await ctx.tx.selectFrom('users').select('id').where('login', '=', login).executeTakeFirst();
        if (user) await ctx.tx.deleteFrom('logins').where('user_id', '=', user.id).execute();
        return applied;
      });
      return { changeId: result.changeId, changes: result.changes, warnings: result.warnings };
    },
  );

  // ---- Policies ----

  const PolicyReply = { 200: Type.Object({ policy: PolicyView, ...changeFields }), ...adminErrors };
  const policyReply = (result: ConfigChangeResult, id: string) => {
    const policy = result.config.policies.find((p) => p.id === id);
    if (!policy) throw new LobbyError('not_found', `There is no policy "${id}".`);
    return { policy, changeId: result.changeId, changes: result.changes, warnings: result.warnings };
  };

  r.get('/api/admin/policies', { schema: { tags, summary: 'Every policy, every setting written out', response: { 200: Type.Object({ policies: Type.Array(PolicyView) }), ...adminErrors } } }, async () => ({
    policies: (await readSiteConfig(engine.store)).policies,
  }));

  r.post(
    '/api/admin/policies',
    { schema: { tags, summary: 'Create a policy; settings left out take their defaults', body: PolicyCreateBody, response: { ...PolicyReply, 201: PolicyReply[200] } } },
    async (request, reply) => {
      const result = await change(request, 'policy.create', (c) => createPolicy(c, present(request.body)));
      return reply.status(201).send(policyReply(result, request.body.id));
    },
  );

  r.patch(
    '/api/admin/policies/:id',
    { schema: { tags, summary: 'Change a policy’s availability settings (section 7) and permissions', params: IdParams, body: PolicyPatchBody, response: PolicyReply } },
    async (request) => policyReply(await change(request, 'policy.update', (c) => updatePolicy(c, request.params.id, present(request.body))), request.params.id),
  );

  r.delete(
    '/api/admin/policies/:id',
    { schema: { tags, summary: 'Delete a policy no user has', params: IdParams, response: { 200: ChangeReply, ...adminErrors } } },
    async (request) => {
      const result = await change(request, 'policy.delete', (c) => deletePolicy(c, request.params.id));
      return { changeId: result.changeId, changes: result.changes, warnings: result.warnings };
    },
  );
}
