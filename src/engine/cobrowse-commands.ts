/**
 * Browser sharing's control steps (docs/cobrowse.md), each one small command under the
 * routing lock that appends one event: a rep asks, the customer consents or declines,
 * either side stops, the relay reports the byte budget reached. The page itself never
 * passes through here: the relay (cobrowse-relay.ts) carries it in memory.
 */
import { LobbyError } from '../core/errors.js';
import { decideCobrowse, foldCobrowse, COBROWSE_EVENT_TYPES, type CobrowseState, type CobrowseStep } from '../core/cobrowse-rules.js';
import type { SessionRow } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { sessionEvents } from '../store/queries/events.js';
import { findSession, participantsOf } from '../store/queries/sessions.js';
import { findUser, siteSettings } from '../store/queries/directory.js';
import type { CommandContext } from './command-runner.js';
import { loadLiveSession } from './session-commands.js';

export type CobrowseActor = { kind: 'rep'; repId: string } | { kind: 'customer' } | { kind: 'system' };

/** The session's sharing state, folded from its control events (a read: no lock). */
export async function readCobrowseState(db: Db, sessionId: string): Promise<CobrowseState> {
  return foldCobrowse(await sessionEvents(db, sessionId, [...COBROWSE_EVENT_TYPES]));
}

/** Sharing exists only in a click-to-chat session that a rep owns (C5): the widget is what records. */
function checkSharable(session: SessionRow): void {
  if (session.client_type !== 'chat') {
    throw new LobbyError('unavailable', 'Browser sharing is only available in click-to-chat sessions.');
  }
  if (session.state !== 'active') throw new LobbyError('conflict', 'Browser sharing starts once a representative has accepted the chat.');
}

async function checkRepInSession(ctx: CommandContext, repId: string, sessionId: string): Promise<void> {
  const participants = await participantsOf(ctx.tx, sessionId);
  if (!participants.some((p) => p.user_id === repId)) throw new LobbyError('not_in_session', 'You are not in that session.');
}

/** Applies one step: appends its event, or refuses it; a step that changes nothing appends nothing. */
async function step(ctx: CommandContext, session: SessionRow, cobrowseStep: CobrowseStep, repId: string | null, data: Record<string, unknown> = {}) {
  const state = await readCobrowseState(ctx.tx, session.id);
  const decision = decideCobrowse(state, cobrowseStep);
  if (decision.kind === 'refuse') throw new LobbyError('conflict', decision.message);
  if (decision.kind === 'nothing') return null;
  return ctx.emit({ type: decision.type, sessionId: session.id, repId, data: { ...decision.data, ...data } });
}

/** A rep in the session asks to see the customer's page. */
export async function requestCobrowse(ctx: CommandContext, repId: string, sessionId: string) {
  const session = await loadLiveSession(ctx, sessionId);
  await checkRepInSession(ctx, repId, sessionId);
  checkSharable(session);
  if (!(await siteSettings(ctx.tx)).cobrowseEnabled) {
    throw new LobbyError('unavailable', 'Browser sharing is switched off for this site.');
  }
  const name = (await findUser(ctx.tx, repId))?.display_name ?? 'Representative';
  return step(ctx, session, { kind: 'request' }, repId, { name });
}

/** The customer answers a request in the widget. */
export async function answerCobrowse(ctx: CommandContext, sessionId: string, consent: boolean) {
  const session = await loadLiveSession(ctx, sessionId);
  checkSharable(session);
  return step(ctx, session, { kind: consent ? 'consent' : 'decline' }, null);
}

/** The customer (the banner's button) or a rep in the session stops sharing, or withdraws a request. */
export async function stopCobrowse(ctx: CommandContext, sessionId: string, by: CobrowseActor) {
  const session = await loadLiveSession(ctx, sessionId);
  if (by.kind === 'rep') await checkRepInSession(ctx, by.repId, sessionId);
  return step(ctx, session, { kind: 'stop', by: by.kind }, by.kind === 'rep' ? by.repId : null);
}

/**
 * The session left its reps (transferred, back in a queue, taken over by a lead) while
 * sharing was on or asked for: the customer consented to the reps who were in it, so sharing
 * stops, even if another rep has taken it since. `movedAtSeq` is the move's event: a request
 * made after it stands. Ended sessions need nothing: sharing dies with them.
 */
export async function stopCobrowseAfterMove(ctx: CommandContext, sessionId: string, movedAtSeq: number) {
  const session = await findSession(ctx.tx, sessionId);
  if (!session || session.state === 'ended') return null;
  if ((await readCobrowseState(ctx.tx, sessionId)).seq > movedAtSeq) return null;
  return step(ctx, session, { kind: 'stop', by: 'system', reason: 'session_moved' }, null);
}

/** The relay counted the session's byte budget used up: sharing stops for good in this session. */
export async function cobrowseBudgetReached(ctx: CommandContext, sessionId: string, usedBytes: number, budgetBytes: number) {
  const session = await findSession(ctx.tx, sessionId);
  if (!session || session.state === 'ended') return null;
  return step(ctx, session, { kind: 'budget' }, null, { usedBytes, budgetBytes });
}
