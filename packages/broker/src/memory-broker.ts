import { checkOptions, number, object } from '@agentway/options';
import type { Broker, BrokerRecord, PublishMessage, Retention, SubscribeOptions, Subscription, TopicInfo } from './broker';
import { BrokerError } from './broker-error';
import { MemorySubscription, type MemoryCore } from './memory-subscription';
import { ExpiryQueue } from './expiry-queue';
import { MemoryTopic } from './memory-topic';
import { MemoryClaims } from './memory-claims';
import { copyJsonValue } from './json-copy';
import { checkClaimKey, checkMessage, checkRetention, checkSubscribeOptions, checkTopic, checkTtl, encodeValue } from './validate';

export interface MemoryBrokerOptions {
  /** Default bound of every topic's log. Default `{ maxLength: 10_000 }`. */
  retention?: Retention;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function isEmpty(headers: Readonly<Record<string, string>>): boolean {
  for (const name in headers) if (Object.hasOwn(headers, name)) return false;
  return true;
}

const retentionSchema = object({ maxLength: number({ min: 1, integer: true }), maxAge: number({ min: 1 }) });

/**
 * A broker in this process's memory: the default for one machine and for tests. It implements the
 * whole contract (and passes `@agentway/broker/conformance`); values are stored as parsed copies of
 * their JSON, exactly what a Redis-backed broker would hand back.
 */
export function createMemoryBroker(options: Readonly<MemoryBrokerOptions> = {}): Broker {
  const config = checkOptions('broker', options, { retention: retentionSchema });
  const defaultRetention: Retention = { maxLength: 10_000, ...config.retention };
  const topics = new Map<string, MemoryTopic>();
  const subscriptions = new Set<MemorySubscription>();
  const claims = new MemoryClaims();
  let lastRetention: { given: Retention; maxLength?: number; maxAge?: number; merged: Retention } | undefined;
  let incarnations = 0;
  let closed = false;
  const expiries = new ExpiryQueue<MemoryTopic>((t) => {
    if (topics.get(t.name) !== t) return;
    if (t.subscribers > 0) t.reset(++incarnations);
    else topics.delete(t.name);
  });

  const core: MemoryCore = {
    get closed() {
      return closed;
    },
    topic(name) {
      let topic = topics.get(name);
      if (!topic) {
        topic = new MemoryTopic(name, ++incarnations, defaultRetention);
        topics.set(name, topic);
      }
      return topic;
    },
    detach(subscription, topic) {
      subscriptions.delete(subscription as MemorySubscription);
      // A topic only subscribers ever touched goes once the last of them leaves.
      if (topic.subscribers === 0 && !topic.written && topics.get(topic.name) === topic) topics.delete(topic.name);
    },
  };

  function assertOpen(): void {
    if (closed) throw new BrokerError('ERR_BROKER_CLOSED', 'the broker is closed');
  }

  return {
    async publish<V>(topic: string, message: PublishMessage<V>): Promise<BrokerRecord<V>> {
      assertOpen();
      checkTopic(topic);
      const { key, value, headers } = checkMessage(message);
      // A string, boolean or null is its own copy and always JSON; a number, undefined or anything else is checked.
      const type = typeof value;
      const copy = (type === 'string' || type === 'boolean' || value === null ? value
        : type === 'object' ? copyJsonValue(value) : (encodeValue(value), value)) as V;
      const frozen = isEmpty(headers) ? NO_HEADERS : Object.freeze({ ...headers });
      return core.topic(topic).append(key, copy, frozen, Date.now()) as BrokerRecord<V>;
    },

    subscribe<V>(topic: string, subscribeOptions?: SubscribeOptions): Subscription<V> {
      assertOpen();
      checkTopic(topic);
      const subscription = new MemorySubscription<V>(core, topic, checkSubscribeOptions(subscribeOptions));
      subscriptions.add(subscription as MemorySubscription);
      return subscription;
    },

    async setRetention(topic, retention) {
      assertOpen();
      checkTopic(topic);
      const t = core.topic(topic);
      // The runtime sets the same retention on every run's topic: check and merge it once.
      const last = lastRetention;
      if (!(last && retention === last.given && retention.maxLength === last.maxLength && retention.maxAge === last.maxAge)) {
        lastRetention = { given: retention, maxLength: retention?.maxLength, maxAge: retention?.maxAge, merged: { ...defaultRetention, ...checkRetention(retention) } };
      }
      t.retention = lastRetention!.merged;
      t.trim(Date.now());
    },

    async expire(topic, ttl) {
      assertOpen();
      checkTopic(topic);
      checkTtl(ttl);
      const t = topics.get(topic);
      if (!t || !t.written) return;
      expiries.schedule(t, Date.now() + ttl);
    },

    async describe<V>(topic: string): Promise<TopicInfo<V> | undefined> {
      assertOpen();
      checkTopic(topic);
      const t = topics.get(topic);
      if (!t || !t.written) return undefined;
      t.trim(Date.now());
      return {
        length: t.length,
        first: t.get(t.firstSeq) as BrokerRecord<V> | undefined,
        last: t.get(t.nextSeq - 1) as BrokerRecord<V> | undefined,
      };
    },

    async claim(key, ttl) {
      assertOpen();
      checkClaimKey(key);
      checkTtl(ttl);
      return claims.claim(key, Date.now(), ttl);
    },

    async release(key) {
      assertOpen();
      checkClaimKey(key);
      claims.release(key);
    },

    async close() {
      if (closed) return;
      claims.clear();
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      expiries.clear();
      for (const t of topics.values()) {
        t.disposeGroups();
        t.wake();
      }
      topics.clear();
    },
  };
}
