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
