import type { Logger } from './logger';

/** A node-redis client (`redis` / `@redis/client` 5 or 6): the listeners subscribe on a `duplicate()` of it. */
export interface RedisClientLike {
  duplicate(): unknown;
}

type MessageListener = (message: string, channel: string) => void;

/** The part of a node-redis client a subscriber uses. */
interface Subscriber {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: MessageListener): Promise<void>;
  pSubscribe(pattern: string, listener: MessageListener): Promise<void>;
  unsubscribe(channel: string, listener: MessageListener): Promise<void>;
  pUnsubscribe(pattern: string, listener: MessageListener): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
}

/** What a Redis listener hears of the shared connection. */
export interface ConnectionWatcher {
  reconnecting(): void;
  ready(): void;
}

/**
 * The one subscriber connection the Redis listeners share: a `duplicate()` of the given client,
 * or a client for the given URL (node-redis is loaded only then). node-redis reconnects and
 * resubscribes by itself; Pub/Sub is at-most-once, so what is published during an outage is lost.
 */
export class RedisConnection {
  private subscriber: Subscriber | undefined;
  private connecting: Promise<Subscriber> | undefined;
  private quiet = false;
  readonly watchers = new Set<ConnectionWatcher>();

  constructor(private readonly source: string | RedisClientLike, private readonly logger: Logger) {}

  /** The connected subscriber (connecting it the first time). */
  get(): Promise<Subscriber> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  private async open(): Promise<Subscriber> {
    const subscriber = (typeof this.source === 'string'
      ? (await import('redis')).createClient({ url: this.source })
      : this.source.duplicate()) as Subscriber;
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => {
      if (this.quiet) return;
      this.quiet = true; // one line per outage: node-redis reports every failed attempt
      this.logger.warn({ err: error }, `[@agentway/poller] Redis subscriber connection: ${error.message}; reconnecting`);
    });
    subscriber.on('reconnecting', () => { for (const w of this.watchers) w.reconnecting(); });
    subscriber.on('ready', () => {
      this.quiet = false;
      for (const w of this.watchers) w.ready();
    });
    await subscriber.connect();
    return subscriber;
  }

  /** Closes the subscriber connection (it is this manager's own, even when duplicated from the user's client). */
  async close(): Promise<void> {
    const { subscriber, connecting } = this;
    this.subscriber = this.connecting = undefined;
    if (!subscriber) {
      await connecting?.then((s) => s.destroy(), () => undefined);
      return;
    }
    if (subscriber.isReady) await subscriber.close().catch(() => subscriber.destroy());
    else subscriber.destroy();
    await connecting?.catch(() => undefined);
  }
}
