import { useCallback, useState } from 'react';
import { ApiError, errorMessage } from '../shared/api.js';
import type { LobbyEvent } from '../shared/api-types.js';
import type { CreatedInvitation } from './console-types.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';

export type SentInvitationState = 'open' | 'accepted' | 'withdrawn' | 'ended';

export interface SentInvitation {
  id: string;
  sessionId: string;
  queueId: string;
  /** Who was invited: a rep's name or a team's. */
  targetName: string;
  state: SentInvitationState;
}

export interface SentInvitations {
  forSession(sessionId: string): SentInvitation[];
  add(created: CreatedInvitation, targetName: string): void;
  /** S4: withdraws an open invitation; resolves to an error sentence, or null. */
  withdraw(id: string): Promise<string | null>;
}

const STATE_OF_EVENT: Record<string, SentInvitationState> = {
  'invitation.accepted': 'accepted',
  'invitation.withdrawn': 'withdrawn',
  'invitation.ended': 'ended',
};

/**
 * S1, S4: the invitations this rep sent from this console, kept while it is open and
 * updated from the live feed as they are accepted, withdrawn or ended. (The rep API lists
 * invitations addressed to a rep, not those a rep sent; after a reload this list starts
 * empty.)
 */
export function useSentInvitations(client: RepClient): SentInvitations {
  const [sent, setSent] = useState<SentInvitation[]>([]);

  const setState = useCallback((id: string, state: SentInvitationState) => {
    setSent((current) => current.map((i) => (i.id === id && i.state !== state ? { ...i, state } : i)));
  }, []);

  useRepEvents((event: LobbyEvent | null) => {
    const state = event ? STATE_OF_EVENT[event.type] : undefined;
    const id = (event?.data as { invitationId?: unknown } | null)?.invitationId;
    if (state && typeof id === 'string') setState(id, state);
  });

  const add = useCallback((created: CreatedInvitation, targetName: string) => {
    setSent((current) => [
      ...current.filter((i) => i.id !== created.id),
      { id: created.id, sessionId: created.sessionId, queueId: created.queueId, targetName, state: 'open' },
    ]);
  }, []);

  const withdraw = useCallback(
    async (id: string) => {
      try {
        await client.post(`/api/rep/invitations/${encodeURIComponent(id)}/withdraw`);
        setState(id, 'withdrawn');
        return null;
      } catch (err) {
        // Accepted or ended meanwhile: the server says which; the live feed corrects the state.
        if (err instanceof ApiError && err.code === 'not_waiting') setState(id, /accepted/.test(err.message) ? 'accepted' : 'ended');
        return errorMessage(err);
      }
    },
    [client, setState],
  );

  const forSession = useCallback((sessionId: string) => sent.filter((i) => i.sessionId === sessionId), [sent]);

  return { forSession, add, withdraw };
}
