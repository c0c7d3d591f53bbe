import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { createMemoryBroker } from '@agentway/broker';
import { brokerConformance } from '@agentway/broker/conformance';

brokerConformance('createMemoryBroker()', () => createMemoryBroker());

describe('createMemoryBroker()', () => {
  describe('with options', () => {
    it('should throw a coded TypeError on an unknown option, with a hint', () => {
      assert.throws(() => createMemoryBroker({ retension: {} } as never), {
        name: 'TypeError',
        code: 'ERR_BROKER_UNKNOWN_OPTION',
        message: '[@agentway/broker] unknown option "retension"; did you mean "retention"?',
      });
    });

    it('should throw a coded TypeError on a wrong type, naming the option', () => {
      assert.throws(() => createMemoryBroker({ retention: { maxLength: -1 } }), {
        name: 'TypeError',
        code: 'ERR_BROKER_INVALID_OPTION',
        message: '[@agentway/broker] option "retention.maxLength" must be an integer >= 1, got -1',
      });
    });

    it('should apply the default retention to every topic', async () => {
      const broker = createMemoryBroker({ retention: { maxLength: 5 } });
      for (let i = 0; i < 20; i++) await broker.publish('t', { value: i });
      assert.equal((await broker.describe('t'))!.length, 5);
      await broker.close();
    });
  });

  describe('with a subscriber that never reads', () => {
    it('should keep memory bounded by retention while the producer goes on', async () => {
      const broker = createMemoryBroker({ retention: { maxLength: 1000 } });
      const idle = broker.subscribe('flood', { from: 'earliest' });
      const payload = 'x'.repeat(1024);
      const measure = () => {
        global.gc?.();
        return process.memoryUsage().heapUsed;
      };
      for (let i = 0; i < 2000; i++) await broker.publish('flood', { value: { payload, i } });
      const warm = measure();
      for (let i = 0; i < 50_000; i++) await broker.publish('flood', { value: { payload, i } });
      const after = measure();
      assert.equal((await broker.describe('flood'))!.length, 1000);
      // 50 MB went through; what stays is the 1,000 retained records (~1 MB), not what the subscriber missed.
      assert.ok(after - warm < 16 * 1024 * 1024, `heap grew by ${((after - warm) / 1e6).toFixed(1)} MB`);
      await assert.rejects(idle.next(), { code: 'ERR_BROKER_RECORDS_TRIMMED' });
      await broker.close();
    });
  });

  describe('with max age', () => {
    it('should drop records older than maxAge', async () => {
      const clock = FakeTimers.install({ toFake: ['Date'] });
      try {
        const broker = createMemoryBroker();
        await broker.setRetention('aged', { maxAge: 20 });
        await broker.publish('aged', { value: 'old' });
        clock.tick(21);
        const fresh = await broker.publish('aged', { value: 'new' });
        assert.deepEqual(await broker.describe('aged'), { length: 1, first: fresh, last: fresh });
        await broker.close();
      } finally {
        clock.uninstall();
      }
    });
  });

  describe('with expire() called again', () => {
    let clock: ReturnType<typeof FakeTimers.install>;
    beforeEach(() => {
      clock = FakeTimers.install({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    });
    afterEach(() => clock.uninstall());

    it('should move a topic\'s expiry earlier or later, keeping only the last ttl', async () => {
      const broker = createMemoryBroker();
      await broker.publish('sooner', { value: 1 });
      await broker.publish('later', { value: 1 });
      await broker.expire('sooner', 60_000);
      await broker.expire('sooner', 10);
      await broker.expire('later', 10);
      await broker.expire('later', 60_000);
      clock.tick(10);
      assert.equal(await broker.describe('sooner'), undefined);
      assert.equal((await broker.describe('later'))?.length, 1);
      clock.tick(59_989);
      assert.equal((await broker.describe('later'))?.length, 1);
      clock.tick(1);
      assert.equal(await broker.describe('later'), undefined);
      await broker.close();
    });

    it('should free a topic expired early at once, not when its earlier ttl would have run out', async () => {
      const broker = createMemoryBroker();
      const measure = () => {
        global.gc!();
        return process.memoryUsage().heapUsed;
      };
      const before = measure();
      for (let i = 0; i < 200; i++) {
        await broker.publish(`big${i}`, { value: Array.from({ length: 12_500 }, (_, j) => i + j) });
        await broker.expire(`big${i}`, 60 * 60_000);
        await broker.expire(`big${i}`, 1);
      }
      const held = measure() - before;
      clock.tick(1);
      const after = measure() - before;
      assert.ok(held > 15e6, `200 × 100 kB held: ${(held / 1e6).toFixed(1)} MB`);
      assert.ok(after < 2e6, `still held after the early expiry: ${(after / 1e6).toFixed(1)} MB`);
      await broker.close();
    });

    it('should expire many topics each at its own deadline, whatever the order they were set and moved in', async () => {
      const broker = createMemoryBroker();
      // Deadlines 1..300 ms in a scrambled order, a third of them moved once after being set.
      const deadlines = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const name = `t${i}`;
        await broker.publish(name, { value: i });
        const first = ((i * 7919) % 300) + 1;
        await broker.expire(name, first);
        deadlines.set(name, first);
        if (i % 3 === 0) {
          const moved = ((i * 104_729) % 300) + 1;
          await broker.expire(name, moved);
          deadlines.set(name, moved);
        }
      }
      for (let now = 0; now <= 301; now++) {
        for (const [name, at] of deadlines) {
          assert.equal((await broker.describe(name)) === undefined, at <= now, `${name} (deadline ${at} ms) at ${now} ms`);
        }
        clock.tick(1);
      }
      await broker.close();
    });
  });
});
