import type { BrokerRecord, Retention } from './broker';
import type { MemoryGroup } from './memory-group';

/**
 * One topic of the memory broker: a bounded log in a ring (an array with a moving head), and the
 * wake-ups of the subscribers waiting for its next record.
 *
 * Records are numbered by a contiguous `seq`; the public offset is `<incarnation>-<seq>`, where the
 * incarnation changes when the topic expires, so an offset from before the expiry reads as trimmed.
 */
export class MemoryTopic {
  incarnation: number;
  /** Seq of the oldest retained record (equals `nextSeq` when empty). */
  firstSeq = 0;
  nextSeq = 0;
  written = false;
  subscribers = 0;
  retention: Retention;
  /** When the topic expires (ms since the epoch), if `expire()` was called. */
  expiresAt: number | undefined;
  /** Its place in the broker's expiry queue (-1: not queued). */
  expiryIndex = -1;
  private groupMap: Map<string, MemoryGroup> | undefined;
  private records: BrokerRecord[] = [];
  private head = 0;
  /** A Set, so that a subscription closed while waiting takes its waiter back (a quiet topic would keep them all). */
  private waiters = new Set<() => void>();

  constructor(readonly name: string, incarnation: number, retention: Retention) {
    this.incarnation = incarnation;
    this.retention = retention;
  }

  /** The consumer groups reading this topic (made on first use: most topics have none). */
  get groups(): Map<string, MemoryGroup> {
    return (this.groupMap ??= new Map());
  }

  /** Disposes every group (the broker is closing). */
  disposeGroups(): void {
    if (this.groupMap) for (const group of this.groupMap.values()) group.dispose();
  }

  get length(): number {
    return this.nextSeq - this.firstSeq;
  }

  append(key: string | null, value: unknown, headers: Readonly<Record<string, string>>, now: number): BrokerRecord {
    const record: BrokerRecord = Object.freeze({
      topic: this.name,
      offset: `${this.incarnation}-${this.nextSeq}`,
      key,
      value,
      headers,
      timestamp: now,
    });
    this.records.push(record);
    this.nextSeq++;
    this.written = true;
    this.trim(now);
    this.wake();
    return record;
  }

  /** The record with this seq, if it is retained. */
  get(seq: number): BrokerRecord | undefined {
    if (seq < this.firstSeq || seq >= this.nextSeq) return undefined;
    return this.records[this.head + (seq - this.firstSeq)];
  }

  /** Applies retention: the oldest records beyond `maxLength` or older than `maxAge` go. */
  trim(now: number): void {
    const { maxLength, maxAge } = this.retention;
    let drop = maxLength !== undefined && this.length > maxLength ? this.length - maxLength : 0;
    if (maxAge !== undefined) {
      const oldest = now - maxAge;
      while (drop < this.length && this.records[this.head + drop]!.timestamp < oldest) drop++;
    }
    if (drop === 0) return;
    for (let i = 0; i < drop; i++) this.records[this.head + i] = undefined as never;
    this.head += drop;
    this.firstSeq += drop;
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }

  /** Forgets every record and group: the topic starts over as a new incarnation. */
  reset(incarnation: number): void {
    this.incarnation = incarnation;
    this.records = [];
    this.head = 0;
    this.firstSeq = 0;
    this.nextSeq = 0;
    this.written = false;
    if (this.groupMap) for (const group of this.groupMap.values()) group.dispose();
    this.groupMap = undefined;
    this.wake();
  }

  /** Resolves on the next append, reset or `wake()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Calls `wake` (once) on the next append, reset or `wake()`: `wait()` without a promise of its own. */
  onWake(wake: () => void): void {
    this.waiters.add(wake);
  }

  /** Forgets a waiter that no longer waits (its subscription closed). */
  offWake(wake: () => void): void {
    this.waiters.delete(wake);
  }

  wake(): void {
    if (this.waiters.size === 0) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const resolve of waiters) resolve();
  }

  /** Parses an offset of this broker: `[incarnation, seq]`, or undefined when it is not one. */
  static parseOffset(offset: string): [number, number] | undefined {
    const match = /^(\d{1,15})-(\d{1,15})$/.exec(offset);
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  }
}
