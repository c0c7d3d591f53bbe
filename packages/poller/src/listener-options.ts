import type { Broker, Position } from '@agentway/broker';
import { anyOf, boolean, checkOptions, func, number, object, recordOf, required, satisfies, string } from '@agentway/options';
import type { Lock } from './job';
import type { Republish } from './listener';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import type { RedisClientLike } from './redis-connection';
import type { SseHeaders } from './sse-listener';

/** Options of `new ListenerManager()`. */
export interface ListenerManagerOptions {
  /** For `onTopic()` and for republishing what the listeners hear. */
  broker?: Broker;
  /** For `onRedis()`: a `redis://` URL, or a node-redis client (the subscriber is a `duplicate()` of it). */
  redis?: string | RedisClientLike;
  /** With it, an SSE event id is handled by one instance only (a `Broker` or any `{ claim(key, ttl) }`). */
  lock?: Lock;
  /** How long an SSE event id stays claimed, in ms. Default 600 000. */
  dedupeTtl?: number;
  /** Prefix of the lock keys (`<prefix><listener name>:<event id>`). Default `listener:`. */
  keyPrefix?: string;
  /** Waits between reconnections: `initial` ms doubling up to `max`, less up to half at random. Default `{ initial: 1000, max: 30000 }`. */
  backoff?: { initial?: number; max?: number };
  /** The most characters of an SSE event still incomplete the reader buffers; beyond, it drops the connection. Default 1 MiB. */
  maxEventSize?: number;
  /** Where connection losses and handler failures are reported. Default: silent. */
  logger?: Logger;
}

interface CommonListenerOptions<M> {
  /** Unique per manager (and the same on every instance: it forms the SSE lock keys). Default: the kind and target. */
  name?: string;
  /** Also publish each message to this broker topic (needs `broker`). */
  republish?: Republish<M>;
}

/** Options of `onSse()`. */
export interface SseListenerOptions<M> extends CommonListenerOptions<M> {
  /** Request headers (`authorization`…), or a function that returns them at each connection. */
  headers?: SseHeaders;
  /** Resume after this event id. Default: the id of the last record this listener republished, if any. */
  lastEventId?: string;
}

/** Options of `onRedis()`. */
export interface RedisListenerOptions<M> extends CommonListenerOptions<M> {
  /** `PSUBSCRIBE` (a glob pattern) rather than `SUBSCRIBE`. Default: when the name holds `*`, `?` or `[`. */
  pattern?: boolean;
}

/** Options of `onTopic()`. */
export interface TopicListenerOptions<M> extends CommonListenerOptions<M> {
  /** Share the records among the group's members (one instance handles each) instead of every instance hearing all. */
  group?: string;
  /** Where to start (see the broker's `subscribe`). Default `latest`, or the group's position. */
  from?: Position;
  /** With `group`: a record not acknowledged within this many ms goes to another member (the broker's default: 30 000). */
  ackTimeout?: number;
}

const PKG = 'poller';
const isBroker = (v: unknown) => typeof (v as Broker | null)?.publish === 'function' && typeof (v as Broker).subscribe === 'function';
const isRedis = (v: unknown) => typeof v === 'string' ? /^rediss?:\/\//.test(v) : typeof (v as RedisClientLike | null)?.duplicate === 'function';
const isPosition = (v: unknown) => v === 'earliest' || v === 'latest' || typeof (v as { after?: unknown } | null)?.after === 'string';
const republish = anyOf<[string, { topic: string; map?: unknown }]>('a topic name or { topic, map }',
  string({ nonEmpty: true }), object({ topic: required(string({ nonEmpty: true })), map: func() }));

/** Checks a listener manager's options once and fills in the defaults. */
export function resolveListenerOptions(options: Readonly<ListenerManagerOptions> | undefined) {
  const o = checkOptions(PKG, options, {
    broker: satisfies<Broker>('a Broker', isBroker),
    redis: satisfies<string | RedisClientLike>('a redis:// URL or a node-redis client', isRedis),
    lock: satisfies<Lock>('an object with claim(key, ttl), such as a Broker', (v) => typeof (v as Lock | null)?.claim === 'function'),
    dedupeTtl: number({ min: 1, integer: true }),
    keyPrefix: string(),
    backoff: object({ initial: number({ min: 1, integer: true }), max: number({ min: 1, integer: true }) }),
    maxEventSize: number({ min: 1, integer: true }),
    logger: loggerOption,
  });
  return Object.freeze({
    broker: o.broker, redis: o.redis, lock: o.lock, dedupeTtl: o.dedupeTtl ?? 600_000, keyPrefix: o.keyPrefix ?? 'listener:',
    backoff: Object.freeze({ initial: o.backoff?.initial ?? 1_000, max: o.backoff?.max ?? 30_000 }),
    maxEventSize: o.maxEventSize ?? 1_048_576, logger: o.logger ?? silentLogger,
  });
}

const common = { name: string({ nonEmpty: true }), republish };

/** Checks the options of one listener. */
export function resolveSseOptions<M>(options: SseListenerOptions<M> | undefined): SseListenerOptions<M> {
  return checkOptions(PKG, options, {
    ...common,
    headers: anyOf('an object of strings or a function', recordOf(string()), func()),
    lastEventId: string(),
  }) as SseListenerOptions<M>;
}

export function resolveRedisOptions<M>(options: RedisListenerOptions<M> | undefined): RedisListenerOptions<M> {
  return checkOptions(PKG, options, { ...common, pattern: boolean() }) as RedisListenerOptions<M>;
}

export function resolveTopicOptions<M>(options: TopicListenerOptions<M> | undefined): TopicListenerOptions<M> {
  return checkOptions(PKG, options, {
    ...common, group: string({ nonEmpty: true }),
    from: satisfies<Position>('"earliest", "latest" or { after: offset }', isPosition),
    ackTimeout: number({ min: 1, integer: true }),
  }) as TopicListenerOptions<M>;
}
