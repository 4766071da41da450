import type { Logger } from 'pino';
import { sql } from 'kysely';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import type { CommandContext, CommandRunner } from './command-runner.js';

export type TimerHandler = (ctx: CommandContext, ref: string) => Promise<void>;

const BATCH = 100;

/**
 * Wakes at the earliest due timer row and runs each due timer as its own command. The row
 * is deleted in the same transaction as the timer's effect, so a timer fires exactly once
 * even with several nodes, and one that fell due while the server was down fires on start
 * (W4).
 */
export class TimerDispatcher {
  private cancelWake: (() => void) | null = null;
  private wakeAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly runner: CommandRunner,
    private readonly logger: Logger,
    private readonly handlers: ReadonlyMap<string, TimerHandler>,
  ) {}

  /** Looks for due and future timers in the database; called at start. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.fire();
  }

  /** Stops waking up, and waits for a timer being run to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWake?.();
    this.cancelWake = null;
    this.wakeAt = Infinity;
    await this.whenIdle();
  }

  /** Another node changed timers: run what is due and wake for the earliest. */
  refresh(): void {
    if (!this.stopped) void this.fire();
  }

  /** A command armed a timer due at `dueAt`; wake up for it if that is sooner. */
  arm(dueAt: number): void {
    if (this.stopped || dueAt >= this.wakeAt) return;
    this.cancelWake?.();
    this.wakeAt = dueAt;
    this.cancelWake = this.clock.wakeAt(dueAt, () => {
      this.cancelWake = null;
      this.wakeAt = Infinity;
      void this.fire();
    });
  }

  /** Resolves when no timer is being run: tests wait on this after moving the clock. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running;
  }

  private fire(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain()
      .catch((err: unknown) => {
        // The store failed (or closed under us); the next command or start tries again.
        if (!this.stopped) this.logger.error({ err }, 'timer dispatch failed');
      })
      .finally(() => {
        this.running = null;
        // A wake-up or refresh that came after the drain's last look at the due timers
        // (while it read the next due time) would otherwise be lost: run again for it.
        if (this.again && !this.stopped) void this.fire();
      });
    return this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        const now = this.clock.now();
        const due = await this.store.db
          .selectFrom('timers')
          .select(['id', 'kind', 'ref'])
          .where('due_at', '<=', now)
          .orderBy('due_at')
          .orderBy('id')
          // A literal: SQLite compiles a statement whose LIMIT is a bound parameter anew on every run (row-limit.ts).
          .limit(sql.lit(BATCH))
          .execute();
        for (const timer of due) await this.runOne(timer);
        if (due.length < BATCH) break;
      }
    } while (this.again);
    if (this.stopped) return;
    const next = await this.store.db
      .selectFrom('timers')
      .select((eb) => eb.fn.min('due_at').as('due'))
      .executeTakeFirst();
    if (next?.due != null) this.arm(Number(next.due));
  }

  private async runOne(timer: { id: string; kind: string; ref: string }): Promise<void> {
    const handler = this.handlers.get(timer.kind);
    try {
      await this.runner.run(async (ctx) => {
        const deleted = await ctx.tx.deleteFrom('timers').where('id', '=', timer.id).executeTakeFirst();
        // Another node ran it already.
        if (Number(deleted.numDeletedRows) === 0) return;
        if (!handler) {
          this.logger.error({ timer }, 'no handler for timer kind; dropped');
          return;
        }
        await handler(ctx, timer.ref);
      });
    } catch (err) {
      // A handler that throws would otherwise be retried forever; drop the row and say so.
      this.logger.error({ err, timer }, 'timer handler failed; timer dropped');
      await this.store.db.deleteFrom('timers').where('id', '=', timer.id).execute();
    }
  }
}
