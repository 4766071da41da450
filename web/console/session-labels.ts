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
  return session.issue?.title ?? ORIGIN_WORDS[session.origin] ?? session.origin;
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
