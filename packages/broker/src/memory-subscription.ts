import { randomUUID } from 'node:crypto';
import type { BrokerRecord, Subscription } from './broker';
import { BrokerError } from './broker-error';
import { MemoryGroup } from './memory-group';
import { MemoryTopic } from './memory-topic';
import { matchesFilter, type CheckedSubscribeOptions } from './validate';

/** What a memory subscription needs from its broker. */
export interface MemoryCore {
  readonly closed: boolean;
  topic(name: string): MemoryTopic;
  detach(subscription: MemorySubscription, topic: MemoryTopic): void;
}

/**
 * A subscription to one memory topic. It holds only a cursor (the seq of the last record it read),
 * never a buffer, so a subscriber that reads slowly costs no memory: it lags, and if retention
 * trims what it has not read, it learns so (`onTrimmed`).
 */
export class MemorySubscription<V = unknown> implements Subscription<V> {
  readonly ready = Promise.resolve();
  skipped = 0;
  private topic: MemoryTopic;
  private incarnation: number;
  private lastSeq: number;
  private group: MemoryGroup | undefined;
  private readonly consumer: string;
  private closed = false;
  private detached = false;
  private wakeSelf: (() => void) | undefined;
  private readonly onAbort = () => void this.close();

  constructor(private readonly core: MemoryCore, topicName: string, private readonly options: CheckedSubscribeOptions) {
    this.topic = core.topic(topicName);
    this.topic.subscribers++;
    this.incarnation = this.topic.incarnation;
    this.consumer = options.consumer ?? (options.group ? randomUUID() : '');
    const start = this.startSeq(options.group ? options.from ?? 'earliest' : options.from ?? 'latest');
    this.lastSeq = start;
    if (options.group) {
      this.group = this.topic.groups.get(options.group);
      if (!this.group) {
        this.group = new MemoryGroup(this.topic, start);
        this.topic.groups.set(options.group, this.group);
      }
    }
    if (options.signal?.aborted) this.closed = true;
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The seq just before the first record to read. */
  private startSeq(from: NonNullable<CheckedSubscribeOptions['from']>): number {
    if (from === 'earliest') return this.topic.firstSeq - 1;
    if (from === 'latest') return this.topic.nextSeq - 1;
    const parsed = MemoryTopic.parseOffset(from.after);
    if (!parsed) throw new BrokerError('ERR_BROKER_INVALID_OFFSET', `not an offset of this broker: ${JSON.stringify(from.after)}`);
    const [incarnation, seq] = parsed;
    if (incarnation > this.topic.incarnation || (incarnation === this.topic.incarnation && seq >= this.topic.nextSeq)) {
      throw new BrokerError('ERR_BROKER_INVALID_OFFSET', `offset ${from.after} is beyond the end of topic "${this.topic.name}"`);
    }
    // An offset of an expired incarnation: everything after it is gone, read as trimmed.
    return incarnation < this.topic.incarnation ? -2 : seq;
  }

  next(): Promise<BrokerRecord<V> | undefined> {
    // A record is there already (a reader catching up): hand it out without an async frame.
    if (!this.closed && !this.core.closed) {
      let record: BrokerRecord | undefined;
      try {
        record = this.group ? this.takeFromGroup() : this.take();
      } catch (err) {
        return Promise.reject(err);
      }
      if (record) return Promise.resolve(record as BrokerRecord<V>);
    }
    return this.wait();
  }

  /** Waits for the next record (or the end) on one promise: each wake of the topic tries again. */
  private wait(): Promise<BrokerRecord<V> | undefined> {
    return new Promise<BrokerRecord<V> | undefined>((resolve, reject) => {
      let settled = false;
      const attempt = (): void => {
        if (settled) return;
        if (this.closed || this.core.closed) {
          settled = true;
          this.wakeSelf = undefined;
          this.topic.offWake(attempt); // closed while waiting: not left in a quiet topic's waiters
          this.close().then(() => resolve(undefined), reject);
          return;
        }
        let record: BrokerRecord | undefined;
        try {
          record = this.group ? this.takeFromGroup() : this.take();
        } catch (err) {
          settled = true;
          this.wakeSelf = undefined;
          reject(err);
          return;
        }
        if (record) {
          settled = true;
          this.wakeSelf = undefined;
          resolve(record as BrokerRecord<V>);
          return;
        }
        this.wakeSelf = attempt;
        this.topic.onWake(attempt);
      };
      if (this.closed || this.core.closed) attempt();
      else {
        this.wakeSelf = attempt;
        this.topic.onWake(attempt);
      }
    });
  }

  /** Fan-out: the next matching record after the cursor, if any. */
  private take(): BrokerRecord | undefined {
    const topic = this.topic;
    topic.trim(Date.now());
    if (this.incarnation !== topic.incarnation) {
      // The topic expired and started over: read the new incarnation from its start.
      this.incarnation = topic.incarnation;
      this.lastSeq = topic.firstSeq - 1;
    }
    this.lastSeq = this.checkTrimmed(this.lastSeq);
    while (this.lastSeq + 1 < topic.nextSeq) {
      const record = topic.get(++this.lastSeq)!;
      if (!this.options.filter || matchesFilter(record.headers, this.options.filter)) return record;
    }
    return undefined;
  }

  /** Group: an expired pending record first, then the next record after the group's cursor. */
  private takeFromGroup(): BrokerRecord | undefined {
    const topic = this.topic;
    const now = Date.now();
    topic.trim(now);
    if (this.incarnation !== topic.incarnation || !topic.groups.has(this.options.group!)) {
      this.incarnation = topic.incarnation;
      this.group = new MemoryGroup(topic, topic.firstSeq - 1);
      topic.groups.set(this.options.group!, this.group);
    }
    const group = this.group!;
    const again = group.takeExpired(this.consumer, now, this.options.ackTimeout);
    if (again) {
      group.scheduleWake(now);
      return again;
    }
    group.cursor = this.checkTrimmed(group.cursor);
    if (group.cursor + 1 < topic.nextSeq) {
      const seq = ++group.cursor;
      const record = group.hand(seq, topic.get(seq)!, this.consumer, now + this.options.ackTimeout);
      group.scheduleWake(now);
      return record;
    }
    group.scheduleWake(now);
    return undefined;
  }

  /** Applies `onTrimmed` when records after `seq` were trimmed unread; returns the seq to read after. */
  private checkTrimmed(seq: number): number {
    const first = this.topic.firstSeq;
    if (seq >= first - 1) return seq;
    const lost = seq === -2 ? undefined : first - 1 - seq;
    if (this.options.onTrimmed === 'skip') {
      this.skipped += lost ?? 0;
      return first - 1;
    }
    throw new BrokerError('ERR_BROKER_RECORDS_TRIMMED',
      `subscriber of "${this.topic.name}" fell behind retention: ${lost ?? 'some'} record(s) were trimmed before it read them`);
  }

  async ack(record: BrokerRecord<V>): Promise<void> {
    this.groupSeq(record, (group, seq) => group.ack(seq));
  }

  async extend(record: BrokerRecord<V>): Promise<void> {
    this.groupSeq(record, (group, seq) => group.extend(seq, Date.now() + this.options.ackTimeout));
  }

  private groupSeq(record: BrokerRecord<V>, apply: (group: MemoryGroup, seq: number) => void): void {
    if (!this.options.group) throw new BrokerError('ERR_BROKER_NOT_A_GROUP', 'ack() and extend() need a group subscription');
    const parsed = MemoryTopic.parseOffset(record.offset);
    if (parsed && parsed[0] === this.topic.incarnation && this.group) apply(this.group, parsed[1]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeSelf?.();
    if (this.detached) return;
    this.detached = true;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.group?.release(this.consumer);
    this.topic.subscribers--;
    this.core.detach(this as MemorySubscription, this.topic);
  }

  [Symbol.asyncIterator](): AsyncIterator<BrokerRecord<V>> {
    return {
      next: async () => {
        const value = await this.next();
        return value ? { value, done: false } : { value: undefined, done: true };
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
