import type { LobbyEvent } from '../store/queries/events.js';

export type EventListener = (event: LobbyEvent) => void;

/**
 * Fans committed events out to WebSocket gateways and test waits, in sequence order.
 * Events are published only after their transaction commits, so a listener never sees a
 * change that could still roll back.
 */
export class EventBus {
  private listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly LobbyEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch {
          // A failing listener (a closed socket, say) must not stop the others.
        }
      }
    }
  }

  /** Resolves with the first event that matches; for tests and long polls. */
  next(match: (event: LobbyEvent) => boolean): Promise<LobbyEvent> {
    return new Promise((resolve) => {
      const off = this.subscribe((event) => {
        if (match(event)) {
          off();
          resolve(event);
        }
      });
    });
  }
}

/**
 * Publishes committed events on the bus exactly once each, in sequence order, whether they
 * were committed by this node or by another node sharing the database. Before a node's own
 * events it publishes any earlier events it has not seen (another node committed them
 * first), and a notification from another node makes it read what it missed.
 */
export class EventFeed {
  private last = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    private readonly loadAfter: (afterSeq: number, limit: number) => Promise<LobbyEvent[]>,
  ) {}

  start(lastSeq: number): void {
    this.last = lastSeq;
  }

  committed(events: readonly LobbyEvent[]): Promise<void> {
    const first = events[0];
    if (!first) return this.chain;
    return this.serial(async () => {
      if (first.seq > this.last + 1) await this.catchUpTo(first.seq - 1);
      this.emit(events);
    });
  }

  catchUp(): Promise<void> {
    return this.serial(() => this.catchUpTo(Number.MAX_SAFE_INTEGER));
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async catchUpTo(maxSeq: number): Promise<void> {
    const PAGE = 500;
    for (;;) {
      const page = (await this.loadAfter(this.last, PAGE)).filter((e) => e.seq <= maxSeq);
      this.emit(page);
      if (page.length < PAGE) return;
    }
  }

  private emit(events: readonly LobbyEvent[]): void {
    const fresh = events.filter((e) => e.seq > this.last);
    const newest = fresh.at(-1);
    if (!newest) return;
    this.last = newest.seq;
    this.bus.publish(fresh);
  }
}
