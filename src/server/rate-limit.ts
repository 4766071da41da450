/**
 * A sliding-window counter per client address, for session key guessing (C1, beyond).
 * In memory, per node: with 10^7 keys and a handful of tries a minute per address, a
 * guesser gets nowhere even against several nodes.
 */
export class RateLimiter {
  private hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Records an attempt; false when the address is over its limit. */
  allow(address: string): boolean {
    const t = this.now();
    const recent = (this.hits.get(address) ?? []).filter((at) => at > t - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(address, recent);
      return false;
    }
    recent.push(t);
    this.hits.set(address, recent);
    if (this.hits.size > 10_000) this.prune(t);
    return true;
  }

  private prune(t: number): void {
    for (const [address, times] of this.hits) {
      if (times.every((at) => at <= t - this.windowMs)) this.hits.delete(address);
    }
  }
}
