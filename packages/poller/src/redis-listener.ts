import type { PublishMessage } from '@agentway/broker';
import { Listener, type ListenerDeps, type ListenerHandler, type Republish } from './listener';
import type { RedisConnection } from './redis-connection';

/** One Redis Pub/Sub message as a listener's handler receives it. */
export interface RedisMessage {
  readonly channel: string;
  readonly message: string;
  /** The pattern it matched, for a pattern listener. */
  readonly pattern: string | undefined;
}

/** Messages waiting for a slow handler beyond this are dropped (and counted). */
const MAX_PENDING = 1_000;

/**
 * A Redis Pub/Sub channel, or a glob pattern (`PSUBSCRIBE`), on the manager's shared subscriber
 * connection. Messages are handled one at a time, in order.
 */
export class RedisListener extends Listener<RedisMessage> {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private subscribed: Promise<void> | undefined;
  private readonly watcher = {
    reconnecting: () => { if (this.state === 'open') { this.state = 'retrying'; this.counts.reconnects++; } },
    ready: () => { if (this.state === 'retrying') this.state = 'open'; },
  };

  constructor(name: string, private readonly channel: string, private readonly pattern: boolean,
    handler: ListenerHandler<RedisMessage> | null, republish: Republish<RedisMessage> | undefined,
    private readonly connection: RedisConnection, deps: ListenerDeps) {
    super(name, 'redis', channel, handler, republish, deps);
  }

  start(): void {
    if (this.subscribed) return;
    this.controller = new AbortController();
    this.state = 'connecting';
    this.connection.watchers.add(this.watcher);
    this.subscribed = this.subscribe();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.connection.watchers.delete(this.watcher);
    await this.subscribed;
    this.subscribed = undefined;
    await this.tail;
    await this.drain();
    this.stopped();
  }

  protected toRecord(m: RedisMessage): PublishMessage {
    return { value: m.message, headers: { listener: this.name, 'redis-channel': m.channel, ...(m.pattern !== undefined && { 'redis-pattern': m.pattern }) } };
  }

  private async subscribe(): Promise<void> {
    try {
      const subscriber = await this.connection.get();
      if (this.controller.signal.aborted) return;
      await (this.pattern ? subscriber.pSubscribe(this.channel, this.onMessage) : subscriber.subscribe(this.channel, this.onMessage));
      this.opened();
    } catch (error) {
      if (this.controller.signal.aborted) return;
      this.failure(error, 'could not subscribe');
      this.closed();
    }
  }

  private readonly onMessage = (message: string, channel: string): void => {
    if (this.controller.signal.aborted) return;
    this.counts.received++;
    if (this.pending >= MAX_PENDING) {
      this.counts.dropped++;
      return;
    }
    const m: RedisMessage = { channel, message, pattern: this.pattern ? this.channel : undefined };
    if (this.pending === 0) { // nothing queued: deliver now; a sync handler needs no promise
      const delivered = this.deliver(m, true);
      if (typeof delivered === 'boolean') return;
      this.pending++;
      this.tail = delivered.finally(() => { this.pending--; });
      return;
    }
    this.pending++;
    this.tail = this.tail.then(() => {
      if (!this.controller.signal.aborted) return this.deliver(m, true);
      this.counts.dropped++; // stopped before its turn came
      return undefined;
    }).finally(() => { this.pending--; });
  };
}
