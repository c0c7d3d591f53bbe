import type { BrokerRecord } from '@agentway/broker';
import { ErrorReply } from 'redis';
import { BlockingConnection } from './blocking-connection';
import type { Connections } from './connections';
import type { Keys } from './keys';
import { decodeEntry, type StreamEntry } from './record-codec';
import { TRIM_CHECK } from './scripts';
import { compareIds, follows, previousId } from './stream-id';
import type { TopicRetentions } from './topic-retentions';

/** Records lost to retention before a batch: how many entries were ever trimmed (and, when nothing is left, the last id). */
export interface Loss {
  readonly gone: number;
  readonly last?: string;
}

/** What the reader needs of a fan-out subscription waiting for records. */
export interface ReaderClient {
  readonly topic: string;
  /** The id to read after. */
  readonly cursor: string;
  /** How many entries were ever appended up to the cursor, if known (it makes trim checks exact). */
  readonly index: number | undefined;
  /** Set by the reader: its last batch was full, so it is read from its cursor's own entry on (see `cursorOf`). */
  catchingUp: boolean;
  /** The records after the cursor start at `records[from]`; `loss` when retention trimmed some before them. */
  receive(records: readonly BrokerRecord[], from: number, loss?: Loss): void;
  fail(error: Error): void;
}

const COUNT = 100;
const BLOCK_MS = 5_000;

/**
 * Every fan-out subscription of a broker reads through this one blocking connection:
 * `XREAD COUNT 100 BLOCK … STREAMS <every waited topic> <the lowest cursor of each>`. A reply is
 * decoded once per record and shared by the subscriptions of its topic; a subscription joining
 * with a topic or an older cursor the read in flight lacks interrupts it (CLIENT UNBLOCK).
 * Only subscriptions that wait for their next batch are read for, so a slow one costs nothing.
 */
export class StreamReader {
  private readonly waiting = new Map<string, Set<ReaderClient>>();
  private blocking: Promise<BlockingConnection> | undefined;
  private opened: BlockingConnection | undefined;
  private running = false;
  /** Topic → cursor of the read in flight. */
  private sent: Map<string, string> | undefined;
  private closed = false;

  constructor(private readonly connections: Connections, private readonly keys: Keys, private readonly retentions: TopicRetentions) {}

  /** Reads the subscription's next batch (after its cursor) and hands it to `receive()`. */
  wait(client: ReaderClient): void {
    let clients = this.waiting.get(client.topic);
    if (!clients) this.waiting.set(client.topic, (clients = new Set()));
    clients.add(client);
    if (!this.running) {
      this.running = true;
      void this.loop();
      return;
    }
    const sentCursor = this.sent?.get(client.topic);
    if (this.sent && (sentCursor === undefined || compareIds(cursorOf(client), sentCursor) < 0)) void this.opened?.interrupt();
  }

  /** Stops waiting for this subscription. */
  cancel(client: ReaderClient): void {
    const clients = this.waiting.get(client.topic);
    if (!clients?.delete(client)) return;
    if (clients.size === 0) this.waiting.delete(client.topic);
  }

  close(): void {
    this.closed = true;
    this.opened?.cancel();
    if (this.opened) this.connections.release(this.opened.connection);
    this.waiting.clear();
  }

  private async loop(): Promise<void> {
    try {
      const blocking = await this.open();
      while (!this.closed && this.waiting.size > 0) {
        const args = ['XREAD', 'COUNT', String(COUNT), 'BLOCK', String(BLOCK_MS), 'STREAMS'];
        const sent = new Map<string, string>();
        for (const [topic, clients] of this.waiting) {
          args.push(this.keys.stream(topic));
          let lowest: string | undefined;
          for (const client of clients) {
            const cursor = cursorOf(client);
            if (lowest === undefined || compareIds(cursor, lowest) < 0) lowest = cursor;
          }
          sent.set(topic, lowest!);
        }
        for (const cursor of sent.values()) args.push(cursor);
        this.sent = sent;
        let reply: Record<string, StreamEntry[]> | null;
        try {
          reply = await blocking.read<Record<string, StreamEntry[]> | null>(args);
          blocking.succeeded();
        } catch (err) {
          this.sent = undefined;
          if (this.closed) return;
          if (err instanceof ErrorReply) await this.refuse(err);
          else await blocking.recover();
          continue;
        }
        this.sent = undefined;
        if (reply) this.dispatch(reply);
      }
    } catch (err) {
      // The reader's connection could not be opened: every waiting subscription fails with why.
      this.blocking = undefined;
      for (const clients of this.waiting.values()) for (const client of clients) client.fail(this.connections.unavailable(err));
      this.waiting.clear();
    } finally {
      this.running = false;
    }
  }

  private open(): Promise<BlockingConnection> {
    this.blocking ??= this.connections.openDedicated('agentway-reader').then((connection) => {
      this.opened = new BlockingConnection(this.connections, connection);
      if (this.closed) this.close();
      return this.opened;
    });
    return this.blocking;
  }

  private dispatch(reply: Record<string, StreamEntry[]>): void {
    for (const streamKey in reply) {
      const topic = this.keys.topicOf(streamKey);
      const clients = this.waiting.get(topic);
      const entries = reply[streamKey]!;
      if (!clients || entries.length === 0) continue;
      const records = entries.map((entry) => decodeEntry(topic, entry));
      for (const client of [...clients]) {
        let from = 0;
        while (from < records.length && compareIds(records[from]!.offset, client.cursor) <= 0) from++;
        if (from === records.length) {
          client.catchingUp = false; // only its own entry came back: it has caught up, wait for more
          continue;
        }
        // Its cursor's own entry came back first: nothing after it was trimmed.
        const kept = from > 0 && records[from - 1]!.offset === client.cursor;
        client.catchingUp = records.length >= COUNT;
        this.cancel(client);
        if (kept || this.nothingLost(topic, client.cursor, records, from)) client.receive(records, from);
        else void this.check(client, records, from);
      }
    }
  }

  /**
   * True when no record after the cursor can have been trimmed: the first one read is the very next
   * id, or the batch holds every record after the cursor and fewer than the topic's maxLength (a
   * trim keeps at least that many).
   */
  private nothingLost(topic: string, cursor: string, records: readonly BrokerRecord[], from: number): boolean {
    if (follows(records[from]!.offset, cursor)) return true;
    if (records.length >= COUNT) return false;
    const retention = this.retentions.get(topic)?.retention;
    return retention !== undefined && retention.maxAge === undefined && retention.maxLength !== undefined
      && records.length - from < retention.maxLength;
  }

  /** Asks Redis whether entries after the cursor were trimmed (atomically with a re-read if need be). */
  private async check(client: ReaderClient, records: readonly BrokerRecord[], from: number): Promise<void> {
    type Reply = [0] | [1, number] | [2, number, string, StreamEntry[]];
    try {
      const reply = await TRIM_CHECK.run<Reply>(this.connections, [this.keys.stream(client.topic)],
        [client.cursor, records[from]!.offset, String(COUNT), String(client.index ?? -1)]);
      if (reply[0] === 0) client.receive(records, from);
      else if (reply[0] === 1) client.receive(records, from, { gone: reply[1] });
      else client.receive(reply[3].map((entry) => decodeEntry(client.topic, entry)), 0, { gone: reply[1], last: reply[2] });
    } catch (err) {
      if (this.closed) return;
      if ((err as { cause?: unknown }).cause instanceof ErrorReply) client.fail(this.connections.unavailable(err));
      else this.wait(client); // Redis is away: read the batch again once it is back.
    }
  }

  /** Redis refused the XREAD (a topic's key holds something else than a stream): fail those topics' readers. */
  private async refuse(err: ErrorReply): Promise<void> {
    const topics = [...this.waiting.keys()];
    const types = await Promise.all(topics.map((topic) =>
      this.connections.run<string>(['TYPE', this.keys.stream(topic)]).catch(() => 'unknown')));
    const bad = topics.filter((_, i) => types[i] !== 'stream' && types[i] !== 'none');
    for (const topic of bad.length > 0 ? bad : topics) {
      for (const client of this.waiting.get(topic) ?? []) {
        this.cancel(client);
        client.fail(this.connections.unavailable(err, ['XREAD']));
      }
    }
  }
}

/**
 * Where to read a subscription from. One that is catching up is read from just before its cursor,
 * so the reply starts with its cursor's own entry: if that is still there, nothing after it was
 * trimmed, and no trim check is needed. (A caught-up one is read after its cursor, so the read blocks.)
 */
function cursorOf(client: ReaderClient): string {
  return client.catchingUp && client.cursor !== '0-0' ? previousId(client.cursor) : client.cursor;
}
