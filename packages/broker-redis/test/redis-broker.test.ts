import assert from 'node:assert/strict';
import type { Broker } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import { redisPrefix } from '@agentway/testing';
import { rawClient } from './helpers';

type Raw = Awaited<ReturnType<typeof rawClient>>;

async function publishMany(broker: Broker, topic: string, count: number) {
  return Promise.all([...Array(count).keys()].map((i) => broker.publish(topic, { value: { i } })));
}

describe('createRedisBroker() on Redis', () => {
  const redis = redisPrefix('broker');
  const { prefix } = redis;
  let broker: Broker;
  let raw: Raw;

  before(async () => {
    raw = await rawClient(redis.url);
  });

  beforeEach(async () => {
    broker = await createRedisBroker({ url: redis.url, prefix });
  });

  afterEach(() => broker.close());

  after(async () => {
    await raw.close();
    await redis.cleanup();
  });

  describe('the stream of a topic', () => {
    it('should hold the value as JSON in v, the key in k and the headers in h, keyed by the prefix', async () => {
      const record = await broker.publish('wire', { key: 'user-1', value: { a: [1, 'x'] }, headers: { trace: 't1' } });
      const plain = await broker.publish('wire', { value: 'text' });
      const entries = await raw.sendCommand(['XRANGE', `${prefix}wire`, '-', '+']);
      assert.deepEqual(entries, [
        [record.offset, ['v', '{"a":[1,"x"]}', 'k', 'user-1', 'h', '{"trace":"t1"}']],
        [plain.offset, ['v', '"text"']],
      ]);
      assert.equal(record.timestamp, Number(record.offset.split('-')[0]));
    });

    it('should read entries written by something else without breaking', async () => {
      const sub = broker.subscribe('foreign', { from: 'earliest' });
      await raw.sendCommand(['XADD', `${prefix}foreign`, '*', 'event', 'created', 'id', '7']);
      await raw.sendCommand(['XADD', `${prefix}foreign`, '*', 'v', 'not json', 'h', '[1]']);
      const [a, b] = [await sub.next(), await sub.next()];
      assert.deepEqual(a!.value, { event: 'created', id: '7' });
      assert.deepEqual({ value: b!.value, key: b!.key, headers: { ...b!.headers } }, { value: 'not json', key: null, headers: {} });
      await sub.close();
    });
  });

  describe('setRetention()', () => {
    it('should store the bound in Redis, so that another broker trims the topic to it', async () => {
      await broker.setRetention('shared', { maxLength: 10 });
      assert.equal(await raw.get(`${prefix} retention shared`), '{"maxLength":10}');
      const other = await createRedisBroker({ url: redis.url, prefix });
      try {
        // Its first publish looks the bound up (until then it does not trim); every later one trims.
        await other.publish('shared', { value: 'first' });
        await publishMany(other, 'shared', 1_000);
        const length = await raw.xLen(`${prefix}shared`);
        assert.ok(length >= 10 && length <= 110, `length ${length}`);
      } finally {
        await other.close();
      }
    });

    it('should apply the default retention of the broker to other topics', async () => {
      const small = await createRedisBroker({ url: redis.url, prefix, retention: { maxLength: 20 } });
      try {
        await small.publish('default', { value: 'first' });
        await publishMany(small, 'default', 1_000);
        const length = await raw.xLen(`${prefix}default`);
        assert.ok(length >= 20 && length <= 120, `length ${length}`);
      } finally {
        await small.close();
      }
    });

    it('should trim records older than maxAge when the topic is written', async () => {
      await broker.setRetention('aged', { maxAge: 60_000 });
      // 250 records from two minutes ago (ids are Redis times), then a fresh one.
      const then = Date.now() - 120_000;
      for (let i = 0; i < 250; i++) await raw.sendCommand(['XADD', `${prefix}aged`, `${then}-${i}`, 'v', String(i)]);
      const fresh = await broker.publish('aged', { value: 'fresh' });
      const info = (await broker.describe('aged'))!;
      // Approximate trimming drops whole stream nodes (up to 100 entries): the two full old ones go.
      assert.ok(info.length <= 51, `length ${info.length}`);
      assert.equal(info.last!.offset, fresh.offset);
      assert.notEqual(info.first!.offset, `${then}-0`);
    });
  });

  describe('expire()', () => {
    it('should set the ttl on the stream and on its stored retention', async () => {
      await broker.setRetention('expiring', { maxLength: 5 });
      await broker.publish('expiring', { value: 1 });
      await broker.expire('expiring', 60_000);
      const [stream, retention] = await Promise.all([raw.pTTL(`${prefix}expiring`), raw.pTTL(`${prefix} retention expiring`)]);
      assert.ok(stream > 59_000 && stream <= 60_000, `stream ttl ${stream}`);
      assert.ok(retention > 59_000 && retention <= 60_000, `retention ttl ${retention}`);
    });
  });

  describe('claim()', () => {
    it('should SET NX PX a key that cannot collide with a topic', async () => {
      assert.equal(await broker.claim('wh:stripe:evt_1', 30_000), true);
      assert.equal(await raw.get(`${prefix} claim wh:stripe:evt_1`), '1');
      const ttl = await raw.pTTL(`${prefix} claim wh:stripe:evt_1`);
      assert.ok(ttl > 29_000 && ttl <= 30_000, `ttl ${ttl}`);
    });
  });

  describe('describe()', () => {
    it('should report a topic that only a group created (empty, never written) as missing', async () => {
      const member = broker.subscribe('only-a-group', { group: 'g' });
      await member.ready;
      assert.equal(await raw.exists(`${prefix}only-a-group`), 1);
      assert.equal(await broker.describe('only-a-group'), undefined);
      await member.close();
    });
  });

  describe('with bad positions and keys', () => {
    it('should fail a subscription from an offset past the end with ERR_BROKER_INVALID_OFFSET', async () => {
      const [last] = await publishMany(broker, 'short', 1);
      const ahead = broker.subscribe('short', { from: { after: `${Number(last!.offset.split('-')[0]) + 60_000}-0` } });
      const expected = { code: 'ERR_BROKER_INVALID_OFFSET', message: /^\[@agentway\/broker\] offset \d+-0 is beyond the end of topic "short" \(last \d+-\d+\)$/ };
      await assert.rejects(ahead.ready, expected);
      await assert.rejects(ahead.next(), expected);
      await ahead.close();
    });

    it('should answer ERR_BROKER_UNAVAILABLE naming the command when a topic key holds something else', async () => {
      await raw.set(`${prefix}not-a-stream`, 'text');
      await assert.rejects(broker.publish('not-a-stream', { value: 1 }), {
        code: 'ERR_BROKER_UNAVAILABLE',
        message: /^\[@agentway\/broker\] Redis refused XADD: WRONGTYPE/,
      });
      const sub = broker.subscribe('not-a-stream');
      await assert.rejects(sub.next(), { code: 'ERR_BROKER_UNAVAILABLE', message: /WRONGTYPE/ });
      await sub.close();
      const member = broker.subscribe('not-a-stream', { group: 'g' });
      await assert.rejects(member.next(), { code: 'ERR_BROKER_UNAVAILABLE', message: /WRONGTYPE/ });
      await member.close();
      // The broker goes on serving other topics.
      const fine = await broker.publish('fine', { value: 'ok' });
      assert.match(fine.offset, /^\d+-\d+$/);
    });

    it('should fail only the readers of a topic whose key turns into something else, and read on for the others', async () => {
      await broker.publish('turns', { value: 'stream' });
      const broken = broker.subscribe('turns');
      const healthy = broker.subscribe('stays');
      await Promise.all([broken.ready, healthy.ready]);
      const brokenRead = assert.rejects(broken.next(), { code: 'ERR_BROKER_UNAVAILABLE', message: /^\[@agentway\/broker\] Redis refused XREAD: WRONGTYPE/ });
      const healthyRead = healthy.next();
      await raw.set(`${prefix}turns`, 'text');
      await broker.publish('stays', { value: 1 });
      assert.equal((await healthyRead)!.value, 1);
      await brokenRead;
      const next = healthy.next();
      await broker.publish('stays', { value: 2 });
      assert.equal((await next)!.value, 2);
      await Promise.all([broken.close(), healthy.close()]);
    });
  });

  describe("with onTrimmed: 'skip'", () => {
    it('should count exactly the records trimmed before a fan-out subscriber read them', async () => {
      await broker.setRetention('skip-count', { maxLength: 10 });
      await broker.publish('skip-count', { value: 'first' });
      const slow = broker.subscribe('skip-count', { onTrimmed: 'skip' });
      await slow.ready;
      await publishMany(broker, 'skip-count', 500);
      const info = (await broker.describe('skip-count'))!;
      const next = (await slow.next())!;
      assert.equal(next.offset, info.first!.offset);
      assert.equal(slow.skipped, 500 - info.length);
      for (let i = 1; i < info.length; i++) await slow.next();
      await broker.publish('skip-count', { value: 'last' });
      assert.equal((await slow.next())!.value, 'last');
      assert.equal(slow.skipped, 500 - info.length, 'counted once');
      await slow.close();
    });

    it('should count exactly the records trimmed before a group read them, once', async () => {
      await broker.setRetention('group-skip', { maxLength: 10 });
      const member = broker.subscribe('group-skip', { group: 'g', onTrimmed: 'skip' });
      await member.ready;
      await publishMany(broker, 'group-skip', 500);
      const info = (await broker.describe('group-skip'))!;
      const first = (await member.next())!;
      assert.equal(first.offset, info.first!.offset);
      assert.equal(member.skipped, 500 - info.length);
      await member.ack(first);
      const second = (await member.next())!;
      assert.equal((second.value as { i: number }).i, (first.value as { i: number }).i + 1);
      assert.equal(member.skipped, 500 - info.length, 'counted once');
      await member.close();
    });
  });

  describe("with onTrimmed: 'error' (the default) in a group", () => {
    it('should end every member with ERR_BROKER_RECORDS_TRIMMED and hand out nothing', async () => {
      await broker.setRetention('group-error', { maxLength: 10 });
      const a = broker.subscribe('group-error', { group: 'g' });
      const b = broker.subscribe('group-error', { group: 'g' });
      await Promise.all([a.ready, b.ready]);
      await publishMany(broker, 'group-error', 500);
      const info = (await broker.describe('group-error'))!;
      const expected = { code: 'ERR_BROKER_RECORDS_TRIMMED', message: `[@agentway/broker] group "g" of "group-error" fell behind retention: ${500 - info.length} record(s) were trimmed before it read them` };
      await assert.rejects(a.next(), expected);
      await assert.rejects(b.next(), expected);
      const groups = await raw.sendCommand(['XINFO', 'GROUPS', `${prefix}group-error`]) as [{ pending: number }];
      assert.equal(groups[0].pending, 0);
      await Promise.all([a.close(), b.close()]);
    });
  });

  describe('with a subscriber that never reads', () => {
    it('should not buffer what it misses: memory stays bounded while the producer goes on', async () => {
      await broker.setRetention('flood', { maxLength: 1_000 });
      const idle = broker.subscribe('flood', { from: 'earliest' });
      await idle.ready;
      const payload = 'x'.repeat(1024);
      const measure = () => {
        global.gc?.();
        return process.memoryUsage().heapUsed;
      };
      const flood = async (count: number) => {
        for (let i = 0; i < count; i += 1_000) {
          await Promise.all([...Array(1_000).keys()].map((n) => broker.publish('flood', { value: { payload, n } })));
        }
      };
      await flood(2_000);
      const warm = measure();
      await flood(20_000);
      const after = measure();
      assert.ok(after - warm < 8 * 1024 * 1024, `heap grew by ${((after - warm) / 1e6).toFixed(1)} MB`);
      await assert.rejects(idle.next(), { code: 'ERR_BROKER_RECORDS_TRIMMED' });
      await idle.close();
    });
  });
});
