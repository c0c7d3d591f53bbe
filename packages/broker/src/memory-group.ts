import type { BrokerRecord } from './broker';
import type { MemoryTopic } from './memory-topic';

interface Pending {
  record: BrokerRecord;
  consumer: string;
  deadline: number;
}

/**
 * A consumer group on one memory topic: a shared cursor (the last seq handed out) and the records
 * handed out but not acked yet, each with the deadline after which another member may take it.
 */
export class MemoryGroup {
  /** Seq of the last record handed out to a member. */
  cursor: number;
  readonly pending = new Map<number, Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly topic: MemoryTopic, cursor: number) {
    this.cursor = cursor;
  }

  /** A pending record whose deadline has passed, now assigned to `consumer`. */
  takeExpired(consumer: string, now: number, ackTimeout: number): BrokerRecord | undefined {
    for (const [seq, entry] of this.pending) {
      if (entry.deadline > now) continue;
      this.pending.delete(seq);
      this.pending.set(seq, { record: entry.record, consumer, deadline: now + ackTimeout });
      return { ...entry.record, redelivered: true };
    }
    return undefined;
  }

  hand(seq: number, record: BrokerRecord, consumer: string, deadline: number): BrokerRecord {
    this.pending.set(seq, { record, consumer, deadline });
    return { ...record, redelivered: false };
  }

  ack(seq: number): void {
    this.pending.delete(seq);
  }

  extend(seq: number, deadline: number): void {
    const entry = this.pending.get(seq);
    if (entry) entry.deadline = deadline;
  }

  /** A member left: what it held goes back to the group at once. */
  release(consumer: string): void {
    let released = false;
    for (const entry of this.pending.values()) {
      if (entry.consumer === consumer) {
        entry.deadline = 0;
        released = true;
      }
    }
    if (released) this.topic.wake();
  }

  /** Wakes waiting members when the earliest pending deadline passes. */
  scheduleWake(now: number): void {
    let earliest = Infinity;
    for (const entry of this.pending.values()) earliest = Math.min(earliest, entry.deadline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (earliest === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.topic.wake();
    }, Math.max(0, earliest - now + 1));
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
