/**
 * Browser sharing in the widget (docs/cobrowse.md): the session's sharing channel
 * (`/ws/customer?token=…&channel=cobrowse`) says when a rep asks and whether sharing is on;
 * while it is on, the page is recorded and streamed over the same channel.
 *
 * Consent lasts until the customer or the rep stops it, or the chat ends: on the next page of
 * the same site the widget finds the same chat (its token is in sessionStorage), the channel
 * says "sharing", and recording starts again with a fresh full snapshot. The banner shows
 * the whole time it is on.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { openLiveSocket, type LiveSocket } from '../shared/live-socket.js';
import type { PageRecorder, RecorderOptions } from './cobrowse-recorder.js';

/**
 * The recorder, loaded when sharing first starts: the Lobby's own chat page, which shares
 * nothing, then never loads rrweb. A stop while it loads wins: nothing starts after it.
 */
class LazyRecorder {
  private impl: PageRecorder | null = null;
  private loading: Promise<void> | null = null;
  private wanted: string | null = null;

  constructor(private readonly options: RecorderOptions) {}

  start(mask: string): void {
    this.wanted = mask;
    if (this.impl) {
      this.impl.start(mask);
      return;
    }
    this.loading ??= import('./cobrowse-recorder.js').then(({ PageRecorder: Recorder }) => {
      this.impl = new Recorder(this.options);
    });
    this.loading
      .then(() => {
        if (this.wanted !== null) this.impl?.start(this.wanted);
      })
      .catch((err: unknown) => console.error('Lobby chat: page sharing could not start', err));
  }

  stop(): void {
    this.wanted = null;
    this.impl?.stop();
  }

  checkoutNow(): void {
    this.impl?.checkoutNow();
  }
}

export type CobrowseStatus = 'off' | 'requested' | 'sharing' | 'exhausted';
export type CobrowseNotice = 'stopped' | 'stoppedByRep' | 'budget' | 'tooLarge';

interface StateMessage {
  type: 'cobrowse.state';
  status: CobrowseStatus;
  requestedBy: string | null;
  ended: { reason: string; by: string } | null;
  session: string;
  mask: string;
}

export interface Cobrowse {
  status: CobrowseStatus;
  requestedBy: string | null;
  notice: CobrowseNotice | null;
  consent(): void;
  decline(): void;
  stop(): void;
  dismissNotice(): void;
}

function messageType(data: unknown): string | null {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : null;
  return typeof type === 'string' ? type : null;
}

/** What the customer is told when sharing ends other than by their own click. */
function noticeFor(state: StateMessage, before: CobrowseStatus): CobrowseNotice | null {
  if (state.status === 'exhausted' && before !== 'exhausted') return 'budget';
  if (before === 'sharing' && state.status === 'off' && state.ended !== null && state.ended.by !== 'customer') return 'stoppedByRep';
  return null;
}

export function useCobrowse(baseUrl: string | null, token: string | null): Cobrowse {
  const [status, setStatus] = useState<CobrowseStatus>('off');
  const [requestedBy, setRequestedBy] = useState<string | null>(null);
  const [notice, setNotice] = useState<CobrowseNotice | null>(null);
  const socketRef = useRef<LiveSocket | null>(null);
  const recorderRef = useRef<LazyRecorder | null>(null);
  /** The customer clicked stop and the server has not said "off" yet (the message may be lost in a reconnect). */
  const stopPending = useRef(false);

  useEffect(() => {
    if (!token) return undefined;
    let current: CobrowseStatus = 'off';
    let socket: LiveSocket | null = null;
    const recorder = new LazyRecorder({
      send: (frame) => socket?.send(frame),
      onTooLarge: () => {
        recorder.stop();
        socket?.send({ type: 'cobrowse.stop' });
        setNotice('tooLarge');
      },
    });
    recorderRef.current = recorder;
    const apply = (state: StateMessage): void => {
      if (state.status === 'sharing' && stopPending.current) {
        // Our stop has not arrived (sent while reconnecting): say it again, and record nothing.
        socket?.send({ type: 'cobrowse.stop' });
        return;
      }
      stopPending.current = false;
      const next = noticeFor(state, current);
      if (next) setNotice(next);
      if (state.status === 'requested' || state.status === 'sharing') setNotice((n) => (n === 'stopped' || n === 'stoppedByRep' ? null : n));
      current = state.status;
      setStatus(state.status);
      setRequestedBy(state.requestedBy);
      if (state.status === 'sharing' && state.session === 'active') recorder.start(state.mask);
      else recorder.stop();
      // The chat is over: nothing more will come on this channel.
      if (state.session === 'ended') socket?.close();
    };
    socket = openLiveSocket({
      path: `/ws/customer?token=${encodeURIComponent(token)}&channel=cobrowse`,
      baseUrl,
      onOpen(_ws, reconnected) {
        // Frames sent while the connection was down are lost: start over from a full snapshot.
        if (reconnected) recorder.checkoutNow();
      },
      onMessage(data) {
        const type = messageType(data);
        if (type === 'cobrowse.state') apply(data as StateMessage);
        else if (type === 'cobrowse.checkout') recorder.checkoutNow();
        else if (type === 'cobrowse.error') {
          const code = (data as { error?: { code?: unknown } }).error?.code;
          // The server takes nothing more: stop recording at once (its state message follows).
          if (code === 'budget_reached' || code === 'not_sharing') recorder.stop();
        }
      },
      shouldReconnect: (event) => ![4401, 4403, 4404, 1008].includes(event.code),
    });
    socketRef.current = socket;
    return () => {
      recorder.stop();
      socket?.close();
      socketRef.current = null;
      recorderRef.current = null;
    };
  }, [baseUrl, token]);

  const consent = useCallback(() => socketRef.current?.send({ type: 'cobrowse.consent' }), []);
  const decline = useCallback(() => {
    socketRef.current?.send({ type: 'cobrowse.decline' });
    setStatus('off');
  }, []);
  const stop = useCallback(() => {
    // Stop recording here first: nothing more leaves the page, whatever the network does.
    recorderRef.current?.stop();
    stopPending.current = true;
    socketRef.current?.send({ type: 'cobrowse.stop' });
    setStatus('off');
    setNotice('stopped');
  }, []);
  const dismissNotice = useCallback(() => setNotice(null), []);
  return { status, requestedBy, notice, consent, decline, stop, dismissNotice };
}
