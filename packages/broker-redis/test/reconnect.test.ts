import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { Broker, BrokerRecord } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import { redisServer, type RedisServer } from '@agentway/testing';

/** Resolves once `condition()` holds, failing after `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await delay(10);
  }
}

describe('createRedisBroker() when Redis restarts', function () {
  this.timeout(20_000);
  let redis: RedisServer;
  let broker: Broker;

  beforeEach(async () => {
    redis = await redisServer({ aof: true });
  });

  afterEach(async () => {
    await broker?.close();
    await redis.stop();
  });

  it('should lose no acknowledged record: subscribers resume, publishes retry or fail with ERR_BROKER_UNAVAILABLE', async () => {
    const errors: Error[] = [];
    broker = await createRedisBroker({ url: redis.url, connectTimeout: 5_000, onError: (err) => errors.push(err) });
    const fan = broker.subscribe<number>('events', { from: 'earliest' });
    const member = broker.subscribe<number>('events', { group: 'workers', ackTimeout: 1_000 });
    await Promise.all([fan.ready, member.ready]);

    const seen: BrokerRecord<number>[] = [];
    const worked = new Set<number>();
    const reading = (async () => {
      for await (const record of fan) seen.push(record);
    })();
    const working = (async () => {
      for await (const record of member) {
        worked.add(record.value);
        await member.ack(record).catch(() => undefined); // an ack lost to the outage: redelivered later
      }
    })();

    const acknowledged: number[] = [];
    const refused: string[] = [];
    const publish = async (value: number) => {
      try {
        await broker.publish('events', { value });
        acknowledged.push(value);
      } catch (err) {
        refused.push((err as { code: string }).code);
      }
    };
    let value = 0;
    const burst = () => Promise.all([...Array(20)].map(() => publish(value++)));
    for (let i = 0; i < 10; i++) await burst();
    await until(() => seen.length >= 100, 5_000, 'the first records were not read');

    await redis.kill(); // SIGKILL: only the AOF (fsync always) survives
    const during = Promise.all([burst(), burst()]);
    await delay(200);
    await redis.start();
    await during;
    for (let i = 0; i < 10; i++) await burst();

    await until(() => acknowledged.every((v) => seen.some((r) => r.value === v)), 10_000, 'acknowledged records were not all read');
    await until(() => acknowledged.every((v) => worked.has(v)), 10_000, 'acknowledged records were not all worked on');
    assert.ok(acknowledged.length >= 400, `acknowledged ${acknowledged.length}`);
    assert.deepEqual([...new Set(refused)], refused.length ? ['ERR_BROKER_UNAVAILABLE'] : []);
    // Read once each, in offset order (a refused publish may still have been stored: it reads too).
    const offsets = seen.map((r) => r.offset);
    assert.equal(new Set(offsets).size, offsets.length);
    assert.deepEqual(offsets, [...offsets].sort((x, y) => {
      const [xm, xs] = x.split('-').map(Number) as [number, number];
      const [ym, ys] = y.split('-').map(Number) as [number, number];
      return xm - ym || xs - ys;
    }));
    assert.ok(errors.length > 0, 'the connection errors were reported to onError');

    await broker.close();
    await Promise.all([reading, working]);
  });

  it('should reject a publish with ERR_BROKER_UNAVAILABLE when Redis stays away past connectTimeout', async () => {
    broker = await createRedisBroker({ url: redis.url, connectTimeout: 300 });
    await broker.publish('t', { value: 'before' });
    await redis.kill();
    await delay(50);
    const started = Date.now();
    await assert.rejects(broker.publish('t', { value: 'lost' }), {
      code: 'ERR_BROKER_UNAVAILABLE',
      message: /^\[@agentway\/broker\] Redis at redis:\/\/127\.0\.0\.1:\d+ is unavailable: no connection within 300 ms$/,
    });
    assert.ok(Date.now() - started < 1_500, `took ${Date.now() - started} ms`);
    await redis.start();
  });

  it('should keep its subscriptions going when Redis comes back empty (no persistence)', async () => {
    await redis.stop();
    redis = await redisServer(); // no AOF: a restart loses every stream and group
    broker = await createRedisBroker({ url: redis.url, connectTimeout: 5_000 });
    const fan = broker.subscribe('events');
    const member = broker.subscribe('events', { group: 'workers' });
    await Promise.all([fan.ready, member.ready]);
    await broker.publish('events', { value: 'before' });
    assert.equal((await fan.next())!.value, 'before');
    await member.ack((await member.next())!);
    await redis.kill();
    await redis.start();
    const waits = [fan.next(), member.next()];
    let after: BrokerRecord | undefined;
    for (let attempt = 0; !after; attempt++) {
      after = await broker.publish('events', { value: 'after' }).catch((err: { code: string }) => {
        assert.equal(err.code, 'ERR_BROKER_UNAVAILABLE');
        return undefined;
      });
      if (!after) await delay(50);
    }
    const [read, taken] = await Promise.all(waits);
    assert.deepEqual([read!.offset, taken!.offset, taken!.redelivered], [after.offset, after.offset, false]);
  });

  it('should close at once while Redis is away, leaving nothing open', async () => {
    broker = await createRedisBroker({ url: redis.url, connectTimeout: 10_000 });
    const fan = broker.subscribe('t');
    const member = broker.subscribe('t', { group: 'g' });
    await Promise.all([fan.ready, member.ready]);
    const waits = [fan.next(), member.next()];
    await redis.kill();
    await delay(50);
    const started = Date.now();
    await broker.close();
    assert.ok(Date.now() - started < 1_000, `close() took ${Date.now() - started} ms`);
    assert.deepEqual(await Promise.all(waits), [undefined, undefined]);
  });
});
