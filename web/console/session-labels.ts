import type { RepQueue, SessionView } from '../shared/api-types.js';

/** How the console names a queue: the rep's own queue reads as theirs. */
export function queueTitle(queue: Pick<RepQueue, 'kind' | 'name'>): string {
  if (queue.kind === 'personal' || queue.kind === 'rep') return 'My personal queue';
  return queue.name;
}

const KIND_ORDER: Record<string, number> = { personal: 0, rep: 0, team: 1, embassy: 2, general: 3 };

export function queueOrder(a: RepQueue, b: RepQueue): number {
  return (KIND_ORDER[a.kind] ?? 4) - (KIND_ORDER[b.kind] ?? 4);
}

const ORIGIN_WORDS: Record<string, string> = {
  session_key: 'Session key',
  issue: 'Issue form',
  rep_list: 'Representative list',
  button: 'Support button',
  chat: 'Click-to-chat',
  api: 'API',
};

/** What the customer asked about: the issue, else how they came in. */
export function sessionTopic(session: SessionView): string {
  return session.issue?.title ?? originLabel(session.origin);
}

/** L4: how the session came in (session key, issue form, …). */
export function originLabel(origin: string): string {
  return ORIGIN_WORDS[origin] ?? origin.replaceAll('_', ' ');
}

/** C5: click-to-chat and portal chat sessions are marked as such in every list. */
export function isChatSession(session: Pick<SessionView, 'clientType'>): boolean {
  return session.clientType === 'chat';
}

const TARGET_KIND_WORDS: Record<string, string> = {
  team: 'Team',
  embassy: 'Embassy',
  general: 'General queue',
  personal: 'Representative',
};

/** T3: what kind of transfer target a queue is. */
export function targetKindLabel(kind: string): string {
  return TARGET_KIND_WORDS[kind] ?? kind;
}

/** A rep's personal queue is named "<rep> (personal)" by the server; the console names the rep. */
export function targetName(target: { kind: string; name: string }): string {
  return target.kind === 'personal' ? target.name.replace(/ \(personal\)$/, '') : target.name;
}

const STATE_WORDS: Record<SessionView['state'], string> = { waiting: 'Waiting', active: 'Active', ended: 'Ended' };

export function stateLabel(state: SessionView['state']): string {
  return STATE_WORDS[state];
}

const END_WORDS: Record<string, string> = {
  completed: 'ended by a representative',
  abandoned: 'the customer left',
  no_rep: 'no representative was available',
  expired: 'it waited too long',
  canceled: 'canceled',
};

export function endReasonLabel(reason: string | null): string {
  return reason ? (END_WORDS[reason] ?? reason.replaceAll('_', ' ')) : 'ended';
}

/** The customer's name, or a stand-in when they gave none (session keys make it optional). */
export function customerLabel(session: Pick<SessionView, 'customerName'>): string {
  return session.customerName.trim() || 'Unnamed customer';
}
