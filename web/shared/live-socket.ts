/**
 * A WebSocket that reconnects by itself, with capped exponential backoff and jitter.
 * Pages use it for /ws/rep and /ws/customer; after each (re)connect they are told, so
 * they can resume or refetch what they may have missed while disconnected.
 */

export type LiveSocketStatus = 'connecting' | 'open' | 'closed';

export interface LiveSocketOptions {
  /** Path and query, e.g. "/ws/rep"; resolved against the page's origin (ws: or wss:). */
  path: string;
  /** The Lobby's origin when the page is elsewhere (the chat widget); default: the page's. */
  baseUrl?: string | null;
  onMessage(data: unknown): void;
  /** Called on every successful open; `reconnected` is false the first time. */
  onOpen?(socket: { send(data: unknown): void }, reconnected: boolean): void;
  onStatus?(status: LiveSocketStatus): void;
  /** Return false to stop for good after this close (e.g. the server refused us). */
  shouldReconnect?(event: CloseEvent): boolean;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface LiveSocket {
  send(data: unknown): void;
  close(): void;
}

export function socketUrl(path: string, baseUrl?: string | null): string {
  const url = new URL(path, baseUrl ?? window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function openLiveSocket(options: LiveSocketOptions): LiveSocket {
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let opened = false;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const send = (data: unknown): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(data));
  };

  const connect = (): void => {
    if (stopped) return;
    options.onStatus?.('connecting');
    const ws = new WebSocket(socketUrl(options.path, options.baseUrl));
    socket = ws;
    ws.addEventListener('open', () => {
      attempt = 0;
      options.onStatus?.('open');
      options.onOpen?.({ send }, opened);
      opened = true;
    });
    ws.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      options.onMessage(data);
    });
    ws.addEventListener('close', (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      options.onStatus?.('closed');
      if (stopped || options.shouldReconnect?.(event) === false) {
        stopped = true;
        return;
      }
      // Full jitter: spread reconnects of many clients after a server restart.
      const cap = Math.min(maxDelay, minDelay * 2 ** attempt);
      attempt += 1;
      retryTimer = setTimeout(connect, minDelay / 2 + Math.random() * cap);
    });
  };

  connect();

  return {
    send,
    close() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      ws?.close(1000);
    },
  };
}
