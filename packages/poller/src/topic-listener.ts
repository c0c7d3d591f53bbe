import type { BrokerRecord, Position, PublishMessage, Subscription } from '@agentway/broker';
import { backoffDelay, sleep, type Backoff } from './backoff';
import { Listener, type ListenerDeps, type ListenerHandler, type Republish } from './listener';

export interface TopicSettings {
  readonly group: string | undefined;
  readonly from: Position | undefined;
  readonly ackTimeout: number | undefined;
  readonly backoff: Backoff;
}

/**
 * A broker topic, read one record at a time. With `group`, the records are shared among the
 * group's members (each instance gets its share), and a record is acknowledged only once it was
 * handled (and republished): one that failed comes back after the group's ack timeout.
 */
export class TopicListener extends Listener<BrokerRecord> {
  private loop: Promise<void> | undefined;
  private subscription: Subscription | undefined;

  constructor(name: string, private readonly topic: string, handler: ListenerHandler<BrokerRecord> | null,
    republish: Republish<BrokerRecord> | undefined, private readonly settings: TopicSettings, deps: ListenerDeps) {
    super(name, 'topic', topic, handler, republish, deps);
  }

  start(): void {
    if (this.loop) return;
    this.controller = new AbortController();
    this.loop = this.run(this.controller.signal);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.subscription?.close();
    await this.loop;
    this.loop = undefined;
    this.stopped();
  }

  protected toRecord(r: BrokerRecord): PublishMessage {
    return { key: r.key, value: r.value, headers: { ...r.headers, listener: this.name, 'source-topic': r.topic } };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { group, from, ackTimeout, backoff } = this.settings;
    let after: string | undefined;
    for (let attempt = 0; !signal.aborted;) {
      this.state = attempt === 0 ? 'connecting' : 'retrying';
      const position: Position | undefined = after !== undefined && !group ? { after } : from;
      let subscription: Subscription | undefined;
      try {
        subscription = this.deps.broker!.subscribe(this.topic, {
          ...(position !== undefined && { from: position }), ...(group !== undefined && { group }), ...(ackTimeout !== undefined && { ackTimeout }), onTrimmed: 'skip', signal,
        });
        this.subscription = subscription;
        await subscription.ready;
        this.opened();
        attempt = 0;
        for await (const record of subscription) {
          this.counts.received++;
          this.lastEventId = after = record.offset;
          const ok = await this.deliver(record);
          if (ok && group !== undefined) await subscription.ack(record);
        }
        if (signal.aborted) break;
        await this.deps.broker!.describe(this.topic); // throws ERR_BROKER_CLOSED once the broker is closed
        this.deps.logger.info(`[@agentway/poller] listener "${this.name}": the subscription ended; resubscribing`);
      } catch (error) {
        if (signal.aborted) break;
        if ((error as { code?: string }).code === 'ERR_BROKER_CLOSED') {
          this.failure(error, 'stopped: the broker is closed');
          return this.closed();
        }
        this.failure(error, 'lost its subscription');
      } finally {
        await subscription?.close().catch(() => undefined);
      }
      if (signal.aborted) break;
      this.counts.reconnects++;
      await sleep(backoffDelay(attempt++, backoff), signal);
    }
  }
}
