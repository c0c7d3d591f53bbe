import assert from 'node:assert/strict';
import type { Fixture } from './harness';
import { nextWithin, publishMany, rejectsWithCode, take } from './harness';

export function publishSubscribeTests({ broker, topic }: Fixture): void {
  describe('publish()', () => {
    it('should resolve with the stored record', async () => {
      const t = topic();
      const before = Date.now();
      const record = await broker().publish(t, { key: 'k', value: { a: [1, 'x', null] }, headers: { h: 'v' } });
      assert.equal(record.topic, t);
      assert.equal(typeof record.offset, 'string');
      assert.equal(record.key, 'k');
      assert.deepEqual(record.value, { a: [1, 'x', null] });
      assert.deepEqual({ ...record.headers }, { h: 'v' });
      assert.ok(record.timestamp >= before - 1000 && record.timestamp <= Date.now() + 1000, 'timestamp is now');
    });

    it('should store a JSON copy of the value, not a reference', async () => {
      const t = topic();
      const value = { n: 1, when: new Date(0), gone: undefined as unknown };
      await broker().publish(t, { value });
      value.n = 2;
      const [record] = await take(broker().subscribe(t, { from: 'earliest' }), 1);
      assert.deepEqual(record!.value, { n: 1, when: '1970-01-01T00:00:00.000Z' });
      assert.equal(record!.key, null);
      assert.deepEqual({ ...record!.headers }, {});
    });

    it('should reject bad topics and messages with coded errors', async () => {
      const b = broker();
      await rejectsWithCode(() => b.publish('', { value: 1 }), 'ERR_BROKER_INVALID_TOPIC');
      await rejectsWithCode(() => b.publish('has space', { value: 1 }), 'ERR_BROKER_INVALID_TOPIC');
      await rejectsWithCode(() => b.publish(topic(), {} as never), 'ERR_BROKER_INVALID_MESSAGE');
      await rejectsWithCode(() => b.publish(topic(), { value: 1n } as never), 'ERR_BROKER_INVALID_MESSAGE');
      await rejectsWithCode(() => b.publish(topic(), { value: 1, headers: { n: 1 } } as never), 'ERR_BROKER_INVALID_MESSAGE');
      await rejectsWithCode(() => b.publish(topic(), { value: 1, key: 5 } as never), 'ERR_BROKER_INVALID_MESSAGE');
    });
  });

  describe('subscribe()', () => {
    it("should read every retained record in order from 'earliest'", async () => {
      const t = topic();
      const published = await publishMany(broker(), t, 25);
      const read = await take(broker().subscribe(t, { from: 'earliest' }), 25);
      assert.deepEqual(read.map((r) => r.offset), published.map((r) => r.offset));
      assert.deepEqual(read.map((r) => (r.value as { i: number }).i), [...Array(25).keys()]);
      assert.equal(new Set(read.map((r) => r.offset)).size, 25);
    });

    it("should read only records published after it is ready from 'latest' (the default)", async () => {
      const t = topic();
      await publishMany(broker(), t, 3);
      const sub = broker().subscribe(t);
      await sub.ready;
      const fresh = await broker().publish(t, { value: 'new' });
      const [record] = await take(sub, 1);
      assert.equal(record!.offset, fresh.offset);
      assert.equal(record!.value, 'new');
      await sub.close();
    });

    it('should resume right after a given offset', async () => {
      const t = topic();
      const published = await publishMany(broker(), t, 10);
      const read = await take(broker().subscribe(t, { from: { after: published[6]!.offset } }), 3);
      assert.deepEqual(read.map((r) => r.offset), published.slice(7).map((r) => r.offset));
    });

    it('should deliver live records to a waiting subscriber', async () => {
      const t = topic();
      const sub = broker().subscribe(t, { from: 'earliest' });
      await sub.ready;
      const waiting = sub.next();
      await broker().publish(t, { value: 'live' });
      assert.equal((await waiting)!.value, 'live');
      await sub.close();
    });

    it('should fan every record out to every subscriber', async () => {
      const t = topic();
      const a = broker().subscribe(t, { from: 'earliest' });
      const b = broker().subscribe(t, { from: 'earliest' });
      await Promise.all([a.ready, b.ready]);
      await publishMany(broker(), t, 5);
      const [ra, rb] = await Promise.all([take(a, 5), take(b, 5)]);
      assert.deepEqual(ra.map((r) => r.offset), rb.map((r) => r.offset));
      await Promise.all([a.close(), b.close()]);
    });

    it('should yield only records whose headers match the filter', async () => {
      const t = topic();
      await publishMany(broker(), t, 12, (i) => ({ user: i % 3 === 0 ? 'ann' : 'bob', n: String(i) }));
      const read = await take(broker().subscribe(t, { from: 'earliest', filter: { user: 'ann' } }), 4);
      assert.deepEqual(read.map((r) => r.headers.n), ['0', '3', '6', '9']);
    });

    it('should work with for await and close the subscription on break', async () => {
      const t = topic();
      await publishMany(broker(), t, 5);
      const sub = broker().subscribe(t, { from: 'earliest' });
      const seen: number[] = [];
      for await (const record of sub) {
        seen.push((record.value as { i: number }).i);
        if (seen.length === 3) break;
      }
      assert.deepEqual(seen, [0, 1, 2]);
      assert.equal(await sub.next(), undefined);
    });

    it('should end when its signal is aborted', async () => {
      const controller = new AbortController();
      const sub = broker().subscribe(topic(), { signal: controller.signal });
      await sub.ready;
      const waiting = sub.next();
      controller.abort();
      assert.equal(await waiting, undefined);
    });

    it('should end on close() while a next() is waiting', async () => {
      const sub = broker().subscribe(topic());
      await sub.ready;
      const waiting = sub.next();
      await sub.close();
      assert.equal(await waiting, undefined);
      await sub.close();
    });

    it('should reject bad options and offsets', async () => {
      const b = broker();
      assert.throws(() => b.subscribe(topic(), { form: 'earliest' } as never), TypeError);
      assert.throws(() => b.subscribe(topic(), { from: 'start' } as never), TypeError);
      assert.throws(() => b.subscribe(topic(), { group: 'g', filter: { a: 'b' } }), TypeError);
      await rejectsWithCode(async () => {
        const sub = b.subscribe(topic(), { from: { after: 'not-an-offset' } });
        try {
          await sub.next();
        } finally {
          await sub.close();
        }
      }, 'ERR_BROKER_INVALID_OFFSET');
    });
  });

  describe('describe()', () => {
    it('should report length and the first and last offsets', async () => {
      const t = topic();
      assert.equal(await broker().describe(t), undefined);
      const published = await publishMany(broker(), t, 4);
      const info = (await broker().describe(t))!;
      assert.equal(info.length, 4);
      assert.deepEqual(info.first, published[0]);
      assert.deepEqual(info.last, published[3]);
    });
  });

  describe('close()', () => {
    it('should end every subscription and refuse further work', async () => {
      const b = broker();
      const t = topic();
      const fan = b.subscribe(t);
      const member = b.subscribe(t, { group: 'g' });
      await Promise.all([fan.ready, member.ready]);
      const waits = [fan.next(), member.next()];
      await b.close();
      assert.deepEqual(await Promise.all(waits), [undefined, undefined]);
      await rejectsWithCode(() => b.publish(t, { value: 1 }), 'ERR_BROKER_CLOSED');
      await b.close();
      assert.equal(await nextWithin(fan, 50), undefined);
    });
  });
}
