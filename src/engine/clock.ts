/**
 * The one source of time (DESIGN: time is injected). The engine reads `now()` and asks
 * for a wake-up at a due time; tests drive a ManualClock and never sleep.
 */
export interface Clock {
  now(): number;
  /** Calls `wake` once at or after `dueAt`. Returns a function that cancels it. */
  wakeAt(dueAt: number, wake: () => void): () => void;
}

/** Node's setTimeout cannot wait longer than 2^31-1 ms; longer waits re-arm. */
const MAX_DELAY = 2 ** 31 - 1;

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  wakeAt(dueAt: number, wake: () => void): () => void {
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const delay = dueAt - Date.now();
      if (delay > MAX_DELAY) handle = setTimeout(arm, MAX_DELAY);
      else handle = setTimeout(wake, Math.max(0, delay));
      handle.unref();
    };
    arm();
    return () => clearTimeout(handle);
  }
}

/** A clock that moves only when told to. Wake-ups fire, in due order, as time passes them. */
export class ManualClock implements Clock {
  private current: number;
  private pending: { dueAt: number; wake: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  wakeAt(dueAt: number, wake: () => void): () => void {
    const id = this.nextId++;
    this.pending.push({ dueAt, wake, id });
    if (dueAt <= this.current) queueMicrotask(() => this.fireDue());
    return () => {
      this.pending = this.pending.filter((p) => p.id !== id);
    };
  }

  /** Moves time forward by `ms` and fires every wake-up that became due. */
  advance(ms: number): void {
    this.current += ms;
    this.fireDue();
  }

  set(at: number): void {
    this.current = at;
    this.fireDue();
  }

  private fireDue(): void {
    const due = this.pending.filter((p) => p.dueAt <= this.current).sort((a, b) => a.dueAt - b.dueAt);
    this.pending = this.pending.filter((p) => p.dueAt > this.current);
    for (const p of due) p.wake();
  }
}
