import type { RepStateName } from '../shared/api-types.js';

const STATE_WORDS: Record<RepStateName, string> = {
  offline: 'Offline',
  available: 'Available',
  busy: 'Busy',
  idle: 'Idle',
  locked: 'Away',
  opted_out: 'Opted out',
};

const STATE_HINTS: Record<RepStateName, string> = {
  offline: 'Not connected: you get no offers.',
  available: 'You get offers for waiting sessions.',
  busy: 'At your session limit: no offers until a session ends.',
  idle: 'No activity for a while: no offers until you use the console.',
  locked: 'Away: no offers until you come back.',
  opted_out: 'Automatic assignment is off: take sessions by hand.',
};

/** A6: the rep's state as the console names it ("locked" reads as "Away", the switch that sets it). */
export function repStateLabel(state: RepStateName | string): string {
  return STATE_WORDS[state as RepStateName] ?? state.replaceAll('_', ' ');
}

export function repStateHint(state: RepStateName | string): string {
  return STATE_HINTS[state as RepStateName] ?? '';
}

export function sessionCountLabel(count: number): string {
  return count === 1 ? '1 session' : `${count} sessions`;
}
