import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { LobbyEvent, RepSocketMessage } from '../shared/api-types.js';
import { openLiveSocket, type LiveSocketStatus } from '../shared/live-socket.js';

/**
 * An event the rep may see, or null: "you may have missed events, read everything again"
 * (after every `hello`: the first connection and each reconnect).
 */
export type RepEventListener = (event: LobbyEvent | null) => void;

/** `reconnecting`: the connection was open once and dropped. */
export type RepFeedStatus = LiveSocketStatus | 'reconnecting';

/** A browser-sharing message on the feed (`cobrowse.state`, `.frame`, `.catchup`, `.error`; docs/cobrowse.md). */
export type CobrowseMessage = { type: string; sessionId?: string } & Record<string, unknown>;
export type CobrowseListener = (message: CobrowseMessage) => void;

interface RepEvents {
  subscribe(listener: RepEventListener): () => void;
  status: RepFeedStatus;
  /** Browser sharing rides on the same socket: its messages, and a way to send. */
  subscribeCobrowse(listener: CobrowseListener): () => void;
  send(message: unknown): void;
}

const RepEventsContext = createContext<RepEvents | null>(null);

function isRepMessage(data: unknown): data is RepSocketMessage {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : null;
  return type === 'hello' || type === 'event';
}

function isCobrowseMessage(data: unknown): data is CobrowseMessage {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : null;
  return typeof type === 'string' && type.startsWith('cobrowse.');
}

/**
 * Holds the console's one live connection (/ws/rep). While it is open the rep counts as
 * logged in (A1). After a reconnect it asks to resume from the last event seen; after
 * every `hello` it tells every listener to read afresh, so nothing missed stays missing.
 */
export function RepEventsProvider({ children, onDisconnected }: { children: ReactNode; onDisconnected(): void }) {
  const listeners = useRef(new Set<RepEventListener>());
  const cobrowseListeners = useRef(new Set<CobrowseListener>());
  const sendRef = useRef<(message: unknown) => void>(() => undefined);
  const [status, setStatus] = useState<RepFeedStatus>('connecting');
  const [value, setValue] = useState<RepEvents | null>(null);
  const disconnected = useRef(onDisconnected);
  disconnected.current = onDisconnected;

  useEffect(() => {
    let lastSeq: number | null = null;
    let wasOpen = false;
    let open = false;
    const notify = (event: LobbyEvent | null) => {
      for (const listener of listeners.current) listener(event);
    };
    const connect = () =>
      openLiveSocket({
        path: '/ws/rep',
        onMessage(data) {
          if (isCobrowseMessage(data)) {
            for (const listener of cobrowseListeners.current) listener(data);
            return;
          }
          if (!isRepMessage(data)) return;
          if (data.type === 'hello') {
            if (lastSeq === null) lastSeq = data.seq;
            // The feed carries only what happens after `hello`: whatever listeners read before
            // it (the first page load races the connection) may miss what connecting itself
            // changed, such as the rep's state or an offer made at login. Read again.
            notify(null);
            return;
          }
          lastSeq = Math.max(lastSeq ?? 0, data.event.seq);
          notify(data.event);
        },
        onOpen(ws) {
          // The server's `hello` follows, and with it a fresh read (above). A socket opened
          // after an earlier one (a retry, or a fresh start below) resumes where that one stopped.
          if (wasOpen && lastSeq !== null) ws.send({ type: 'resume', afterSeq: lastSeq });
        },
        onStatus(next) {
          open = next === 'open';
          if (open) wasOpen = true;
          setStatus(next !== 'open' && wasOpen ? 'reconnecting' : next);
          if (next === 'closed') disconnected.current();
        },
      });
    let socket = connect();
    sendRef.current = (message) => socket.send(message);
    // Back online, or the phone woke up: try at once instead of waiting out the backoff
    // (A1: a reconnect within the grace period keeps the rep's sessions).
    const retryNow = () => {
      if (open || document.visibilityState === 'hidden') return;
      socket.close();
      socket = connect();
    };
    window.addEventListener('online', retryNow);
    document.addEventListener('visibilitychange', retryNow);
    return () => {
      window.removeEventListener('online', retryNow);
      document.removeEventListener('visibilitychange', retryNow);
      socket.close();
    };
  }, []);

  useEffect(() => {
    setValue({
      status,
      subscribe(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
      subscribeCobrowse(listener) {
        cobrowseListeners.current.add(listener);
        return () => cobrowseListeners.current.delete(listener);
      },
      send: (message) => sendRef.current(message),
    });
  }, [status]);

  return value ? <RepEventsContext.Provider value={value}>{children}</RepEventsContext.Provider> : null;
}

export function useRepEventsStatus(): RepFeedStatus {
  return useContext(RepEventsContext)?.status ?? 'connecting';
}

/** Calls `listener` for every rep event (and null after a reconnect) while mounted. */
export function useRepEvents(listener: RepEventListener): void {
  const events = useContext(RepEventsContext);
  const current = useRef(listener);
  current.current = listener;
  useEffect(() => events?.subscribe((event) => current.current(event)), [events]);
}

/** The feed's browser-sharing side: calls `listener` for each `cobrowse.*` message while mounted; returns a send. */
export function useCobrowseFeed(listener: CobrowseListener): (message: unknown) => void {
  const events = useContext(RepEventsContext);
  const current = useRef(listener);
  current.current = listener;
  const latest = useRef(events);
  latest.current = events;
  useEffect(() => events?.subscribeCobrowse((message) => current.current(message)), [events]);
  // Stable, so that watching does not restart whenever the connection's status changes.
  return useCallback((message: unknown) => latest.current?.send(message), []);
}
