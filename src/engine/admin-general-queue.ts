/**
 * Switching the general queue off (Q3, C7; docs/admin.md): the sessions waiting in it move
 * to the site's fallback queue in the same transaction as the change, each with a
 * `session.requeued` event (so consoles and the customer's page update) and an audit row
 * under the change's id. The rule is core/general-queue-closing.ts.
 */
import { LobbyError } from '../core/errors.js';
import { planGeneralQueueClosing } from '../core/general-queue-closing.js';
import { GENERAL_QUEUE_ID } from '../core/site-settings.js';
import { ConfigError } from '../config/import-config.js';
import type { NormalizedSiteConfig } from '../config/site-config.js';
import type { Db } from '../store/store.js';
import { siteSettings } from '../store/queries/directory.js';
import type { AdminActor, EntityChange } from './admin-audit.js';
import type { CommandContext } from './command-runner.js';
import { enterQueue } from './queue-moves.js';

export interface GeneralQueueMove {
  /** The moved sessions, in the order they were waiting (Q4). */
  sessionIds: string[];
  /** Where they went, as the configuration names queues (a team id, `rep:<login>`). */
  toQueue: string;
  /** One audit row per moved session. */
  changes: EntityChange[];
}

/** Sessions waiting in the general queue, in Q4 order. */
export function waitingInGeneralQueue(db: Db) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('state', '=', 'waiting')
    .where('queue_id', '=', GENERAL_QUEUE_ID)
    .orderBy('priority', 'desc')
    .orderBy('waiting_since')
    .orderBy('id')
    .execute();
}

/** How many sessions wait in the general queue: what the admin page warns of before saving. */
export async function generalQueueWaitingCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('state', '=', 'waiting')
    .where('queue_id', '=', GENERAL_QUEUE_ID)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Runs after the new configuration is written (so the fallback queue is the one now in
 * force) and before live routing is reconciled (so Equilibrium sees the sessions in their
 * new queue). Throws — and so changes nothing — when they have nowhere to go.
 */
export async function closeGeneralQueue(
  ctx: CommandContext,
  actor: AdminActor,
  changeId: string,
  before: NormalizedSiteConfig,
  after: NormalizedSiteConfig,
  wholeFile: boolean,
): Promise<GeneralQueueMove | null> {
  if (!before.site.generalQueueEnabled || after.site.generalQueueEnabled) return null;
  const waiting = await waitingInGeneralQueue(ctx.tx);
  const plan = planGeneralQueueClosing({
    wasEnabled: before.site.generalQueueEnabled,
    isEnabled: after.site.generalQueueEnabled,
    waiting: waiting.length,
    fallbackQueueId: (await siteSettings(ctx.tx)).fallbackQueueId,
  });
  if (plan.kind === 'none') return null;
  if (plan.kind === 'refuse') {
    if (wholeFile) throw new ConfigError([{ path: 'site.fallbackQueue', message: plan.message }]);
    throw new LobbyError('conflict', plan.message, 'fallbackQueue');
  }
  const toQueue = after.site.fallbackQueue ?? plan.toQueueId;
  const changes: EntityChange[] = [];
  for (const session of waiting) {
    await enterQueue(ctx, session, plan.toQueueId, {
      eventType: 'session.requeued',
      data: { rule: 'C7', reason: 'general_queue_off', by: actor.login, changeId },
    });
    changes.push({ entity: 'session', id: session.id, before: { queue: GENERAL_QUEUE_ID }, after: { queue: toQueue, reason: 'general queue switched off' } });
  }
  return { sessionIds: waiting.map((s) => s.id), toQueue, changes };
}
