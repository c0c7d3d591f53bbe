import assert from 'node:assert/strict';
import type { Broker } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import { redisPrefix } from '@agentway/testing';
import { rawClient } from './helpers';

type Raw = Awaited<ReturnType<typeof rawClient>>;

describe('group subscriptions of createRedisBroker()', () => {
  const redis = redisPrefix('groups');
  const { prefix } = redis;
  let a: Broker;
  let b: Broker;
  let raw: Raw;

  before(async () => {
    raw = await rawClient(redis.url);
  });

  beforeEach(async () => {
    [a, b] = await Promise.all([createRedisBroker({ url: redis.url, prefix }), createRedisBroker({ url: redis.url, prefix })]);
  });

  afterEach(() => Promise.all([a.close(), b.close()]));

  after(async () => {
    await raw.close();
    await redis.cleanup();
  });

  it("should hand a closed member's unacked record to a member of another broker well before the ack timeout", async () => {
    const leaving = a.subscribe('jobs.1', { group: 'w', consumer: 'leaving', ackTimeout: 2_000 });
    const staying = b.subscribe('jobs.1', { group: 'w', consumer: 'staying', ackTimeout: 2_000 });
    await Promise.all([leaving.ready, staying.ready]);
    const sent = await a.publish('jobs.1', { value: 'job' });
    const held = (await leaving.next())!;
    assert.equal(held.offset, sent.offset);
    const waiting = staying.next();
    const closedAt = Date.now();
    await leaving.close();
    const taken = (await waiting)!;
    assert.deepEqual({ offset: taken.offset, redelivered: taken.redelivered }, { offset: sent.offset, redelivered: true });
    // The other broker's member looks for released records every min(ackTimeout / 4, 1 s): 500 ms here.
    assert.ok(Date.now() - closedAt < 1_500, `took ${Date.now() - closedAt} ms`);
    await staying.ack(taken);
    await staying.close();
  });

  it('should remove a closed member from the group, and keep no pending record of it', async () => {
    const member = a.subscribe('jobs.2', { group: 'w', consumer: 'temp' });
    await member.ready;
    await a.publish('jobs.2', { value: 1 });
    await a.publish('jobs.2', { value: 2 });
    const first = (await member.next())!;
    await member.ack(first);
    await member.next(); // held, not acked
    await member.close();
    const consumers = await raw.sendCommand(['XINFO', 'CONSUMERS', `${prefix}jobs.2`, 'w']) as { name: string; pending: number }[];
    assert.deepEqual(consumers.map(({ name, pending }) => ({ name, pending })), [{ name: '__released', pending: 1 }]);
    const next = b.subscribe('jobs.2', { group: 'w', consumer: 'next' });
    const again = (await next.next())!;
    assert.deepEqual({ value: again.value, redelivered: again.redelivered }, { value: 2, redelivered: true });
    await next.ack(again);
    const pending = await raw.sendCommand(['XPENDING', `${prefix}jobs.2`, 'w']) as [number];
    assert.equal(pending[0], 0);
    await next.close();
  });

  it('should hand one record at a time, so members of two brokers share the work', async () => {
    const members = [a, b, a].map((broker, n) => broker.subscribe('jobs.3', { group: 'w', consumer: `m${n}` }));
    await Promise.all(members.map((m) => m.ready));
    await Promise.all([...Array(60).keys()].map((i) => a.publish('jobs.3', { value: i })));
    const taken: number[][] = [[], [], []];
    await Promise.all(members.map(async (member, n) => {
      for (;;) {
        const all = taken.flat().length;
        if (all >= 60) return;
        const record = await Promise.race([member.next(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 300))]);
        if (!record) return;
        taken[n]!.push(record.value as number);
        await new Promise((resolve) => setTimeout(resolve, 2)); // a little work
        await member.ack(record);
      }
    }));
    assert.deepEqual(taken.flat().sort((x, y) => x - y), [...Array(60).keys()]);
    assert.ok(taken.every((t) => t.length >= 5), `shares: ${taken.map((t) => t.length)}`);
    await Promise.all(members.map((m) => m.close()));
  });

  it('should start the group over when its topic expired', async () => {
    const member = a.subscribe('jobs.4', { group: 'w' });
    await member.ready;
    await a.publish('jobs.4', { value: 'before' });
    await member.ack((await member.next())!);
    await raw.del(`${prefix}jobs.4`); // what expire() leads to
    const waiting = member.next();
    const after = await b.publish('jobs.4', { value: 'after' });
    const record = (await waiting)!;
    assert.deepEqual({ offset: record.offset, redelivered: record.redelivered }, { offset: after.offset, redelivered: false });
    await member.close();
  });
});
