import { MemoryClaims } from '@agentway/broker';

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
 * An in-process store (the default of `webhookVerify()`): the memory broker's claims, lapsed keys
 * swept from the oldest end a few at a time as new ones come in. Claims are per process: use the
 * broker (Redis) when several instances receive the same source.
 */
export function createMemoryIdempotencyStore(): IdempotencyStore & { readonly size: number } {
  const claims = new MemoryClaims();
  return {
    get size() {
      return claims.size;
    },
    async claim(key, ttl) {
      return claims.claim(key, Date.now(), ttl);
    },
    async release(key) {
      claims.release(key);
    },
  };
}
