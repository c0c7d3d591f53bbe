import {
  BrokerError, checkClaimKey, checkMessage, checkRetention, checkSubscribeOptions, checkTopic, checkTtl, encodeValue,
  type Broker, type BrokerRecord, type PublishMessage, type SubscribeOptions, type Subscription, type TopicInfo,
} from '@agentway/broker';
import { ErrorReply } from 'redis';
import { Connections } from './connections';
import { FanoutSubscription } from './fanout-subscription';
import { GroupSubscription } from './group-subscription';
import { Keys } from './keys';
import { resolveOptions, type RedisBrokerOptions } from './options';
import { decodeEntry, storedRecord, type StreamEntry } from './record-codec';
import { StreamReader } from './stream-reader';
import { minId, TopicRetentions, type TopicState } from './topic-retentions';

interface StreamInfo {
  length: number;
  'entries-added': number;
  'first-entry': StreamEntry | null;
  'last-entry': StreamEntry | null;
}

/**
 * The broker contract on Redis Streams, for several gateways and workers sharing one Redis: a topic
 * is the stream `<prefix><topic>`, an offset its entry id. Publishes are pipelined XADDs with
 * approximate trimming; fan-out subscriptions share one blocking reader connection; each group
 * member has its own. Resolves once Redis answers (ERR_BROKER_UNAVAILABLE after `connectTimeout`).
 */
export async function createRedisBroker(options: Readonly<RedisBrokerOptions> = {}): Promise<Broker> {
  const config = resolveOptions(options);
  const connections = await Connections.open(config);
  const keys = new Keys(config.prefix);
  const retentions = new TopicRetentions(connections, keys, config.retention);
  const reader = new StreamReader(connections, keys, retentions);
  const subscriptions = new Set<Subscription<never>>();
  let closed = false;
  let closing: Promise<void> | undefined;

  const core = {
    get closed() {
      return closed;
    },
    connections,
    keys,
    reader,
    detach: (subscription: Subscription<never>) => void subscriptions.delete(subscription),
    released(topic: string, group: string) {
      for (const s of subscriptions) if (s instanceof GroupSubscription && s.topic === topic && s.group === group) s.reclaimSoon();
    },
  };

  /** XADD for a topic not known yet (no trimming), or with maxAge (MINID; with both bounds, a throttled XTRIM MINID too). */
  function xaddArgs(topic: string, state: TopicState | undefined, text: string): string[] {
    const args = ['XADD', keys.stream(topic)];
    const maxAge = state?.retention.maxAge;
    if (state?.maxLength !== undefined) args.push('MAXLEN', '~', state.maxLength);
    else if (maxAge !== undefined) args.push('MINID', '~', minId(maxAge));
    if (state?.maxLength !== undefined && maxAge !== undefined && Date.now() - state.agedAt >= 1_000) {
      state.agedAt = Date.now();
      void connections.run(['XTRIM', state.key, 'MINID', '~', minId(maxAge)]).catch(() => undefined);
    }
    args.push('*', 'v', text);
    return args;
  }

  function assertOpen(): void {
    if (closed) throw new BrokerError('ERR_BROKER_CLOSED', 'the broker is closed');
  }

  return {
    async publish<V>(topic: string, message: PublishMessage<V>): Promise<BrokerRecord<V>> {
      assertOpen();
      let state = retentions.peek(topic);
      if (!state) {
        checkTopic(topic);
        state = retentions.get(topic);
      }
      const { key, value, headers } = checkMessage(message);
      const text = encodeValue(value);
      const args = state?.maxLength !== undefined && state.retention.maxAge === undefined
        ? ['XADD', state.key, 'MAXLEN', '~', state.maxLength, '*', 'v', text] // the hot path, built in one go
        : xaddArgs(topic, state, text);
      if (key !== null) args.push('k', key);
      for (const _ in headers) {
        args.push('h', JSON.stringify(headers));
        break;
      }
      let id: string;
      try {
        id = await connections.command.sendCommand<string>(args);
      } catch (err) {
        id = await connections.retry<string>(err, args);
      }
      return storedRecord(topic, id, key, value as V, headers);
    },

    subscribe<V>(topic: string, subscribeOptions?: SubscribeOptions): Subscription<V> {
      assertOpen();
      checkTopic(topic);
      const checked = checkSubscribeOptions(subscribeOptions);
      const subscription = checked.group
        ? new GroupSubscription<V>(core, topic, checked)
        : new FanoutSubscription<V>(core, topic, checked);
      subscriptions.add(subscription as Subscription<never>);
      return subscription;
    },

    async setRetention(topic, retention) {
      assertOpen();
      checkTopic(topic);
      await retentions.set(topic, checkRetention(retention));
    },

    async expire(topic, ttl) {
      assertOpen();
      checkTopic(topic);
      const ms = String(Math.ceil(checkTtl(ttl)));
      await Promise.all([
        connections.run(['PEXPIRE', keys.stream(topic), ms]),
        connections.run(['PEXPIRE', keys.retention(topic), ms]),
      ]);
    },

    async describe<V>(topic: string): Promise<TopicInfo<V> | undefined> {
      assertOpen();
      checkTopic(topic);
      if (retentions.get(topic)?.retention.maxAge !== undefined) await retentions.trimNow(topic);
      let info: StreamInfo;
      try {
        info = await connections.run<StreamInfo>(['XINFO', 'STREAM', keys.stream(topic)]);
      } catch (err) {
        if ((err as { cause?: unknown }).cause instanceof ErrorReply && /no such key/i.test((err as Error).message)) return undefined;
        throw err;
      }
      if (info['entries-added'] === 0) return undefined; // created empty by a group, never written
      const first = info['first-entry'];
      const last = info['last-entry'];
      return {
        length: info.length,
        first: first ? decodeEntry(topic, first) as BrokerRecord<V> : undefined,
        last: last ? decodeEntry(topic, last) as BrokerRecord<V> : undefined,
      };
    },

    async claim(key, ttl) {
      assertOpen();
      checkClaimKey(key);
      const ms = String(Math.ceil(checkTtl(ttl)));
      return (await connections.run<string | null>(['SET', keys.claim(key), '1', 'NX', 'PX', ms])) === 'OK';
    },

    async release(key) {
      assertOpen();
      checkClaimKey(key);
      await connections.run(['DEL', keys.claim(key)]);
    },

    close() {
      closed = true;
      closing ??= (async () => {
        await Promise.all([...subscriptions].map((s) => s.close()));
        reader.close();
        await connections.close();
      })();
      return closing;
    },
  };
}
