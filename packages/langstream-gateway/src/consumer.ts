import { BrokerError, type Broker, type Position, type Subscription } from '@agentway/broker';
import { RequestError } from './langstream-error';
import type { Outbound } from './outbound';
import type { PushFrames } from './push-message';

/**
 * One client's reader of a topic (LangStream's `ConsumeGateway`): its own subscription, from its
 * position, through its filter. It is opened during the handshake (so `latest` means "from the
 * moment the socket opened") and pushes each record as it comes, pausing while the client is slow.
 */
export class Consumer {
  private closed = false;

  private constructor(private readonly subscription: Subscription | undefined) {}

  /**
   * Subscribes and waits until the position is fixed. `filter === null` (it can never match) reads
   * nothing at all. A position the broker does not know is a `RequestError` `invalid`.
   */
  static async open(broker: Broker, topic: string, from: Position, filter: Readonly<Record<string, string>> | undefined | null,
    raw: string | undefined): Promise<Consumer> {
    if (filter === null) return new Consumer(undefined);
    let subscription: Subscription | undefined;
    try {
      subscription = broker.subscribe(topic, { from, ...(filter && { filter: { ...filter } }) });
      await subscription.ready;
      return new Consumer(subscription);
    } catch (err) {
      await subscription?.close().catch(() => undefined);
      if (err instanceof BrokerError && err.code === 'ERR_BROKER_INVALID_OFFSET') {
        throw new RequestError('invalid', `Invalid position ${raw}: ${err.message.replace('[@agentway/broker] ', '')}`, { cause: err });
      }
      throw err;
    }
  }

  /** Pushes records to `out` until closed; `onError` hears why reading stopped early (`invalid`: a bad position). */
  pump(out: Outbound, frames: PushFrames, onError: (err: Error) => void): void {
    if (!this.subscription) return;
    void this.read(this.subscription, out, frames).catch((err: Error) => {
      if (this.closed) return;
      const offset = err instanceof BrokerError && err.code === 'ERR_BROKER_INVALID_OFFSET';
      onError(offset ? new RequestError('invalid', err.message.replace('[@agentway/broker] ', ''), { cause: err }) : err);
    });
  }

  private async read(subscription: Subscription, out: Outbound, frames: PushFrames): Promise<void> {
    for (;;) {
      const record = await subscription.next();
      if (record === undefined || this.closed) return;
      out.send(frames.frame(record));
      if (out.congested) {
        await out.drained();
        if (this.closed || !out.open) return;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.subscription?.close();
  }
}
