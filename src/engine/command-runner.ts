import type { Logger } from 'pino';
import type { Db, Store } from '../store/store.js';
import { appendEvent, type LobbyEvent, type NewEvent } from '../store/queries/events.js';
import type { Clock } from './clock.js';
import type { EventFeed } from './event-bus.js';
import type { Ids } from './ids.js';
import { prepared } from '../store/queries/prepared.js';

const insertTimer = prepared((db: Db, id: string, kind: string, ref: string, dueAt: number) =>
  db.insertInto('timers').values({ id, kind, ref, due_at: dueAt }),
);
const deleteTimers = prepared((db: Db, kind: string, ref: string) => db.deleteFrom('timers').where('kind', '=', kind).where('ref', '=', ref));

/** What a command sees: its transaction, the time it runs at, and ways to record effects. */
export interface CommandContext {
  tx: Db;
  now: number;
  ids: Ids;
  emit(event: NewEvent): Promise<LobbyEvent>;
  /** Inserts a durable timer row (DESIGN: timers are rows). */
  armTimer(kind: string, ref: string, dueAt: number): Promise<void>;
  cancelTimers(kind: string, ref: string): Promise<void>;
}

export interface RunnerDeps {
  store: Store;
  clock: Clock;
  ids: Ids;
  feed: EventFeed;
  logger: Logger;
  /** Told of the earliest timer a command armed, after commit. */
  onTimerArmed(dueAt: number): void;
}

/**
 * Runs one command as one transaction under the routing lock, then publishes its events.
 * Nothing is published, and no timer armed, when the command throws: the transaction
 * rolled back and nothing happened.
 */
export class CommandRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run<T>(work: (ctx: CommandContext) => Promise<T>): Promise<T> {
    const events: LobbyEvent[] = [];
    let earliestTimer = Infinity;
    const { store, clock, ids } = this.deps;
    const result = await store.routingTransaction(async (tx) => {
      events.length = 0;
      earliestTimer = Infinity;
      const now = clock.now();
      const ctx: CommandContext = {
        tx,
        now,
        ids,
        async emit(event) {
          const stored = await appendEvent(tx, now, event);
          events.push(stored);
          return stored;
        },
        async armTimer(kind, ref, dueAt) {
          await insertTimer.execute(tx, ids.id(), kind, ref, dueAt);
          earliestTimer = Math.min(earliestTimer, dueAt);
        },
        async cancelTimers(kind, ref) {
          await deleteTimers.execute(tx, kind, ref);
        },
      };
      const result = await work(ctx);
      if (events.length > 0 || earliestTimer !== Infinity) await store.notifyCommit(tx);
      return result;
    });
    await this.deps.feed.committed(events);
    if (earliestTimer !== Infinity) this.deps.onTimerArmed(earliestTimer);
    return result;
  }
}
