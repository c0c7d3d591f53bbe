import assert from 'node:assert/strict';
import type { Broker, BrokerRecord, Subscription } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import { redisServer, type RedisServer } from '@agentway/testing';
import { rawClient } from './helpers';

type Raw = Awaited<ReturnType<typeof rawClient>>;

/** The names of the clients connected to a Redis only this suite uses. */
async function clientNames(raw: Raw): Promise<string[]> {
  const list = await raw.sendCommand(['CLIENT', 'LIST']) as string;
  return list.trim().split('\n').map((line) => /\bname=(\S*)/.exec(line)![1]!).filter((name) => name.startsWith('agentway')).sort();
}

describe('fan-out subscriptions of createRedisBroker()', () => {
  let redis: RedisServer;
  let raw: Raw;
  let broker: Broker;

  before(async () => {
    redis = await redisServer();
    raw = await rawClient(redis.url);
  });

  beforeEach(async () => {
    broker = await createRedisBroker({ url: redis.url });
  });

  afterEach(() => broker.close());

  after(async () => {
    await raw.close();
    await redis.stop();
  });

  it('should read 300 subscriptions on 60 topics through one connection, and each gets every record of its topic', async () => {
    const topics = [...Array(60).keys()].map((n) => `t${n}`);
    const subs = topics.flatMap((topic) => [0, 1, 2, 3, 4].map(() => broker.subscribe(topic)));
    await Promise.all(subs.map((s) => s.ready));
    const reads = subs.map(async (s) => [await s.next(), await s.next()] as BrokerRecord[]);
    await Promise.all(topics.map((topic) => broker.publish(topic, { value: `${topic}:a` })));
    await Promise.all(topics.map((topic) => broker.publish(topic, { value: `${topic}:b` })));
    const results = await Promise.all(reads);
    results.forEach((records, i) => {
      const topic = topics[Math.floor(i / 5)]!;
      assert.deepEqual(records.map((r) => r.value), [`${topic}:a`, `${topic}:b`]);
    });
    assert.deepEqual(await clientNames(raw), ['agentway', 'agentway-reader']);
    // Records of a topic are decoded once and shared by its subscriptions.
    assert.equal(results[0]![0], results[4]![0]);
    await Promise.all(subs.map((s) => s.close()));
  });

  it('should interrupt the blocking read for a subscription that joins with a new topic', async () => {
    const first = broker.subscribe('quiet');
    await first.ready;
    const idle = first.next(); // the reader now blocks on "quiet" only
    await new Promise((resolve) => setImmediate(resolve));
    const second = broker.subscribe('busy');
    await second.ready;
    const started = Date.now();
    const read = second.next();
    await broker.publish('busy', { value: 'now' });
    assert.equal((await read)!.value, 'now');
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms (the read blocks up to 5 s)`);
    await Promise.all([first.close(), second.close()]);
    assert.equal(await idle, undefined);
  });

  it('should read a topic for a subscriber far behind without holding up one that is live', async () => {
    const backlog = await Promise.all([...Array(1_000).keys()].map((i) => broker.publish('mixed', { value: i })));
    const live = broker.subscribe('mixed');
    const behind: Subscription = broker.subscribe('mixed', { from: 'earliest' });
    await Promise.all([live.ready, behind.ready]);
    const liveRead = live.next();
    const seen: number[] = [];
    for (let i = 0; i < 1_000; i++) seen.push((await behind.next())!.value as number);
    assert.deepEqual(seen, backlog.map((r) => r.value));
    const fresh = await broker.publish('mixed', { value: 'fresh' });
    assert.equal((await liveRead)!.offset, fresh.offset);
    assert.equal((await behind.next())!.offset, fresh.offset);
    await Promise.all([live.close(), behind.close()]);
  });

  it('should close its connections on close(), leaving nothing connected', async () => {
    const sub = broker.subscribe('t');
    const member = broker.subscribe('t', { group: 'g' });
    await Promise.all([sub.ready, member.ready]);
    const waits = [sub.next(), member.next()];
    // The blocking connections open (and name themselves) as the reads start.
    const opened = Date.now() + 2_000;
    while ((await clientNames(raw)).length < 3 && Date.now() < opened) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(await clientNames(raw), ['agentway', 'agentway-group', 'agentway-reader']);
    await broker.close();
    assert.deepEqual(await Promise.all(waits), [undefined, undefined]);
    const deadline = Date.now() + 2_000; // the server drops a closed connection a moment later
    while ((await clientNames(raw)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(await clientNames(raw), []);
  });
});
