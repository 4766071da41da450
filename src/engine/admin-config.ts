/**
 * Admin configuration changes, applied live (SPEC I3, docs/admin.md). Each change is one
 * engine command — one transaction under the routing lock — that:
 *
 * 1. reads the whole configuration in the transaction and applies one edit to it
 *    (src/config/config-edits.ts), or takes a whole imported file;
 * 2. validates the result as a whole (validateSiteConfig), so that the admin pages, the
 *    API and the YAML file obey exactly the same rules;
 * 3. hands on the work of reps the change disables (F1–F5), then writes the configuration
 *    with the importer's own writer (applySiteConfig);
 * 4. moves the sessions waiting in a general queue it switched off (admin-general-queue.ts);
 * 5. records one audit row per changed entity (and moved session), and a `config.changed` event;
 * 6. reconciles live routing with the new rules and runs Equilibrium.
 *
 * Anything refused throws before commit, so a refused change changes nothing (X3).
 */
import { LobbyError } from '../core/errors.js';
import type { Edited } from '../config/config-edits.js';
import { readSiteConfigIn, siteConfigFile } from '../config/export-config.js';
import { ConfigError, applySiteConfig, type ImportSummary } from '../config/import-config.js';
import type { ConfigIssue, NormalizedSiteConfig } from '../config/site-config.js';
import { validateSiteConfig } from '../config/validate-config.js';
import { diffConfigs, writeAudit, type AdminActor, type EntityChange } from './admin-audit.js';
import { closeGeneralQueue } from './admin-general-queue.js';
import { reconcileAfterChange, removeRep, repStates } from './admin-reconcile.js';
import type { CommandContext } from './command-runner.js';

export interface ConfigChange {
  /** What the admin did, for the audit log: `team.update`, `config.import`, … */
  action: string;
  /** The edit, applied to the configuration as read inside the transaction. */
  edit(current: NormalizedSiteConfig): Edited;
  /**
   * True for a YAML import: reps the file disables are refused while they have live work
   * (docs/configuration.md), and errors keep their file paths. Otherwise their work falls
   * back (F1–F5) and errors name the request's fields.
   */
  wholeFile?: boolean;
  /** Hashes of new users' plain passwords (import), made before the lock. */
  hashes?: Map<string, string>;
}

export interface ConfigChangeResult {
  /** Null when the change changed nothing (and so was not recorded). */
  changeId: string | null;
  /** The configuration now in force. */
  config: NormalizedSiteConfig;
  changes: EntityChange[];
  /** Accepted, but worth telling the admin, and new with this change: an overflow cycle (W3), no admin left, … */
  warnings: ConfigIssue[];
  summary: Omit<ImportSummary, 'warnings'> | null;
  /** Sessions the change moved out of the general queue it switched off (Q3, C7), and where to. */
  moved: { sessionIds: string[]; toQueue: string } | null;
}

/**
 * A validation or refusal for one entity's change, as a 4xx naming the field of the
 * request (`waiting.overflowQueue`) when the problem lies inside the edited entity, or the
 * configuration path (`issues[2].team`) when it lies elsewhere.
 */
export function entityError(issues: ConfigIssue[], entityPath: string | null, code: 'invalid_input' | 'conflict'): LobbyError {
  const field = (path: string): string => {
    if (entityPath === null || path === '') return path;
    if (path.startsWith(`${entityPath}.`)) return path.slice(entityPath.length + 1);
    return path;
  };
  const shown = issues.slice(0, 5).map((i) => (i.path === entityPath || i.path === '' ? i.message : `${field(i.path)}: ${i.message}`));
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  const first = issues[0];
  const firstField = first && first.path !== entityPath && first.path !== '' ? field(first.path) : undefined;
  return new LobbyError(code, `${shown.join('; ')}${more}`, firstField);
}

/** Logins an edit disables: left out of the configuration, or switched to disabled. */
function newlyDisabled(before: NormalizedSiteConfig, after: NormalizedSiteConfig): string[] {
  const now = new Map(after.users.map((u) => [u.login, u]));
  return before.users.filter((u) => !u.disabled && (now.get(u.login)?.disabled ?? true)).map((u) => u.login);
}

export async function applyConfigChange(ctx: CommandContext, actor: AdminActor, change: ConfigChange): Promise<ConfigChangeResult> {
  const before = await readSiteConfigIn(ctx.tx);
  const edited = change.edit(before);
  const validated = validateSiteConfig(siteConfigFile(edited.config));
  if (!validated.ok) {
    if (change.wholeFile) throw new ConfigError(validated.errors);
    throw entityError(validated.errors, edited.path, 'invalid_input');
  }
  // Plain passwords only come with a whole file; siteConfigFile leaves them out of edits.
  const config = change.wholeFile ? edited.config : validated.config;
  if (JSON.stringify(siteConfigFile(config)) === JSON.stringify(siteConfigFile(before)) && !change.wholeFile) {
    return { changeId: null, config: before, changes: [], warnings: validated.warnings, summary: null, moved: null };
  }

  const statesBefore = await repStates(ctx);
  if (!change.wholeFile) {
    const logins = newlyDisabled(before, config);
    const users = logins.length > 0 ? await ctx.tx.selectFrom('users').select('id').where('login', 'in', logins).execute() : [];
    for (const { id } of users) await removeRep(ctx, id);
  }
  let summary: Omit<ImportSummary, 'warnings'>;
  try {
    summary = await applySiteConfig(ctx.tx, { config, hashes: change.hashes ?? new Map() }, ctx.now);
  } catch (err) {
    if (err instanceof ConfigError && !change.wholeFile) throw entityError(err.errors, edited.path, 'conflict');
    throw err;
  }

  // What is now in force, read back: the importer disables users a file leaves out, etc.
  const after = await readSiteConfigIn(ctx.tx);
  const changeId = ctx.ids.id();
  // Q3, C7: sessions waiting in a general queue just switched off go to the fallback queue.
  const moved = await closeGeneralQueue(ctx, actor, changeId, before, after, change.wholeFile === true);
  const changes = [...diffConfigs(before, after), ...(moved?.changes ?? [])];
  await writeAudit(ctx, actor, change.action, changeId, changes);
  if (changes.length > 0) {
    await ctx.emit({
      type: 'config.changed',
      repId: actor.id,
      data: { changeId, action: change.action, by: actor.login, entities: changes.map((c) => `${c.entity}:${c.id}`) },
    });
  }
  await reconcileAfterChange(ctx, before, after, statesBefore);
  // Warnings are given on what is now in force (so their paths match GET /api/admin/config),
  // and only those this change brought: a user's edit does not repeat an old overflow cycle.
  const was = validateSiteConfig(siteConfigFile(before));
  const known = new Set(was.ok ? was.warnings.map((w) => w.message) : []);
  const now = validateSiteConfig(siteConfigFile(after));
  const warnings = (now.ok ? now.warnings : validated.warnings).filter((w) => !known.has(w.message));
  return {
    changeId: changes.length > 0 ? changeId : null,
    config: after,
    changes,
    warnings,
    summary,
    moved: moved === null ? null : { sessionIds: moved.sessionIds, toQueue: moved.toQueue },
  };
}
