/**
 * The broker contract every agentway package shares (DESIGN.md §2).
 *
 * A topic is an append-only, bounded log. Subscribers read it by position, so a slow subscriber
 * only lags behind: it never makes the producer (or the broker) buffer without bound.
 */

/** A JSON value: what a record carries. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Record headers: string → string. */
export type Headers = Readonly<Record<string, string>>;

export interface BrokerRecord<V = unknown> {
  readonly topic: string;
  /** Opaque and ordered within its topic: pass it back as `{ after: offset }` to resume right after it. */
  readonly offset: string;
  readonly key: string | null;
  readonly value: V;
  readonly headers: Headers;
  /** Milliseconds since the epoch, set by the broker when the record was appended. */
  readonly timestamp: number;
  /** Group subscriptions only: true when this record was handed out before and not acknowledged. */
  readonly redelivered?: boolean;
}

export interface PublishMessage<V = unknown> {
  key?: string | null;
  value: V;
  headers?: Record<string, string>;
}

/** Where a subscription starts: the oldest retained record, the next new one, or right after an offset. */
export type Position = 'earliest' | 'latest' | { readonly after: string };

export interface SubscribeOptions {
  /**
   * Where to start. Default `'latest'`. With `group`, where the group starts when it is first
   * created (default `'earliest'`, so a work queue never misses work published before its first
   * member); an existing group resumes where it left off.
   */
  from?: Position;
  /** Share records among the group's members (each record to one member, acked) instead of fanning out. */
  group?: string;
  /** This member's name in the group (default: a random one). */
  consumer?: string;
  /** Group only: a record not acked within this many ms is handed out again (default 30 000). */
  ackTimeout?: number;
  /** Only records whose headers hold every one of these pairs (not with `group`). */
  filter?: Record<string, string>;
  /**
   * What happens when retention trims records this subscriber has not read yet:
   * `'error'` (default) ends the iteration with `ERR_BROKER_RECORDS_TRIMMED`;
   * `'skip'` jumps to the oldest retained record and counts what was lost in `subscription.skipped`.
   */
  onTrimmed?: 'error' | 'skip';
  /** Aborting it closes the subscription. */
  signal?: AbortSignal;
}

export interface Subscription<V = unknown> extends AsyncIterable<BrokerRecord<V>> {
  /** Resolves once the start position is fixed: publish after this and the record is seen. */
  readonly ready: Promise<void>;
  /** Records lost to retention so far (`onTrimmed: 'skip'`). */
  readonly skipped: number;
  /** The next record, or `undefined` once the subscription is closed. */
  next(): Promise<BrokerRecord<V> | undefined>;
  /** Group only: the record is done and will not be handed out again. */
  ack(record: BrokerRecord<V>): Promise<void>;
  /** Group only: restarts the record's ack timeout (a long job that is still alive). */
  extend(record: BrokerRecord<V>): Promise<void>;
  /** Ends the iteration; records handed out but not acked go back to the group. Idempotent. */
  close(): Promise<void>;
}

export interface Retention {
  /** Keep at most about this many records (the oldest are trimmed). */
  maxLength?: number;
  /** Trim records older than this many milliseconds. */
  maxAge?: number;
}

export interface TopicInfo<V = unknown> {
  readonly length: number;
  /** The oldest retained record, if any. */
  readonly first: BrokerRecord<V> | undefined;
  /** The newest record, if any (a run's last event tells whether it has ended). */
  readonly last: BrokerRecord<V> | undefined;
}

export interface Broker {
  /** Appends a record; resolves once it is stored (acknowledged) with its offset. */
  publish<V = unknown>(topic: string, message: PublishMessage<V>): Promise<BrokerRecord<V>>;
  /** Reads a topic by position; see `SubscribeOptions`. */
  subscribe<V = unknown>(topic: string, options?: SubscribeOptions): Subscription<V>;
  /** Bounds one topic's log (overrides the broker's default retention for that topic). */
  setRetention(topic: string, retention: Retention): Promise<void>;
  /** Deletes the topic and its records after `ttl` ms (a finished run's events, say). */
  expire(topic: string, ttl: number): Promise<void>;
  /** Length and first/last records, or `undefined` when the topic does not exist (never written, or expired). */
  describe<V = unknown>(topic: string): Promise<TopicInfo<V> | undefined>;
  /**
   * Claims `key` for `ttl` ms: resolves `true` for the first caller, `false` for every caller until
   * the claim lapses or is released — across every process sharing the broker (a webhook delivery
   * id, a schedule's fire time: de-duplication and fire-once locks).
   */
  claim(key: string, ttl: number): Promise<boolean>;
  /** Gives a claim back before it lapses (the work it guarded failed before it was done): the next `claim` of `key` wins. */
  release(key: string): Promise<void>;
  /** Ends every subscription and releases every timer and connection. Idempotent. */
  close(): Promise<void>;
}
