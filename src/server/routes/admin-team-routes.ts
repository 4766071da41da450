/**
 * Admin API: teams and embassies (members and roles, persistent queue, routing algorithm,
 * offer timeout, waiting rule and overflow target, with the W3 overflow-cycle warning), the
 * skills tree (add, rename, move, rank roots) and issues (C3). Each change is one audited
 * engine command, applied live (docs/admin.md).
 */
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import {
  createIssue,
  createSkill,
  createTeam,
  deleteIssue,
  deleteSkill,
  deleteTeam,
  updateIssue,
  updateSkill,
  updateTeam,
  type Edited,
} from '../../config/config-edits.js';
import { readSiteConfig } from '../../config/export-config.js';
import type { NormalizedSiteConfig } from '../../config/site-config.js';
import { applyConfigChange, type ConfigChangeResult } from '../../engine/admin-config.js';
import { adminSkillViews, overflowCycleOf } from '../../engine/admin-views.js';
import type { Engine } from '../../engine/engine.js';
import { actorOf, requireAdmin } from './admin-auth.js';
import {
  ChangeReply,
  CodeParams,
  IdParams,
  IssueCreateBody,
  IssuePatchBody,
  IssueView,
  SkillCreateBody,
  SkillPatchBody,
  SkillView,
  TeamCreateBody,
  TeamPatchBody,
  TeamView,
  adminErrors,
  changeFields,
  tags,
} from './admin-schemas.js';

function present<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const changeOnly = (result: ConfigChangeResult) => ({ changeId: result.changeId, changes: result.changes, warnings: result.warnings });

export async function adminTeamRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.addHook('onRequest', requireAdmin(engine));
  const change = (request: FastifyRequest, action: string, edit: (c: NormalizedSiteConfig) => Edited) =>
    engine.runAdmin((ctx) => applyConfigChange(ctx, actorOf(request), { action, edit }));
  const config = () => readSiteConfig(engine.store);

  // ---- Teams and embassies ----

  const TeamReply = { 200: Type.Object({ team: TeamView, overflowCycle: Type.Array(Type.String()), ...changeFields }), ...adminErrors };
  const teamReply = (result: ConfigChangeResult, id: string) => {
    const team = result.config.teams.find((t) => t.id === id);
    if (!team) throw new LobbyError('not_found', `There is no team or embassy "${id}".`);
    return { team, overflowCycle: overflowCycleOf(result.config, id), ...changeOnly(result) };
  };

  r.get('/api/admin/teams', { schema: { tags, summary: 'Teams and embassies with members, roles, routing and waiting rules', response: { 200: Type.Object({ teams: Type.Array(TeamView) }), ...adminErrors } } }, async () => ({
    teams: (await config()).teams,
  }));

  r.post(
    '/api/admin/teams',
    {
      schema: {
        tags,
        summary: 'Create a team or embassy (kind: embassy) with its queue; the answer lists an overflow cycle (W3) through it',
        body: TeamCreateBody,
        response: { ...TeamReply, 201: TeamReply[200] },
      },
    },
    async (request, reply) => {
      const result = await change(request, 'team.create', (c) => createTeam(c, present(request.body)));
      return reply.status(201).send(teamReply(result, request.body.id));
    },
  );

  r.patch(
    '/api/admin/teams/:id',
    {
      schema: {
        tags,
        summary: 'Change a team or embassy: name, kind, members and roles (replaced), persistent (Q5), algorithm, offer timeout (section 5), waiting rule (section 6)',
        params: IdParams,
        body: TeamPatchBody,
        response: TeamReply,
      },
    },
    async (request) => teamReply(await change(request, 'team.update', (c) => updateTeam(c, request.params.id, present(request.body))), request.params.id),
  );

  r.delete(
    '/api/admin/teams/:id',
    { schema: { tags, summary: 'Delete a team or embassy that no issue or rule names and where nobody waits', params: IdParams, response: { 200: ChangeReply, ...adminErrors } } },
    async (request) => changeOnly(await change(request, 'team.delete', (c) => deleteTeam(c, request.params.id))),
  );

  // ---- Skills ----

  const SkillReply = { 200: Type.Object({ skill: SkillView, ...changeFields }), ...adminErrors };
  const skillReply = (result: ConfigChangeResult, id: string) => {
    const skill = adminSkillViews(result.config).find((s) => s.id === id);
    if (!skill) throw new LobbyError('not_found', `There is no skill "${id}".`);
    return { skill, ...changeOnly(result) };
  };

  r.get('/api/admin/skills', { schema: { tags, summary: 'The skills tree: roots with their rank (E8), children with their parent', response: { 200: Type.Object({ skills: Type.Array(SkillView) }), ...adminErrors } } }, async () => ({
    skills: adminSkillViews(await config()),
  }));

  r.post(
    '/api/admin/skills',
    { schema: { tags, summary: 'Add a skill: a root (at `rank`, default last) or below `parent`', body: SkillCreateBody, response: { ...SkillReply, 201: SkillReply[200] } } },
    async (request, reply) => {
      const result = await change(request, 'skill.create', (c) => createSkill(c, present(request.body)));
      return reply.status(201).send(skillReply(result, request.body.id));
    },
  );

  r.patch(
    '/api/admin/skills/:id',
    { schema: { tags, summary: 'Rename a skill, move it (parent; null makes it a root) or rank a root skill', params: IdParams, body: SkillPatchBody, response: SkillReply } },
    async (request) => skillReply(await change(request, 'skill.update', (c) => updateSkill(c, request.params.id, present(request.body))), request.params.id),
  );

  r.delete(
    '/api/admin/skills/:id',
    { schema: { tags, summary: 'Delete a skill without children that no issue requires; reps lose it', params: IdParams, response: { 200: ChangeReply, ...adminErrors } } },
    async (request) => changeOnly(await change(request, 'skill.delete', (c) => deleteSkill(c, request.params.id))),
  );

  // ---- Issues ----

  const IssueReply = { 200: Type.Object({ issue: IssueView, ...changeFields }), ...adminErrors };
  const issueReply = (result: ConfigChangeResult, code: string) => {
    const issue = result.config.issues.find((i) => i.code === code);
    if (!issue) throw new LobbyError('not_found', `There is no issue "${code}".`);
    return { issue, ...changeOnly(result) };
  };

  r.get('/api/admin/issues', { schema: { tags, summary: 'Every issue, shown on the portal or not (C3)', response: { 200: Type.Object({ issues: Type.Array(IssueView) }), ...adminErrors } } }, async () => ({
    issues: (await config()).issues,
  }));

  r.post(
    '/api/admin/issues',
    { schema: { tags, summary: 'Create an issue: owning team, required skills (E8), priority (Q4), shown on the portal', body: IssueCreateBody, response: { ...IssueReply, 201: IssueReply[200] } } },
    async (request, reply) => {
      const result = await change(request, 'issue.create', (c) => createIssue(c, present(request.body)));
      return reply.status(201).send(issueReply(result, request.body.code));
    },
  );

  r.patch(
    '/api/admin/issues/:code',
    { schema: { tags, summary: 'Change an issue', params: CodeParams, body: IssuePatchBody, response: IssueReply } },
    async (request) => issueReply(await change(request, 'issue.update', (c) => updateIssue(c, request.params.code, present(request.body))), request.params.code),
  );

  r.delete(
    '/api/admin/issues/:code',
    { schema: { tags, summary: 'Delete an issue; sessions made for it keep their queue and skills', params: CodeParams, response: { 200: ChangeReply, ...adminErrors } } },
    async (request) => changeOnly(await change(request, 'issue.delete', (c) => deleteIssue(c, request.params.code))),
  );
}
