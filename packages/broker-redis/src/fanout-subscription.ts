import { BrokerError, matchesFilter, type BrokerRecord, type CheckedSubscribeOptions, type Subscription } from '@agentway/broker';
import type { Connections } from './connections';
import type { Keys } from './keys';
import { POSITION } from './scripts';
import { parseStreamId } from './stream-id';
import type { Loss, ReaderClient, StreamReader } from './stream-reader';

/** What a fan-out subscription needs from its broker. */
export interface FanoutCore {
  readonly closed: boolean;
  readonly connections: Connections;
  readonly keys: Keys;
  readonly reader: StreamReader;
  detach(subscription: Subscription<never>): void;
}

/** How many records after an offset `POSITION` counts, to know a start's place exactly. */
const COUNT_CAP = '1000';
const NOOP = () => undefined;

/**
 * A subscription that reads every record of a topic (no group). It holds a cursor (the last id
 * read), the batch of the shared reader it is reading and at most one more, read ahead while it
 * reads the first (so a slow reader holds two batches at most: it lags, it never buffers); it
 * counts the entries ever appended up to its cursor, so that trimmed records are counted exactly.
 */
export class FanoutSubscription<V = unknown> implements Subscription<V>, ReaderClient {
  readonly ready: Promise<void>;
  skipped = 0;
  cursor = '0-0';
  index: number | undefined;
  catchingUp = false;
  private records: readonly BrokerRecord[] = [];
  private position = 0;
  /** The batch read ahead, while `records` is being read. */
  private ahead: { records: readonly BrokerRecord[]; from: number } | undefined;
  private readingAhead = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private detached = false;
  private calls = 0;
  private endSubscription: (() => void) | undefined;
  private readonly ended = new Promise<undefined>((resolve) => (this.endSubscription = () => resolve(undefined)));
  private readonly onAbort = () => void this.close();

  constructor(private readonly core: FanoutCore, readonly topic: string, private readonly options: CheckedSubscribeOptions) {
    const from = options.from ?? 'latest';
    const after = typeof from === 'object' ? parseStreamId(from.after) : undefined;
    if (typeof from === 'object' && after === undefined) {
      throw new BrokerError('ERR_BROKER_INVALID_OFFSET', `not an offset of this broker (a Redis stream id): ${JSON.stringify(from.after)}`);
    }
    this.ready = this.start(typeof from === 'object' ? 'after' : from, after ?? '');
    this.ready.catch(NOOP);
    if (options.signal?.aborted) this.closed = true;
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Fixes the start: the id to read after and how many entries were ever appended up to it. */
  private async start(mode: 'latest' | 'earliest' | 'after', after: string): Promise<void> {
    const reply = await POSITION.run<[string, string?, number?]>(this.core.connections,
      [this.core.keys.stream(this.topic)], [mode, after, COUNT_CAP]);
    if (reply[0] === 'beyond') {
      throw new BrokerError('ERR_BROKER_INVALID_OFFSET', `offset ${after} is beyond the end of topic "${this.topic}" (last ${reply[1]})`);
    }
    if (reply[0] === 'missing') {
      // Never written, or expired: an offset into it reads as trimmed, as in the memory broker.
      this.cursor = mode === 'after' ? after : '0-0';
      this.index = mode === 'after' ? undefined : 0;
      if (mode === 'after') this.receive([], 0, { gone: 0, last: after });
      return;
    }
    this.cursor = reply[1]!;
    this.index = reply[2]! >= 0 ? reply[2] : undefined;
  }

  /** The next record. A call made while another waits takes over: the earlier one (abandoned, say by a timeout race) takes nothing and ends with the subscription. */
  next(): Promise<BrokerRecord<V> | undefined> {
    const call = ++this.calls;
    const record = this.take();
    return record ? Promise.resolve(record) : this.wait(call);
  }

  /** The next record in hand that passes the filter, if any; taking one asks for the next batch early. */
  private take(): BrokerRecord<V> | undefined {
    if (this.closed || this.core.closed) return undefined;
    for (;;) {
      while (this.position < this.records.length) {
        const record = this.records[this.position++]!;
        if (this.options.filter && !matchesFilter(record.headers, this.options.filter)) continue;
        if (!this.readingAhead && !this.ahead && !this.failure) {
          this.readingAhead = true;
          this.core.reader.wait(this);
        }
        return record as BrokerRecord<V>;
      }
      if (!this.ahead) return undefined;
      ({ records: this.records, from: this.position } = this.ahead);
      this.ahead = undefined;
    }
  }

  private async wait(call: number): Promise<BrokerRecord<V> | undefined> {
    if (!this.closed) await this.ready;
    for (;;) {
      if (this.closed || this.core.closed) break;
      if (call !== this.calls) return this.ended;
      const record = this.take();
      if (record) return record;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => {
        const earlier = this.wake;
        this.wake = earlier ? () => (earlier(), resolve()) : resolve;
        this.core.reader.wait(this);
      });
      this.wake = undefined;
    }
    await this.close();
    return undefined;
  }

  receive(records: readonly BrokerRecord[], from: number, loss?: Loss): void {
    this.readingAhead = false;
    if (this.closed) return;
    if (loss) {
      const lost = this.index !== undefined && loss.gone > this.index ? loss.gone - this.index : 1;
      if (this.options.onTrimmed === 'error') {
        this.failure = new BrokerError('ERR_BROKER_RECORDS_TRIMMED',
          `subscriber of "${this.topic}" fell behind retention: ${this.index === undefined ? 'some' : lost} record(s) were trimmed before it read them`);
        this.wake?.();
        return;
      }
      this.skipped += lost;
      this.index = loss.gone;
      if (loss.last !== undefined) this.cursor = loss.last;
    }
    if (records.length > from) {
      if (this.position < this.records.length) {
        this.ahead = { records, from };
      } else {
        this.records = records;
        this.position = from;
      }
      this.cursor = records[records.length - 1]!.offset;
      if (this.index !== undefined) this.index += records.length - from;
    }
    this.wake?.();
  }

  fail(error: Error): void {
    this.readingAhead = false;
    this.failure = error;
    this.wake?.();
  }

  async ack(): Promise<void> {
    throw new BrokerError('ERR_BROKER_NOT_A_GROUP', 'ack() and extend() need a group subscription');
  }

  async extend(): Promise<void> {
    throw new BrokerError('ERR_BROKER_NOT_A_GROUP', 'ack() and extend() need a group subscription');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.endSubscription?.();
    if (this.detached) return;
    this.detached = true;
    this.records = EMPTY;
    this.ahead = undefined;
    this.core.reader.cancel(this);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.core.detach(this as Subscription<never>);
  }

  [Symbol.asyncIterator](): AsyncIterator<BrokerRecord<V>> {
    return {
      next: () => {
        const call = ++this.calls;
        const record = this.take();
        if (record) return Promise.resolve({ value: record, done: false });
        return this.wait(call).then((value) => (value ? { value, done: false } : { value: undefined, done: true }));
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

const EMPTY: readonly BrokerRecord[] = Object.freeze([]);
