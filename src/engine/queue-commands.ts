/** Q8 (get next) and T1–T2 (transfer). */
import { LobbyError } from '../core/errors.js';
import { compareQueueOrder } from '../core/queue-order.js';
import { GENERAL_QUEUE_ID, personalQueueId } from '../core/site-settings.js';
import { findQueue, policyOf, siteSettings } from '../store/queries/directory.js';
import { participantsOf, waitingInQueues } from '../store/queries/sessions.js';
import type { CommandContext } from './command-runner.js';
import { runEquilibrium } from './equilibrium-run.js';
import { enterQueue } from './queue-moves.js';
import { acceptSession, loadLiveSession, repQueueIds } from './session-commands.js';

/**
 * Q8: the first waiting session by Q4 order in the rep's personal queue, else across
 * their team queues. Null when there is none.
 */
export async function getNext(ctx: CommandContext, repId: string) {
  const policy = await policyOf(ctx.tx, repId);
  if (!policy.canGetNext) throw new LobbyError('forbidden', 'Your policy does not allow "get next".');
  const visible = await repQueueIds(ctx, repId);
  const personal = personalQueueId(repId);
  const teams = visible.filter((q) => q !== personal && q !== GENERAL_QUEUE_ID);
  for (const queues of [[personal], teams]) {
    const [first] = (await waitingInQueues(ctx.tx, queues, 1)).sort((a, b) =>
      compareQueueOrder(
        { id: a.id, priority: a.priority, waitingSince: a.waiting_since },
        { id: b.id, priority: b.priority, waitingSince: b.waiting_since },
      ),
    );
    if (first) return acceptSession(ctx, repId, first.id);
  }
  return null;
}

export type TransferActor = { kind: 'rep'; repId: string } | { kind: 'api' };

/**
 * T1, T2: the owner (or a lead or manager of one of the owner's teams, or the API) moves an
 * active session into a queue; a rep may also move a waiting session from a queue they
 * see. The session waits there from now, keeping its waiting-since (Q4), with exclusions
 * cleared (E6), and the target's routing applies at once.
 */
export async function transferSession(ctx: CommandContext, actor: TransferActor, sessionId: string, targetQueueId: string) {
  const session = await loadLiveSession(ctx, sessionId);
  const target = await findQueue(ctx.tx, targetQueueId);
  if (!target) throw new LobbyError('not_found', 'That transfer target does not exist.', 'queueId');
  if (target.id === session.queue_id) throw new LobbyError('invalid_input', 'The session is already in that queue.', 'queueId');
  // Q3, Q6: nobody sees a switched-off general queue, so a session moved there would wait unseen.
  if (target.kind === 'general' && !(await siteSettings(ctx.tx)).generalQueueEnabled) {
    throw new LobbyError('conflict', 'The general queue is switched off: choose another queue.', 'queueId');
  }
  if (actor.kind === 'rep') {
    await checkTransferAllowed(ctx, actor.repId, session, target);
  }
  const moved = await enterQueue(ctx, session, target.id, {
    eventType: 'session.transferred',
    data: { by: actor.kind === 'rep' ? actor.repId : 'api' },
    repId: actor.kind === 'rep' ? actor.repId : null,
  });
  await runEquilibrium(ctx);
  return moved;
}

async function checkTransferAllowed(
  ctx: CommandContext,
  repId: string,
  session: { id: string; state: string; queue_id: string | null; owner_id: string | null },
  target: { id: string; kind: string; user_id: string | null },
): Promise<void> {
  if (session.state === 'waiting') {
    const visible = await repQueueIds(ctx, repId);
    if (session.queue_id === null || !visible.includes(session.queue_id)) {
      throw new LobbyError('forbidden', 'You cannot move sessions out of that queue.');
    }
  } else if (session.owner_id !== repId && !(await leadsOwner(ctx, repId, session.owner_id))) {
    const joined = (await participantsOf(ctx.tx, session.id)).some((p) => p.user_id === repId);
    throw new LobbyError('forbidden', joined ? 'Only the owner of the session can transfer it.' : 'You are not in that session.');
  }
  const policy = await policyOf(ctx.tx, repId);
  const allowed =
    (target.kind === 'team' && policy.canTransferToTeams) ||
    (target.kind === 'embassy' && policy.canTransferToEmbassies) ||
    (target.kind === 'general' && policy.canTransferToGeneral) ||
    (target.kind === 'personal' && policy.canTransferToReps);
  if (!allowed) throw new LobbyError('forbidden', `Your policy does not allow transfers to ${target.kind === 'personal' ? 'reps' : `${target.kind} queues`}.`, 'queueId');
}

/** T1: a lead or manager of a team the owner belongs to. */
async function leadsOwner(ctx: CommandContext, repId: string, ownerId: string | null): Promise<boolean> {
  if (ownerId === null) return false;
  const row = await ctx.tx
    .selectFrom('team_members as mine')
    .innerJoin('team_members as theirs', 'theirs.team_id', 'mine.team_id')
    .select('mine.team_id')
    .where('mine.user_id', '=', repId)
    .where('mine.role', 'in', ['lead', 'manager'])
    .where('theirs.user_id', '=', ownerId)
    .executeTakeFirst();
  return row !== undefined;
}
