import type { BrokerRecord } from '@agentway/broker';
import type { Router } from 'express';
import type { Listener, ListenerDeps, ListenerHandler, ListenerStatus, Republish } from './listener';
import {
  resolveListenerOptions, resolveRedisOptions, resolveSseOptions, resolveTopicOptions,
  type ListenerManagerOptions, type RedisListenerOptions, type SseListenerOptions, type TopicListenerOptions,
} from './listener-options';
import { resolveRouterOptions, type StatusRouterOptions } from './poller-options';
import { usageError } from './poller-error';
import { RedisConnection } from './redis-connection';
import { RedisListener, type RedisMessage } from './redis-listener';
import { redact, SseListener, type SseMessage } from './sse-listener';
import { statusRouter } from './status-router';
import { TopicListener } from './topic-listener';

/** A registered listener: its name, its status and when it first connected. */
export interface ListenerHandle {
  readonly name: string;
  status(): ListenerStatus;
  /** Resolves once it has connected (or subscribed) the first time, or stopped. */
  readonly ready: Promise<void>;
}

/**
 * Listeners on SSE streams, Redis Pub/Sub and broker topics that never give up: each handles its
 * messages in order, can republish them to a broker topic, and reconnects with back-off.
 * Listeners added before `start()` begin then; those added after begin at once.
 */
export class ListenerManager {
  private readonly config: ReturnType<typeof resolveListenerOptions>;
  private readonly deps: ListenerDeps;
  private readonly registry = new Map<string, Listener<never>>();
  private connection: RedisConnection | undefined;
  private active = false;

  constructor(options?: Readonly<ListenerManagerOptions>) {
    this.config = resolveListenerOptions(options);
    this.deps = { broker: this.config.broker, logger: this.config.logger };
  }

  /** Reads an SSE stream; see `SseListenerOptions`. `handler` may be `null` when `republish` is given. */
  onSse(url: string, handler: ListenerHandler<SseMessage> | null, options?: SseListenerOptions<SseMessage>): ListenerHandle {
    let parsed: URL | undefined;
    try { parsed = new URL(url); } catch { /* reported below */ }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) throw usageError('ERR_POLLER_INVALID_TARGET', `onSse() takes an http(s) URL, got ${JSON.stringify(String(url))}`);
    const o = resolveSseOptions(options);
    const { backoff, maxEventSize, lock, dedupeTtl, keyPrefix, broker } = this.config;
    return this.add(o.name ?? `sse ${redact(url)}`, handler, o.republish, (name) => new SseListener(name, url, handler, o.republish,
      { headers: o.headers, lastEventId: o.lastEventId, backoff, maxEventSize, lock, dedupeTtl, keyPrefix, resume: o.lastEventId === undefined ? broker : undefined },
      this.deps));
  }

  /** Subscribes to a Redis Pub/Sub channel or pattern (needs the `redis` option). */
  onRedis(channel: string, handler: ListenerHandler<RedisMessage> | null, options?: RedisListenerOptions<RedisMessage>): ListenerHandle {
    if (typeof channel !== 'string' || channel === '') throw usageError('ERR_POLLER_INVALID_TARGET', 'onRedis() takes a channel name or pattern');
    const o = resolveRedisOptions(options);
    if (this.config.redis === undefined) throw usageError('ERR_POLLER_NO_REDIS', 'onRedis() needs the redis option (a redis:// URL or a node-redis client)');
    this.connection ??= new RedisConnection(this.config.redis, this.config.logger);
    const pattern = o.pattern ?? /[*?[]/.test(channel);
    const connection = this.connection;
    return this.add(o.name ?? `redis ${channel}`, handler, o.republish,
      (name) => new RedisListener(name, channel, pattern, handler, o.republish, connection, this.deps));
  }

  /** Reads a broker topic (needs the `broker` option); with `group`, shares its records among the instances. */
  onTopic(topic: string, handler: ListenerHandler<BrokerRecord> | null, options?: TopicListenerOptions<BrokerRecord>): ListenerHandle {
    if (typeof topic !== 'string' || topic === '') throw usageError('ERR_POLLER_INVALID_TARGET', 'onTopic() takes a topic name');
    const o = resolveTopicOptions(options);
    if (!this.config.broker) throw usageError('ERR_POLLER_NO_BROKER', 'onTopic() needs the broker option');
    return this.add(o.name ?? `topic ${topic}${o.group ? ` (${o.group})` : ''}`, handler, o.republish,
      (name) => new TopicListener(name, topic, handler, o.republish, { group: o.group, from: o.from, ackTimeout: o.ackTimeout, backoff: this.config.backoff }, this.deps));
  }

  /** Starts every listener (and those added later). Idempotent. */
  start(): void {
    if (this.active) return;
    this.active = true;
    for (const listener of this.registry.values()) listener.start();
  }

  /** Resolves once every listener has connected the first time (or given up). */
  async ready(): Promise<void> {
    await Promise.all([...this.registry.values()].map((l) => l.ready));
  }

  /** Ends every connection, subscription and timer; resolves once the messages in hand are done. */
  async stop(): Promise<void> {
    this.active = false;
    const stopping = [...this.registry.values()].map((l) => l.stop());
    await this.connection?.close();
    this.connection = undefined;
    await Promise.all(stopping);
  }

  /** Every listener's status. */
  status(): ListenerStatus[] {
    return [...this.registry.values()].map((l) => l.status());
  }

  /** One listener's status, or `undefined`. */
  listener(name: string): ListenerStatus | undefined {
    return this.registry.get(name)?.status();
  }

  /** An Express router: `GET /` lists the listeners, `GET /:name` shows one (404 JSON otherwise). */
  router(options?: Readonly<StatusRouterOptions>): Router {
    const { auth } = resolveRouterOptions(options);
    return statusRouter({ key: 'listeners', noun: 'listener', list: () => this.status(), get: (name) => this.listener(name) }, auth);
  }

  private add<M>(name: string, handler: ListenerHandler<M> | null, republish: Republish<M> | undefined,
    create: (name: string) => Listener<M>): ListenerHandle {
    if (handler !== null && typeof handler !== 'function') throw usageError('ERR_POLLER_NO_HANDLER', `listener "${name}": the handler must be a function (or null with republish)`);
    if (handler === null && republish === undefined) throw usageError('ERR_POLLER_NO_HANDLER', `listener "${name}" needs a handler or the republish option`);
    if (republish !== undefined && !this.config.broker) throw usageError('ERR_POLLER_NO_BROKER', `listener "${name}": republish needs the broker option`);
    if (this.registry.has(name)) throw usageError('ERR_POLLER_DUPLICATE_NAME', `a listener named "${name}" exists already; give each listener its own name`);
    const listener = create(name);
    this.registry.set(name, listener as Listener<never>);
    if (this.active) listener.start();
    return Object.freeze({ name, status: () => listener.status(), ready: listener.ready });
  }
}
