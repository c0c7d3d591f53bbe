import { randomUUID } from 'node:crypto';
import { BrokerError, type BrokerRecord, type CheckedSubscribeOptions, type Subscription } from '@agentway/broker';
import { ErrorReply } from 'redis';
import { BlockingConnection } from './blocking-connection';
import type { Connections } from './connections';
import type { Keys } from './keys';
import { decodeEntry, type StreamEntry } from './record-codec';
import { GROUP_CREATE, GROUP_READ, GROUP_RELEASE } from './scripts';
import { parseStreamId } from './stream-id';

/** What a group subscription needs from its broker. */
export interface GroupCore {
  readonly closed: boolean;
  readonly connections: Connections;
  readonly keys: Keys;
  detach(subscription: Subscription<never>): void;
  /** A member released records: the group's other members here should reclaim them now. */
  released(topic: string, group: string): void;
}

type ReadReply = ['nogroup'] | ['claimed', 0, StreamEntry[]] | ['trimmed', number] | ['read', number, StreamEntry[]];

/** The idle time given to a leaving member's records: any other member's next XAUTOCLAIM takes them. */
const RELEASED_IDLE = String(10 * 365 * 24 * 3600 * 1000);
const NOOP = () => undefined;

/**
 * A member of a consumer group: XREADGROUP hands it one record at a time (so work spreads across
 * members and nothing waits in a local buffer while its ack timeout runs), records idle past
 * `ackTimeout` are reclaimed with XAUTOCLAIM (`redelivered: true`), and its blocking reads run on
 * a connection of its own. Closing it hands its unacked records back to the group at once.
 */
export class GroupSubscription<V = unknown> implements Subscription<V> {
  readonly ready: Promise<void>;
  skipped = 0;
  readonly group: string;
  private readonly key: string;
  private readonly consumer: string;
  private readonly blockMs: number;
  private blocking: BlockingConnection | undefined;
  private held: BrokerRecord | undefined;
  private filling: Promise<void> | undefined;
  private lastClaim = 0;
  private reclaim = false;
  private started = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private calls = 0;
  private endSubscription: (() => void) | undefined;
  private readonly ended = new Promise<undefined>((resolve) => (this.endSubscription = () => resolve(undefined)));
  private readonly onAbort = () => void this.close();

  constructor(private readonly core: GroupCore, readonly topic: string, private readonly options: CheckedSubscribeOptions) {
    this.group = options.group!;
    this.key = core.keys.stream(topic);
    this.consumer = options.consumer ?? randomUUID();
    this.blockMs = Math.min(1_000, Math.max(10, Math.floor(options.ackTimeout / 4)));
    const from = options.from ?? 'earliest';
    const after = typeof from === 'object' ? parseStreamId(from.after) : undefined;
    if (typeof from === 'object' && after === undefined) {
      throw new BrokerError('ERR_BROKER_INVALID_OFFSET', `not an offset of this broker (a Redis stream id): ${JSON.stringify(from.after)}`);
    }
    this.ready = this.start(typeof from === 'object' ? 'after' : from, after ?? '');
    this.ready.catch(NOOP);
    if (options.signal?.aborted) this.closed = true;
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private async start(mode: 'latest' | 'earliest' | 'after', after: string): Promise<void> {
    const [created, connection] = await Promise.allSettled([
      this.createGroup(mode, after),
      this.core.connections.openDedicated('agentway-group'),
    ]);
    if (connection.status === 'fulfilled') this.blocking = new BlockingConnection(this.core.connections, connection.value);
    if (created.status === 'rejected') throw created.reason;
    if (connection.status === 'rejected') throw connection.reason;
    this.started = true;
  }

  private async createGroup(mode: 'latest' | 'earliest' | 'after', after = ''): Promise<void> {
    const reply = await GROUP_CREATE.run<string>(this.core.connections, [this.key], [this.group, mode, after, '1000']);
    if (reply === 'beyond') throw new BrokerError('ERR_BROKER_INVALID_OFFSET', `offset ${after} is beyond the end of topic "${this.topic}"`);
  }

  /**
   * The next record. A call made while another waits takes over: the earlier one (abandoned, say by
   * a timeout race) takes nothing and ends with the subscription, so no record is handed to nobody.
   */
  async next(): Promise<BrokerRecord<V> | undefined> {
    const call = ++this.calls;
    if (!this.closed) await this.ready;
    while (!this.closed && !this.core.closed) {
      if (call !== this.calls) return this.ended;
      const record = this.held;
      this.held = undefined;
      if (record) return record as BrokerRecord<V>;
      this.filling ??= this.fill().finally(() => (this.filling = undefined));
      await this.filling;
    }
    await this.close();
    return undefined;
  }

  /** Takes the member's next record into `held`, or returns when the subscription closes. */
  private async fill(): Promise<void> {
    const { connections } = this.core;
    while (!this.closed && !this.core.closed) {
      try {
        const now = Date.now();
        const claim = this.reclaim || now - this.lastClaim >= this.blockMs;
        if (claim) {
          this.lastClaim = now;
          this.reclaim = false;
        }
        // On the member's own connection (idle between its blocking reads), not the shared one.
        const reply = await GROUP_READ.run<ReadReply>(connections, [this.key],
          [this.group, this.consumer, '1', this.options.onTrimmed, claim ? String(this.options.ackTimeout) : '-1'], this.blocking!.connection);
        if (reply[0] === 'nogroup') {
          await this.createGroup('earliest'); // the topic expired: the group starts over with it
          continue;
        }
        if (reply[0] === 'trimmed') {
          throw new BrokerError('ERR_BROKER_RECORDS_TRIMMED', `group "${this.group}" of "${this.topic}" fell behind retention: `
            + `${reply[1] > 0 ? reply[1] : 'some'} record(s) were trimmed before it read them`);
        }
        if (reply[0] === 'read' && reply[1] !== 0) this.skipped += reply[1] > 0 ? reply[1] : 1;
        if (reply[2].length > 0) return this.hold(reply[2][0]!, reply[0] === 'claimed');
        if (this.closed) return;
        const blocked = await this.blocking!.read<Record<string, StreamEntry[]> | null>(
          ['XREADGROUP', 'GROUP', this.group, this.consumer, 'COUNT', '1', 'BLOCK', String(this.blockMs), 'STREAMS', this.key, '>']);
        this.blocking!.succeeded();
        const entry = blocked?.[this.key]?.[0];
        if (entry) return this.hold(entry, false);
      } catch (err) {
        if (this.closed) return;
        const reply = err instanceof ErrorReply ? err : (err as { cause?: unknown }).cause;
        if (reply instanceof ErrorReply && reply.message.startsWith('NOGROUP')) continue; // expired while blocked
        if (err instanceof BrokerError && (err.code !== 'ERR_BROKER_UNAVAILABLE' || reply instanceof ErrorReply)) throw err;
        if (reply instanceof ErrorReply) throw connections.unavailable(reply, ['XREADGROUP']);
        await this.blocking!.recover(); // Redis is away: wait for it, then read on
      }
    }
  }

  private hold(entry: StreamEntry, redelivered: boolean): void {
    this.held = { ...decodeEntry(this.topic, entry), redelivered };
  }

  async ack(record: BrokerRecord<V>): Promise<void> {
    const id = parseStreamId(record.offset);
    if (id) await this.core.connections.run(['XACK', this.key, this.group, id]);
  }

  /** Resets the record's idle time (XCLAIM to this member), so its ack timeout starts over. */
  async extend(record: BrokerRecord<V>): Promise<void> {
    const id = parseStreamId(record.offset);
    if (id) await this.core.connections.run(['XCLAIM', this.key, this.group, this.consumer, '0', id, 'JUSTID']);
  }

  /** Another member here released records: take them at the next read, and stop waiting now. */
  reclaimSoon(): void {
    this.reclaim = true;
    void this.blocking?.interrupt();
  }

  close(): Promise<void> {
    this.closed = true;
    this.endSubscription?.();
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.onAbort);
    // Redis away: nothing to wait for (the read fails once its connection is gone), and the
    // member's records go back to the group after ackTimeout instead of at once.
    const online = this.core.connections.command.isReady;
    this.blocking?.cancel();
    if (online) {
      await this.blocking?.interrupt();
      await this.filling?.catch(NOOP);
    }
    let released = 0;
    if (this.started && online) { // not started: nothing was handed out
      released = await GROUP_RELEASE.run<number>(this.core.connections, [this.key], [this.group, this.consumer, RELEASED_IDLE]).catch(() => 0);
    }
    if (this.blocking) this.core.connections.release(this.blocking.connection);
    this.core.detach(this as Subscription<never>);
    if (released > 0) this.core.released(this.topic, this.group);
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
