/**
 * Where delivery ids are claimed for de-duplication. A `Broker` is one (its `claim` and `release`:
 * memory, or Redis `SET NX PX` / `DEL` across instances); so is any object with `claim(key, ttl)`.
 */
export interface IdempotencyStore {
  /** Resolves true for the first claim of `key` within `ttl` ms, false for every later one. */
  claim(key: string, ttl: number): Promise<boolean>;
  /**
   * Optional: gives a claimed key back because the delivery was not processed (the answer was a
   * 5xx), so that the provider's retry is not taken for a duplicate.
   */
  release?(key: string): Promise<void>;
}

/**
 * An in-process store (the default of `webhookVerify()`): keys and their deadlines in a Map, lapsed
 * keys swept a few at a time as new ones come in. Claims are per process: use the broker (Redis)
 * when several instances receive the same source.
 */
export function createMemoryIdempotencyStore(): IdempotencyStore & { readonly size: number } {
  const deadlines = new Map<string, number>();
  return {
    get size() {
      return deadlines.size;
    },
    async claim(key, ttl) {
      const now = Date.now();
      let budget = 8;
      for (const [k, deadline] of deadlines) {
        if (budget-- <= 0) break;
        if (deadline <= now) deadlines.delete(k);
      }
      const deadline = deadlines.get(key);
      if (deadline !== undefined && deadline > now) return false;
      deadlines.delete(key);
      deadlines.set(key, now + ttl);
      return true;
    },
    async release(key) {
      deadlines.delete(key);
    },
  };
}
