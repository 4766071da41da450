import { useCallback, useRef, useState } from 'react';
import type { LobbyEvent } from '../shared/api-types.js';
import type { Invitation, RepSessionView, RepSessionsResponse, SessionDetailResponse } from './console-types.js';
import { personalQueueOf } from './console-types.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';

/**
 * Something that came to this rep in person and wants an answer:
 * - `transfer` (T4): a session was transferred (or moved) into the rep's personal queue;
 * - `personal` (Q1): a new customer waits in the rep's personal queue (session key, rep list, button);
 * - `invitation` (S1): another rep invites this rep to join a session;
 * - `owner` (S3, F1): the owner left and this rep now owns the session.
 */
export type RepAlert =
  | { kind: 'transfer' | 'personal'; key: string; sessionId: string; session: RepSessionView }
  | { kind: 'invitation'; key: string; sessionId: string; invitation: Invitation }
  | { kind: 'owner'; key: string; sessionId: string; session: RepSessionView };

/** Events after which a session no longer waits where it waited. */
const LEAVES_QUEUE = new Set(['session.accepted', 'session.ended', 'session.transferred', 'session.overflowed', 'session.requeued']);
const ENDS_INVITATION = new Set(['invitation.accepted', 'invitation.withdrawn', 'invitation.ended']);
/** Older alerts give way: a phone has room for a few. */
const MAX_ALERTS = 5;

function invitationIdOf(event: LobbyEvent): string | null {
  const id = (event.data as { invitationId?: unknown } | null)?.invitationId;
  return typeof id === 'string' ? id : null;
}

export interface RepAlerts {
  alerts: readonly RepAlert[];
  dismiss(key: string): void;
}

/**
 * T4, S1, S3: watches the live feed for what concerns this rep in person and keeps a short
 * list of alerts; `onAlert` runs once per new alert (sound, system notification). An alert
 * goes away by itself once it no longer applies (the session was taken, the invitation
 * ended). Events replayed after a reconnect alert once: they are known by their sequence.
 */
export function useRepAlerts(client: RepClient, repId: string, onAlert: (alert: RepAlert) => void): RepAlerts {
  const [alerts, setAlerts] = useState<RepAlert[]>([]);
  const personal = personalQueueOf(repId);
  /** Sessions created straight into the personal queue: new customers, not transfers. */
  const created = useRef(new Set<string>());
  const seen = useRef(new Set<number>());
  const notify = useRef(onAlert);
  notify.current = onAlert;

  /** Every alert raised, by key: each is raised (and heard) once. */
  const raised = useRef(new Set<string>());
  const add = useCallback((alert: RepAlert) => {
    if (raised.current.has(alert.key)) return;
    raised.current.add(alert.key);
    setAlerts((current) =>
      [...current.filter((a) => a.sessionId !== alert.sessionId || a.kind !== alert.kind), alert].slice(-MAX_ALERTS),
    );
    notify.current(alert);
  }, []);

  const remove = useCallback((match: (alert: RepAlert) => boolean) => {
    setAlerts((current) => (current.some(match) ? current.filter((a) => !match(a)) : current));
  }, []);

  const readSession = useCallback(
    async (sessionId: string): Promise<RepSessionView | null> => {
      try {
        return (await client.get<SessionDetailResponse>(`/api/rep/sessions/${encodeURIComponent(sessionId)}`)).session;
      } catch {
        return null; // Gone or no longer visible: nothing to alert about.
      }
    },
    [client],
  );

  const readInvitations = useCallback(async (): Promise<Invitation[] | null> => {
    try {
      return (await client.get<{ invitations: Invitation[] }>('/api/rep/invitations')).invitations;
    } catch {
      return null;
    }
  }, [client]);

  /** After a reconnect: drop what stopped applying while the feed was away. */
  const recheck = useCallback(async () => {
    let waiting: Set<string>;
    let mine: Set<string>;
    try {
      const sessions = await client.get<RepSessionsResponse>('/api/rep/sessions');
      waiting = new Set(sessions.waiting.filter((s) => s.queueId === personal).map((s) => s.id));
      mine = new Set(sessions.mine.filter((s) => s.ownerId === repId).map((s) => s.id));
    } catch {
      return;
    }
    const invitations = await readInvitations();
    const open = invitations ? new Set(invitations.map((i) => i.id)) : null;
    remove((a) => {
      if (a.kind === 'transfer' || a.kind === 'personal') return !waiting.has(a.sessionId);
      if (a.kind === 'owner') return !mine.has(a.sessionId);
      if (a.kind === 'invitation') return open !== null && !open.has(a.invitation.id);
      return false;
    });
  }, [client, personal, repId, readInvitations, remove]);

  useRepEvents((event) => {
    if (event === null) {
      void recheck();
      return;
    }
    /** Whether this event is seen for the first time (a resume may send it again). */
    const firstTime = () => {
      if (seen.current.has(event.seq)) return false;
      seen.current.add(event.seq);
      return true;
    };
    const sessionId = event.sessionId;
    if (!sessionId) return;

    if (event.type === 'session.created' && event.queueId === personal) {
      created.current.add(sessionId);
    } else if (event.type === 'session.queued') {
      if (event.queueId !== personal) {
        remove((a) => (a.kind === 'transfer' || a.kind === 'personal') && a.sessionId === sessionId);
        return;
      }
      if (!firstTime()) return;
      const kind = created.current.has(sessionId) ? 'personal' : 'transfer';
      void readSession(sessionId).then((session) => {
        if (session?.state === 'waiting' && session.queueId === personal) add({ kind, key: `${kind}:${event.seq}`, sessionId, session });
      });
    } else if (LEAVES_QUEUE.has(event.type)) {
      remove((a) => (a.kind === 'transfer' || a.kind === 'personal') && a.sessionId === sessionId);
      if (event.type === 'session.ended' || event.type === 'session.transferred') remove((a) => a.sessionId === sessionId);
    } else if (event.type === 'invitation.created' && event.queueId === personal && firstTime()) {
      const invitationId = invitationIdOf(event);
      void readInvitations().then((invitations) => {
        const invitation = invitations?.find((i) => i.id === invitationId);
        if (invitation) add({ kind: 'invitation', key: `invitation:${invitation.id}`, sessionId, invitation });
      });
    } else if (ENDS_INVITATION.has(event.type)) {
      const invitationId = invitationIdOf(event);
      remove((a) => a.kind === 'invitation' && a.invitation.id === invitationId);
    } else if (event.type === 'owner.changed' && event.repId === repId && firstTime()) {
      const from = (event.data as { from?: unknown } | null)?.from;
      if (from === repId) return;
      void readSession(sessionId).then((session) => {
        if (session?.state === 'active' && session.ownerId === repId) add({ kind: 'owner', key: `owner:${event.seq}`, sessionId, session });
      });
    } else if (event.type === 'participant.left' && event.repId === repId) {
      remove((a) => a.kind === 'owner' && a.sessionId === sessionId);
    }
  });

  return { alerts, dismiss: (key) => remove((a) => a.key === key) };
}
