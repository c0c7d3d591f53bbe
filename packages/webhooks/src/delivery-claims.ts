import type { IdempotencyStore } from './idempotency-store';
import type { WebhookEvent } from './webhook-event';
import { WebhooksError } from './webhooks-error';

/**
 * De-duplication of verified deliveries on top of an idempotency store. A delivery that could not
 * be processed after its claim (the answer is a 5xx) is given back: through the store's `release`
 * when it has one (a Broker has: the retry may reach any instance), and otherwise remembered here,
 * so that its retry reaching this instance is not taken for a duplicate.
 */
export class DeliveryClaims {
  private readonly returned = new Map<string, number>();

  constructor(private readonly store: IdempotencyStore) {}

  static key(event: WebhookEvent): string {
    return `webhooks:${event.source}:${event.id}`;
  }

  /** True for the first delivery of an id (and for the retry of one given back), false for a duplicate. */
  claim(key: string, ttl: number): Promise<boolean> {
    return this.store.claim(key, ttl).then((claimed) => claimed || this.takeBack(key), (err: unknown) => {
      throw new WebhooksError('ERR_WEBHOOKS_STORE_FAILED', 503, 'the delivery id could not be claimed (the idempotency store failed); retry later', { cause: err, expose: true });
    });
  }

  /** A key given back here (its store cannot forget): the first claim after that takes it. */
  private takeBack(key: string): boolean {
    const until = this.returned.get(key);
    if (until === undefined) return false;
    this.returned.delete(key);
    return until > Date.now();
  }

  /** Gives a claim back: the delivery was not stored nor processed. */
  async release(key: string, ttl: number): Promise<void> {
    if (this.store.release) return this.store.release(key);
    const now = Date.now();
    for (const [k, until] of this.returned) if (until <= now) this.returned.delete(k);
    this.returned.set(key, now + ttl);
  }
}
