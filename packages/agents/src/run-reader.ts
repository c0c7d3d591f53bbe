import type { Broker, BrokerRecord, Subscription } from '@agentway/broker';
import { channels } from '@agentway/observability';
import { isTerminal, type RunEvent, type RunEventRecord } from './run-event';
import { readError, subscribeRun, type ReadRunOptions } from './read-run';

type Step = IteratorResult<RunEventRecord, undefined>;
const DONE: Step = Object.freeze({ value: undefined, done: true }) as Step;

/**
 * `readRun()` as a hand-written async iterator: one `then` per event where an async generator
 * costs three promises (a stream of a hundred pieces reads a hundred of them). It behaves like the
 * generator it replaces: lazy, done after the terminal event, the subscription closed at the end,
 * on `return()`, `throw()` and errors (mapped to `ERR_AGENTS_RUN_NOT_FOUND` where a position was lost),
 * and calls made while one is pending wait their turn.
 */
export class RunReader implements AsyncGenerator<RunEventRecord, undefined> {
  private subscription: Subscription<RunEvent> | undefined;
  private finished = false;
  private ending = false;
  private busy = false;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly broker: Broker, private readonly runId: string, private readonly options: ReadRunOptions) {}

  next(): Promise<Step> {
    if (this.busy) return new Promise<void>((resolve) => this.queue.push(resolve)).then(() => this.next());
    this.busy = true;
    return this.step();
  }

  async return(): Promise<Step> {
    await this.finish();
    return DONE;
  }

  async throw(err: unknown): Promise<Step> {
    await this.finish();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The step in progress is settling: let the next call in. */
  private settle(): void {
    this.busy = false;
    this.queue.shift()?.();
  }

  private step(): Promise<Step> {
    if (this.finished) {
      this.settle();
      return Promise.resolve(DONE);
    }
    if (this.ending) return this.finish().then(() => this.done());
    const subscription = this.subscription;
    if (!subscription) {
      return subscribeRun(this.broker, this.runId, this.options).then((opened) => {
        this.subscription = opened;
        return this.step();
      }, (err: unknown) => this.fail(err));
    }
    return subscription.next().then(this.onRecord, (err: unknown) => this.fail(err));
  }

  private readonly onRecord = (record: BrokerRecord<RunEvent> | undefined): Step | Promise<Step> => {
    if (!record) return this.finish().then(() => this.done());
    if (isTerminal(record.value)) this.ending = true;
    if (channels.brokerLag.hasSubscribers) channels.brokerLag.publish({ kind: 'run_events', topic: record.topic, lag: Date.now() - record.timestamp });
    this.settle();
    return { value: { offset: record.offset, timestamp: record.timestamp, event: record.value }, done: false };
  };

  private done(): Step {
    this.settle();
    return DONE;
  }

  private async fail(err: unknown): Promise<never> {
    await this.finish();
    this.settle();
    throw readError(err, this.runId, this.options);
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.subscription?.close();
  }
}
