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
 * keys swept from its oldest end a few at a time as new ones come in. Claims are per process: use
 * the broker (Redis) when several instances receive the same source.
 */
export function createMemoryIdempotencyStore(): IdempotencyStore & { readonly size: number } {
  const deadlines = new Map<string, number>();
  return {
    get size() {
      return deadlines.size;
    },
    async claim(key, ttl) {
      const now = Date.now();
      // The oldest keys come first (one source's ttl is the same for all): sweep up to 8 lapsed ones, stop at a live one.
      let budget = 8;
      for (const k of deadlines.keys()) {
        if (budget-- <= 0 || deadlines.get(k)! > now) break;
        deadlines.delete(k);
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
