import assert from 'node:assert/strict';
import FakeTimers, { type Clock as FakeClock } from '@sinonjs/fake-timers';
import { createClient } from 'redis';
import { PollerManager, type Clock } from '@agentway/poller';
import { createRedisBroker } from '@agentway/broker-redis';
import type { Broker } from '@agentway/broker';
import { redisPrefix } from '@agentway/testing';
import { trackedLock } from './helpers';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
/** The instances start half a second past T0, away from a scheduled time. */
const START = T0 + 500;

describe('PollerManager across instances (createRedisBroker on a real Redis as the lock)', () => {
  let redis: ReturnType<typeof createClient>;
  let fake: FakeClock;
  let managers: PollerManager[];
  const keys = redisPrefix('poller'); // cleaned up after each test
  const { prefix } = keys;
  let brokers: Broker[];

  /** Each instance's clock: the shared fake time plus its own skew. */
  const skewed = (skew: number): Clock => ({
    now: () => fake.now + skew,
    setTimeout: (callback, ms) => fake.setTimeout(callback, ms),
    clearTimeout: (handle) => fake.clearTimeout(handle as never),
  });

  before(async () => {
    redis = createClient({ url: keys.url });
    redis.on('error', () => undefined);
    await redis.connect();
  });

  after(async () => {
    await redis.close();
  });

  beforeEach(async () => {
    fake = FakeTimers.createClock(START);
    // one broker (one Redis connection) per instance, as separate processes would have
    brokers = await Promise.all([0, 1, 2].map(() => createRedisBroker({ url: keys.url, prefix })));
    managers = [];
  });

  afterEach(async () => {
    const stopping = Promise.all(managers.map((m) => m.stop()));
    await fake.tickAsync(60_000);
    await stopping;
    await Promise.all(brokers.map((b) => b.close()));
    await keys.cleanup();
  });

  /** Advances the fake time in steps, letting the real Redis answer between steps. */
  async function advance(locks: Array<ReturnType<typeof trackedLock>>, ms: number, step = 100): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      await fake.tickAsync(step);
      for (let i = 0; i < 2; i++) await Promise.all(locks.map((l) => l.settle()));
    }
  }

  for (const skew of [-400, 400]) {
    it(`should run each of 20 ticks exactly once with three instances, one of them ${skew > 0 ? 'ahead' : 'behind'} by 400 ms`, async () => {
      const locks = brokers.map((b) => trackedLock(b));
      const fired: string[] = [];
      managers = [0, 0, skew].map((s, i) => new PollerManager({ lock: locks[i], clock: skewed(s) }));
      managers.forEach((m, i) => m.every({ seconds: 1 }, ({ scheduledAt }) => { fired.push(`${scheduledAt.toISOString()} by ${i}`); }, { name: 'tick' }));
      managers.forEach((m) => m.start());
      await advance(locks, 20_000);

      const slots = fired.map((f) => f.slice(0, 24)).sort();
      const expected = Array.from({ length: 20 }, (_, i) => new Date(T0 + (i + 1) * 1000).toISOString());
      assert.deepEqual(slots, expected);
      const skewedStatus = managers[2]!.job('tick')!;
      // ahead, it claims every time first; behind, it always finds the time taken
      assert.equal(skewedStatus.runCount, skew > 0 ? 20 : 0);
      assert.equal(skewedStatus.skipped.elsewhere, skew > 0 ? 0 : 20);
      // three claims per time, plus one ahead: the lease (30 s) outlasts the interval, so the runner
      // claims its next time as each run starts (time 21 when time 20 started)
      assert.equal(locks.reduce((n, l) => n + l.claims, 0), 61);
      // the per-fire keys are never released: they lapse a lease after their time (claimed a second ahead)
      const ttl = await redis.pTTL(`${prefix} claim poller:tick:${expected[19]}`);
      assert.ok(ttl > 30_000 && ttl <= 31_000, `PTTL ${ttl}`);
    });
  }

  for (const { every, lease, title } of [
    { every: 1, lease: undefined, title: 'an interval shorter than the lease' },
    { every: 10, lease: 2_000, title: 'an interval longer than the lease' },
  ]) {
    it(`should never overlap a job slower than its interval across instances (${title})`, async () => {
      const locks = brokers.map((b) => trackedLock(b));
      const runs: Array<{ start: number; end: number; slot: number; by: number }> = [];
      // instance 0 runs the first time; 1 and 2 join while it runs, their clocks 400 ms ahead: they
      // reach every later time first, and only the runner's claims made ahead keep them off
      managers = [0, 400, 400].map((s, i) => new PollerManager({ lock: locks[i], clock: skewed(s), ...(lease && { lease }) }));
      managers.forEach((m, i) => m.every({ seconds: every }, async ({ scheduledAt }) => {
        const start = fake.now;
        await new Promise((resolve) => fake.setTimeout(resolve, every * 2_500));
        runs.push({ start, end: fake.now, slot: scheduledAt.getTime(), by: i });
      }, { name: 'slow' }));
      managers[0]!.start();
      await advance(locks, every * 1_000, every * 100);
      managers[1]!.start();
      managers[2]!.start();
      await advance(locks, every * 19_000, every * 100);

      const sorted = [...runs].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++) {
        assert.ok(sorted[i]!.start >= sorted[i - 1]!.end, `run ${i} started at ${sorted[i]!.start - T0} before ${sorted[i - 1]!.end - T0}`);
      }
      // every third time runs (the two between are skipped while it runs), each once
      assert.deepEqual(sorted.map((r) => (r.slot - T0) / 1000 / every), [1, 4, 7, 10, 13, 16]);
      assert.equal(sorted[0]!.by, 0);
    });
  }
});
