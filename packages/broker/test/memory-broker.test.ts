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
});
