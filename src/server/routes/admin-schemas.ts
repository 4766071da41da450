/**
 * TypeBox schemas of the admin API (docs/admin.md): request bodies built from the site
 * configuration's own field schemas (src/config/site-config.ts), so that the API, the
 * YAML file and the admin pages accept exactly the same values; and the views it returns.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { DEFAULT_POLICY } from '../../core/policy.js';
import { Id, IssueSchema, Login, Name, PolicySchema, QueueRef, SiteSchema } from '../../config/site-config.js';
import { errorResponses } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Role = Type.Union([Type.Literal('member'), Type.Literal('lead'), Type.Literal('manager')]);
const Algorithm = Type.Union([Type.Literal('none'), Type.Literal('least_busy'), Type.Literal('skills_least_busy')]);
const WaitingAction = Type.Union([Type.Literal('none'), Type.Literal('mark'), Type.Literal('transfer')]);
/** New passwords set through the admin API: longer than the demo's. */
const Password = Type.String({ minLength: 8, maxLength: 200, description: 'at least 8 characters' });

// ---- Request bodies ----

/** Routing (SPEC section 5), waiting rule (section 6) and Q5 of one queue; null clears the overflow queue. */
export const queuePatchFields = {
  algorithm: Opt(Algorithm),
  offerTimeoutSeconds: Opt(Type.Integer({ minimum: 5, maximum: 600 })),
  persistent: Opt(Type.Boolean()),
  waiting: Opt(
    Type.Object(
      {
        action: Opt(WaitingAction),
        afterSeconds: Opt(Type.Integer({ minimum: 10, maximum: 86_400 })),
        overflowQueue: Opt(Nullable(QueueRef)),
      },
      strict,
    ),
  ),
};
export const QueuePatchBody = Type.Object(queuePatchFields, strict);

const Memberships = Type.Array(Type.Object({ team: Id, role: Opt(Role) }, strict), { maxItems: 500 });
const RepSkills = Type.Object({ preferred: Opt(Type.Array(Id, { maxItems: 500 })), ignored: Opt(Type.Array(Id, { maxItems: 500 })) }, strict);

const userFields = {
  displayName: Name,
  displayNumber: Type.Integer({ minimum: 1, maximum: 99_999 }),
  policy: Id,
  admin: Opt(Type.Boolean()),
  showOnRepList: Opt(Type.Boolean()),
  teams: Opt(Memberships),
  skills: Opt(RepSkills),
};
export const UserCreateBody = Type.Object({ login: Login, password: Password, ...userFields }, strict);
export const UserPatchBody = Type.Partial(Type.Object({ ...userFields, disabled: Type.Boolean() }, strict));
export const PasswordBody = Type.Object({ password: Password }, strict);

export const PolicyCreateBody = PolicySchema;
export const PolicyPatchBody = Type.Partial(Type.Omit(PolicySchema, ['id']));

const teamFields = {
  name: Name,
  kind: Opt(Type.Union([Type.Literal('team'), Type.Literal('embassy')])),
  members: Opt(Type.Array(Type.Object({ user: Login, role: Opt(Role) }, strict), { maxItems: 1000 })),
  ...queuePatchFields,
};
export const TeamCreateBody = Type.Object({ id: Id, ...teamFields }, strict);
export const TeamPatchBody = Type.Object({ ...teamFields, name: Opt(Name) }, strict);

const skillFields = {
  name: Name,
  parent: Opt(Nullable(Id)),
  rank: Opt(Type.Integer({ minimum: 1, maximum: 10_000, description: 'position among the root skills, 1 = highest (E8)' })),
};
export const SkillCreateBody = Type.Object({ id: Id, ...skillFields }, strict);
export const SkillPatchBody = Type.Object({ ...skillFields, name: Opt(Name) }, strict);

export const IssueCreateBody = IssueSchema;
export const IssuePatchBody = Type.Partial(Type.Omit(IssueSchema, ['code']));

export const SitePatchBody = SiteSchema;

export const ImportBody = Type.Object({ yaml: Type.String({ minLength: 1, maxLength: 2_000_000 }) }, strict);

export const IdParams = Type.Object({ id: Id });
export const LoginParams = Type.Object({ login: Login });
export const CodeParams = Type.Object({ code: Id });

// ---- Views ----

export const QueueView = Type.Object({
  algorithm: Type.String(),
  offerTimeoutSeconds: Type.Integer(),
  persistent: Type.Boolean(),
  waiting: Type.Object({ action: Type.String(), afterSeconds: Type.Integer(), overflowQueue: Nullable(Type.String()) }),
});

export const PolicyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  ...Object.fromEntries(Object.entries(DEFAULT_POLICY).map(([key, value]) => [key, typeof value === 'number' ? Type.Integer() : Type.Boolean()])),
});

export const UserView = Type.Object({
  id: Type.String(),
  login: Type.String(),
  displayName: Type.String(),
  displayNumber: Type.Integer(),
  policy: Type.String(),
  admin: Type.Boolean(),
  showOnRepList: Type.Boolean(),
  disabled: Type.Boolean(),
  skills: Type.Object({ preferred: Type.Array(Type.String()), ignored: Type.Array(Type.String()) }),
  teams: Type.Array(Type.Object({ team: Type.String(), role: Type.String() })),
  /** A6 */
  state: Type.String(),
  sessionCount: Type.Integer(),
});

export const TeamView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  members: Type.Array(Type.Object({ user: Type.String(), role: Type.String() })),
  ...QueueView.properties,
});

export const SkillView = Type.Object({ id: Type.String(), name: Type.String(), parent: Nullable(Type.String()), rank: Nullable(Type.Integer()) });

export const IssueView = Type.Object({
  code: Type.String(),
  title: Type.String(),
  description: Type.String(),
  team: Type.String(),
  skills: Type.Array(Type.String()),
  priority: Type.Integer(),
  showOnPortal: Type.Boolean(),
});

export const SiteView = Type.Object({
  siteName: Type.String(),
  generalQueueEnabled: Type.Boolean(),
  fallbackQueue: Nullable(Type.String()),
  fallbackRulesEnabled: Type.Boolean(),
  repGraceSeconds: Type.Integer(),
  customerGraceSeconds: Type.Integer(),
  maxOverflowMoves: Type.Integer(),
  maxWaitSeconds: Type.Integer(),
  allowedOrigins: Type.Array(Type.String()),
  customerNotice: Type.String(),
  // Browser sharing in click-to-chat sessions (docs/cobrowse.md).
  cobrowseEnabled: Type.Boolean(),
  cobrowseMaskSelector: Type.String(),
  cobrowseBudgetMegabytes: Type.Integer(),
  cobrowseStoreRecordings: Type.Boolean(),
  cobrowseRetentionDays: Type.Integer(),
});

/** Q3, C7: sessions a change moved out of the general queue it switched off, and where to (a queue as the configuration names it). */
export const GeneralQueueMoveView = Nullable(Type.Object({ sessionIds: Type.Array(Type.String()), toQueue: Type.String() }));

export const ConfigIssueView = Type.Object({
  path: Type.String(),
  message: Type.String(),
  line: Opt(Type.Integer()),
  column: Opt(Type.Integer()),
});

/** What every change answers besides the entity: its audit rows, and warnings (W3). */
export const changeFields = {
  changeId: Nullable(Type.String()),
  changes: Type.Array(Type.Object({ entity: Type.String(), id: Type.String(), before: Type.Unknown(), after: Type.Unknown() })),
  warnings: Type.Array(ConfigIssueView),
};

export const ChangeReply = Type.Object(changeFields);

export const AuditEntryView = Type.Object({
  seq: Type.Integer(),
  changeId: Type.String(),
  at: Type.Number(),
  actor: Type.Object({ id: Type.String(), login: Type.String() }),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});

/** A 400 for a configuration file: every problem with its path (and line). */
export const ConfigErrorReply = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), field: Opt(Type.String()) }),
  errors: Type.Array(ConfigIssueView),
});

export const adminErrors = errorResponses;
export const tags = ['admin'];
