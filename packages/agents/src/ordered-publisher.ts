import type { Broker, BrokerRecord } from '@agentway/broker';

/**
 * Publishes a run's events in order without awaiting each one (a Redis broker pipelines them;
 * awaiting one by one was 30× slower there), while bounding what is in flight.
 * The first failure is kept and rethrown by `flush()`; nothing is published after it.
 */
export class OrderedPublisher {
  private readonly inFlight: Promise<unknown>[] = [];
  private failure: unknown;
  private failed = false;
  /** Every publish, in order, while `keep` allows (see `records()`). */
  private kept: Promise<BrokerRecord>[] | undefined;
  /** What `flush()` saw published, when that was every publish (nothing was waited for earlier). */
  private published: BrokerRecord[] | undefined;
  private throttled = false;
  first: Promise<BrokerRecord> | undefined;

  /** `keep`: how many published records to keep for `records()` (0: none). */
  constructor(private readonly broker: Broker, private readonly topic: string, private readonly maxInFlight = 128, private readonly keep = 0) {
    if (keep > 0) this.kept = [];
  }

  get ok(): boolean {
    return !this.failed;
  }

  /**
   * Publishes `value` after everything pushed before. Returns a promise to wait for only when too
   * much is in flight (otherwise `undefined`: the caller goes on at once, without a microtask).
   */
  push(value: unknown): Promise<void> | undefined {
    if (this.failed) return undefined;
    const published = this.broker.publish(this.topic, { value });
    published.then(undefined, this.onFailure);
    this.first ??= published;
    if (this.kept) {
      if (this.kept.length < this.keep) this.kept.push(published);
      else this.kept = undefined;
    }
    this.inFlight.push(published);
    if (this.inFlight.length < this.maxInFlight) return undefined;
    this.throttled = true;
    return Promise.allSettled(this.inFlight.splice(0, this.inFlight.length - this.maxInFlight / 2)).then(() => undefined);
  }

  private readonly onFailure = (err: unknown): void => {
    if (!this.failed) {
      this.failed = true;
      this.failure = err;
    }
  };

  /** After `flush()`: every record published, in order — unless one failed or there were more than `keep`. */
  records(): readonly BrokerRecord[] | Promise<BrokerRecord[]> | undefined {
    if (this.failed || !this.kept) return undefined;
    return this.published ?? Promise.all(this.kept);
  }

  /** Waits for everything pushed (all of it, even after a failure); throws the first failure, if any. */
  async flush(): Promise<void> {
    const pending = this.inFlight.splice(0) as Promise<BrokerRecord>[];
    const published = await Promise.all(pending).catch(() => undefined);
    if (!published) await Promise.allSettled(pending);
    else if (this.kept && !this.throttled) this.published = published;
    if (this.failed) throw this.failure;
  }
}
