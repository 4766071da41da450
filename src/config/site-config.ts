/**
 * The site configuration file (SPEC I3): one YAML document that describes a whole site.
 * `SiteConfigSchema` is the shape of the file as people write it (most fields optional);
 * `NormalizedSiteConfig` is the same shape with every default filled in, which is what
 * validation hands to the importer and what the exporter writes back out, so that an
 * export states every setting explicitly. docs/configuration.md describes each field.
 */
import { Type, type Static, type TInteger, type TSchema } from '@sinclair/typebox';
import type { PolicySettings } from '../core/policy.js';
import type { SiteSettings } from '../core/site-settings.js';

/** Current file format. Written by every export, so that a later format can tell. */
export const CONFIG_VERSION = 1;

/** Key of the `site_settings` row holding the whole SiteSettings object as JSON. */
export const SITE_SETTINGS_KEY = 'site';

// Ids appear inside queue ids (`team:<id>`, `rep:<login>`), URLs and logs, so they are
// kept to a plain lowercase alphabet without `:`.
export const Id = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
  description: 'must be 1-64 lowercase letters, digits, "-" or "_", starting with a letter or digit',
});
export const Login = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
  description: 'must be 1-64 lowercase letters, digits, ".", "-" or "_", starting with a letter or digit',
});
export const Name = Type.String({ minLength: 1, maxLength: 100 });
const Int = (minimum: number, maximum: number): TInteger => Type.Integer({ minimum, maximum });
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);
const strict = { additionalProperties: false } as const;

/** `general`, a team or embassy id, or `rep:<login>`. Resolved by validation. */
export const QueueRef = Type.String({ minLength: 1, maxLength: 80 });

const WaitingSchema = Type.Object(
  {
    action: Opt(Type.Union([Type.Literal('none'), Type.Literal('mark'), Type.Literal('transfer')])),
    afterSeconds: Opt(Type.Integer({ minimum: 10, maximum: 86_400 })),
    overflowQueue: Opt(QueueRef),
  },
  strict,
);

/** Routing (SPEC section 5), waiting rule (section 6) and Q5, shared by teams and the general queue. */
const queueFields = {
  algorithm: Opt(
    Type.Union([Type.Literal('none'), Type.Literal('least_busy'), Type.Literal('skills_least_busy')]),
  ),
  offerTimeoutSeconds: Opt(Type.Integer({ minimum: 5, maximum: 600 })),
  persistent: Opt(Type.Boolean()),
  waiting: Opt(WaitingSchema),
};

export const PolicySchema = Type.Object(
  {
    id: Id,
    name: Opt(Name),
    maxSessions: Opt(Int(0, 100)),
    idleMinutes: Opt(Int(0, 1440)),
    unavailableWhenLocked: Opt(Type.Boolean()),
    canOptOut: Opt(Type.Boolean()),
    autoAssignOnLogin: Opt(Type.Boolean()),
    missedOffersBeforeOptOut: Opt(Int(0, 100)),
    canSeeGeneralQueue: Opt(Type.Boolean()),
    canAcceptFromTeamQueues: Opt(Type.Boolean()),
    canGetNext: Opt(Type.Boolean()),
    canBeListed: Opt(Type.Boolean()),
    canGenerateSessionKeys: Opt(Type.Boolean()),
    canTransferToTeams: Opt(Type.Boolean()),
    canTransferToReps: Opt(Type.Boolean()),
    canTransferToGeneral: Opt(Type.Boolean()),
    canTransferToEmbassies: Opt(Type.Boolean()),
  },
  strict,
);

const UserSchema = Type.Object(
  {
    login: Login,
    displayName: Name,
    displayNumber: Int(1, 99_999),
    policy: Id,
    admin: Opt(Type.Boolean()),
    showOnRepList: Opt(Type.Boolean()),
    disabled: Opt(Type.Boolean()),
    password: Opt(Type.String({ minLength: 1, maxLength: 200 })),
    passwordHash: Opt(Type.String({ minLength: 1, maxLength: 500 })),
    skills: Opt(Type.Object({ preferred: Opt(Type.Array(Id)), ignored: Opt(Type.Array(Id)) }, strict)),
  },
  strict,
);

const TeamSchema = Type.Object(
  {
    id: Id,
    name: Name,
    kind: Opt(Type.Union([Type.Literal('team'), Type.Literal('embassy')])),
    members: Opt(
      Type.Array(
        Type.Object(
          { user: Login, role: Opt(Type.Union([Type.Literal('member'), Type.Literal('lead'), Type.Literal('manager')])) },
          strict,
        ),
      ),
    ),
    ...queueFields,
  },
  strict,
);

const SkillSchema = Type.Object({ id: Id, name: Name, parent: Opt(Id) }, strict);

export const IssueSchema = Type.Object(
  {
    code: Id,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Opt(Type.String({ maxLength: 2000 })),
    team: Id,
    skills: Opt(Type.Array(Id)),
    priority: Opt(Int(-100, 100)),
    showOnPortal: Opt(Type.Boolean()),
  },
  strict,
);

export const SiteSchema = Type.Object(
  {
    siteName: Opt(Name),
    generalQueueEnabled: Opt(Type.Boolean()),
    fallbackQueue: Opt(Type.Union([QueueRef, Type.Null()])),
    fallbackRulesEnabled: Opt(Type.Boolean()),
    repGraceSeconds: Opt(Int(0, 3600)),
    customerGraceSeconds: Opt(Int(0, 3600)),
    maxOverflowMoves: Opt(Int(1, 1000)),
    maxWaitSeconds: Opt(Int(0, 604_800)),
    allowedOrigins: Opt(
      Type.Array(
        Type.String({
          pattern: '^https?://[^/\\s]+$',
          description: 'must be an origin such as https://www.example.com (scheme and host, no path)',
        }),
      ),
    ),
    customerNotice: Opt(Type.String({ maxLength: 1000 })),
    cobrowseEnabled: Opt(Type.Boolean()),
    cobrowseMaskSelector: Opt(Type.String({ maxLength: 500 })),
    cobrowseBudgetMegabytes: Opt(Int(1, 1024)),
    cobrowseStoreRecordings: Opt(Type.Boolean()),
    cobrowseRetentionDays: Opt(Int(1, 3650)),
  },
  strict,
);

export const SiteConfigSchema = Type.Object(
  {
    version: Opt(Type.Literal(CONFIG_VERSION)),
    site: Opt(SiteSchema),
    generalQueue: Opt(Type.Object(queueFields, strict)),
    policies: Opt(Type.Array(PolicySchema)),
    users: Opt(Type.Array(UserSchema)),
    teams: Opt(Type.Array(TeamSchema)),
    skills: Opt(Type.Array(SkillSchema)),
    issues: Opt(Type.Array(IssueSchema)),
  },
  strict,
);

/** The file as written: most fields optional. */
export type SiteConfig = Static<typeof SiteConfigSchema>;

// ---- Normalized: every default applied, references checked. ----

export type RoutingAlgorithm = 'none' | 'least_busy' | 'skills_least_busy';
export type WaitingAction = 'none' | 'mark' | 'transfer';

export interface WaitingEntry {
  action: WaitingAction;
  afterSeconds: number;
  /** A queue reference (`general`, a team id, `rep:<login>`); null when none is set. */
  overflowQueue: string | null;
}

export interface QueueEntry {
  algorithm: RoutingAlgorithm;
  offerTimeoutSeconds: number;
  persistent: boolean;
  waiting: WaitingEntry;
}

export type PolicyEntry = { id: string; name: string } & PolicySettings;

export interface UserEntry {
  login: string;
  displayName: string;
  displayNumber: number;
  policy: string;
  admin: boolean;
  showOnRepList: boolean;
  disabled: boolean;
  password?: string;
  passwordHash?: string;
  skills: { preferred: string[]; ignored: string[] };
}

export type TeamRole = 'member' | 'lead' | 'manager';

export interface TeamEntry extends QueueEntry {
  id: string;
  name: string;
  kind: 'team' | 'embassy';
  members: { user: string; role: TeamRole }[];
}

export interface SkillEntry {
  id: string;
  name: string;
  /** Null for a root skill. Roots are ranked by their order in the list (first = rank 1). */
  parent: string | null;
}

export interface IssueEntry {
  code: string;
  title: string;
  description: string;
  team: string;
  skills: string[];
  priority: number;
  showOnPortal: boolean;
}

/** SiteSettings with the fallback queue written as a queue reference, like overflowQueue. */
export type SiteEntry = Omit<SiteSettings, 'fallbackQueueId'> & { fallbackQueue: string | null };

export interface NormalizedSiteConfig {
  version: typeof CONFIG_VERSION;
  site: SiteEntry;
  generalQueue: QueueEntry;
  policies: PolicyEntry[];
  users: UserEntry[];
  teams: TeamEntry[];
  skills: SkillEntry[];
  issues: IssueEntry[];
}

/** SPEC section 5 and 6 defaults. */
export const DEFAULT_QUEUE: QueueEntry = {
  algorithm: 'skills_least_busy',
  offerTimeoutSeconds: 30,
  persistent: false,
  waiting: { action: 'none', afterSeconds: 300, overflowQueue: null },
};

/** One problem in a configuration: where (`teams[1].members[0].user`) and what. */
export interface ConfigIssue {
  /** Path of the field at fault; empty for a YAML syntax error, which has a line instead. */
  path: string;
  message: string;
  /** Line in the YAML text, when the configuration came from text. */
  line?: number;
  column?: number;
}

/** `teams[1].members[0].user (line 12): unknown user "bob"`, or `line 3, column 5: …` for syntax. */
export function formatIssue(issue: ConfigIssue): string {
  let where = issue.path;
  if (issue.line !== undefined) {
    where = where !== '' ? `${where} (line ${issue.line})` : `line ${issue.line}`;
    if (issue.path === '' && issue.column !== undefined) where += `, column ${issue.column}`;
  }
  return `${where === '' ? '(root)' : where}: ${issue.message}`;
}
