/**
 * Claims in this process's memory (the memory broker's, and the webhooks' in-process idempotency
 * store): key → deadline. Lapsed claims are swept as new ones come in, a bounded amount of work
 * each time, so the map holds about as many keys as were claimed within one TTL.
 */
export class MemoryClaims {
  private readonly deadlines = new Map<string, number>();

  /** Keys held (lapsed ones not swept yet included). */
  get size(): number {
    return this.deadlines.size;
  }

  /** True for the first claim of `key` within `ttl` ms of `now`, false while it is held. */
  claim(key: string, now: number, ttl: number): boolean {
    this.sweep(now, 8);
    const deadline = this.deadlines.get(key);
    if (deadline !== undefined && deadline > now) return false;
    this.deadlines.delete(key);
    this.deadlines.set(key, now + ttl);
    return true;
  }

  release(key: string): void {
    this.deadlines.delete(key);
  }

  clear(): void {
    this.deadlines.clear();
  }

  /** Drops up to `budget` lapsed claims from the oldest end (the map keeps insertion order), stopping at a live one. */
  private sweep(now: number, budget: number): void {
    for (const key of this.deadlines.keys()) {
      if (budget-- <= 0 || this.deadlines.get(key)! > now) return;
      this.deadlines.delete(key);
    }
  }
}
