import { checkEventPattern, patternMatches } from './event-pattern';
import type { WebhookEvent } from './webhook-event';

/** What a handler is given besides the event. */
export interface WebhookHandlerContext {
  /** 1 on the first try, then 2, 3… on retries. */
  readonly attempt: number;
  /** Aborted when the router closes (shutdown): stop, and the delivery will be handed out again. */
  readonly signal: AbortSignal;
}

/**
 * Handles a verified delivery. Throwing (or rejecting) fails this attempt: it is retried, then
 * dead-lettered. In synchronous mode a value returned is the JSON answer to the provider.
 */
export type WebhookHandler<P = any> = (event: WebhookEvent<P>, context: WebhookHandlerContext) => unknown;

/** One `.on(pattern, handler)`: its position is its id in record headers (which handlers are done). */
export interface HandlerEntry {
  readonly index: number;
  readonly pattern: string;
  readonly handler: WebhookHandler;
}

const CACHE_LIMIT = 1000;

/** The handlers of a router, looked up by event name (memoised per name and scheme). */
export class HandlerRegistry {
  private readonly entries: HandlerEntry[] = [];
  private readonly cache = new Map<string, readonly HandlerEntry[]>();

  add(pattern: unknown, handler: unknown): void {
    const checked = checkEventPattern(pattern);
    if (typeof handler !== 'function') {
      throw new TypeError(`[@agentway/webhooks] the handler for "${checked}" must be a function, got ${handler === null ? 'null' : typeof handler}`);
    }
    this.entries.push({ index: this.entries.length, pattern: checked, handler: handler as WebhookHandler });
    this.cache.clear();
  }

  match(event: Pick<WebhookEvent, 'name' | 'scheme'>): readonly HandlerEntry[] {
    const key = `${event.scheme} ${event.name}`;
    let found = this.cache.get(key);
    if (found === undefined) {
      found = this.entries.filter((entry) => patternMatches(entry.pattern, event));
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }
}
