import assert from 'node:assert/strict';
import FakeTimers, { type Clock as InstalledClock } from '@sinonjs/fake-timers';
import { createMemoryBroker } from '@agentway/broker';
import { PollerManager, type JobContext } from '@agentway/poller';
import { recordingLogger } from './helpers';

const T0 = Date.parse('2026-01-05T08:59:30.000Z');

describe('PollerManager', () => {
  let clock: InstalledClock;
  let poller: PollerManager | undefined;

  beforeEach(() => {
    clock = FakeTimers.install({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });

  afterEach(async () => {
    const stopping = poller?.stop();
    await clock.runAllAsync(); // lets a job that ignores its signal finish
    await stopping;
    poller = undefined;
    clock.uninstall();
  });

  describe('every()', () => {
    it('should fire at the multiples of the interval since the epoch, with the scheduled time', async () => {
      poller = new PollerManager();
      const seen: string[] = [];
      poller.every({ minutes: 15 }, ({ scheduledAt }) => { seen.push(scheduledAt.toISOString()); }, { name: 'quarter' });
      poller.start();
      assert.equal(poller.job('quarter')!.nextRun, '2026-01-05T09:00:00.000Z');
      await clock.tickAsync(45 * 60_000);
      assert.deepEqual(seen, ['2026-01-05T09:00:00.000Z', '2026-01-05T09:15:00.000Z', '2026-01-05T09:30:00.000Z']);
      assert.equal(poller.job('quarter')!.nextRun, '2026-01-05T09:45:00.000Z');
    });

    it('should add the units and name the job after its function or its schedule', () => {
      poller = new PollerManager();
      poller.every({ hours: 1, minutes: 30 }, function refreshTokens() {});
      poller.every({ seconds: 10 }, () => {});
      poller.every({ seconds: 10 }, () => {});
      assert.deepEqual(poller.jobs().map((j) => [j.name, j.schedule]), [
        ['refreshTokens', { every: { hours: 1, minutes: 30 }, ms: 5_400_000 }],
        ['every 10s', { every: { seconds: 10 }, ms: 10_000 }],
        ['every 10s #2', { every: { seconds: 10 }, ms: 10_000 }],
      ]);
    });

    it('should reject intervals it cannot schedule', () => {
      poller = new PollerManager();
      const code = 'ERR_POLLER_INVALID_SCHEDULE';
      assert.throws(() => poller!.every({ minutes: 0 }, () => {}), { name: 'TypeError', code, message: '[@agentway/poller] every() needs an interval of at least 1 second' });
      assert.throws(() => poller!.every({ days: 1 } as never, () => {}), { code, message: '[@agentway/poller] every() takes seconds, minutes and hours, not "days"' });
      assert.throws(() => poller!.every({ seconds: 1.5 }, () => {}), { code, message: '[@agentway/poller] every({ seconds }) must be a whole number >= 0, got 1.5' });
      assert.throws(() => poller!.every({ minutes: 1 }, () => {}, { timezone: 'UTC' } as never), {
        code: 'ERR_POLLER_UNKNOWN_OPTION', message: '[@agentway/poller] unknown option "timezone"; known options: name, timeout, jitter',
      });
    });

    it('should refuse a second job with a taken name', () => {
      poller = new PollerManager();
      poller.every({ minutes: 1 }, () => {}, { name: 'sync' });
      assert.throws(() => poller!.cron('* * * * *', () => {}, { name: 'sync' }), {
        code: 'ERR_POLLER_DUPLICATE_NAME', message: '[@agentway/poller] a job named "sync" exists already; give each job its own name',
      });
    });
  });

  describe('cron()', () => {
    it('should read the expression in its time zone and skip the weekend', async () => {
      clock.setSystemTime(Date.parse('2026-01-09T07:00:00.000Z')); // a Friday
      poller = new PollerManager();
      const seen: string[] = [];
      poller.cron('0 9 * * 1-5', ({ scheduledAt }) => { seen.push(scheduledAt.toISOString()); }, { timezone: 'Europe/Paris', name: 'report' });
      poller.start();
      assert.deepEqual(poller.job('report')!.schedule, { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' });
      await clock.tickAsync(4 * 86_400_000);
      assert.deepEqual(seen, ['2026-01-09T08:00:00.000Z', '2026-01-12T08:00:00.000Z']);
    });

    it('should wait longer than a Node timer can (a yearly job) and fire once', async () => {
      clock.setSystemTime(Date.parse('2026-02-01T00:00:00.000Z'));
      poller = new PollerManager();
      const seen: string[] = [];
      poller.cron('0 0 1 1 *', ({ scheduledAt }) => { seen.push(scheduledAt.toISOString()); }, { timezone: 'UTC', name: 'yearly' });
      poller.start();
      await clock.tickAsync(365 * 86_400_000);
      assert.deepEqual(seen, ['2027-01-01T00:00:00.000Z']);
    });

    it('should reject a bad expression and an unknown time zone', () => {
      poller = new PollerManager();
      assert.throws(() => poller!.cron('61 * * * *', () => {}), {
        code: 'ERR_POLLER_INVALID_SCHEDULE', message: '[@agentway/poller] invalid cron expression "61 * * * *": 61 is a invalid expression for minute',
      });
      assert.throws(() => poller!.cron('* * * * *', () => {}, { timezone: 'Mars/Olympus' }), {
        code: 'ERR_POLLER_INVALID_SCHEDULE', message: '[@agentway/poller] unknown time zone "Mars/Olympus"',
      });
    });
  });

  describe('with a job slower than its interval', () => {
    it('should never overlap it with itself and count the skipped times', async () => {
      poller = new PollerManager();
      const runs: Array<[number, number]> = [];
      poller.every({ seconds: 1 }, async () => {
        const start = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        runs.push([start - T0, Date.now() - T0]);
      }, { name: 'slow' });
      poller.start();
      await clock.tickAsync(10_000);
      // runs start at 1 s, 4 s, 7 s (the times while one runs are skipped); the one from 10 s is still going
      assert.deepEqual(runs, [[1_000, 3_500], [4_000, 6_500], [7_000, 9_500]]);
      const status = poller.job('slow')!;
      assert.equal(status.runCount, 4);
      assert.equal(status.running, true);
      assert.equal(status.skipped.overlap, 6);
    });
  });

  describe('with the timeout option', () => {
    it('should abort the job signal with ERR_POLLER_JOB_TIMEOUT and record the failure', async () => {
      const logger = recordingLogger();
      poller = new PollerManager({ logger, backoff: false });
      let reason: unknown;
      poller.every({ minutes: 1 }, ({ signal }: JobContext) => new Promise((_, reject) => {
        signal.addEventListener('abort', () => { reason = signal.reason; reject(new Error('aborted')); });
      }), { name: 'hang', timeout: 5_000 });
      poller.start();
      await clock.tickAsync(30_000 + 5_000);
      assert.equal((reason as { code: string }).code, 'ERR_POLLER_JOB_TIMEOUT');
      const status = poller.job('hang')!;
      assert.deepEqual(status.lastError, {
        code: 'ERR_POLLER_JOB_TIMEOUT', message: '[@agentway/poller] job "hang" timed out after 5000 ms', at: '2026-01-05T09:00:05.000Z',
      });
      assert.equal(status.lastDuration, 5_000);
      assert.equal(status.running, false);
      assert.deepEqual(logger.lines, ['info [@agentway/poller] 1 job(s) started without a lock: they run on this instance only (pass lock: broker to fire once across instances)',
        'error [@agentway/poller] job "hang" failed (1 in a row): [@agentway/poller] job "hang" timed out after 5000 ms']);
    });
  });

  describe('when a job fails', () => {
    it('should keep the others running and pause the failing one for doubling times', async () => {
      const logger = recordingLogger();
      poller = new PollerManager({ logger });
      const failing: number[] = [];
      let healthy = 0;
      poller.every({ seconds: 1 }, () => { failing.push((Date.now() - T0) / 1000); throw new Error('upstream down'); }, { name: 'flaky' });
      poller.every({ seconds: 1 }, () => { healthy++; }, { name: 'fine' });
      poller.start();
      await clock.tickAsync(20_000);
      assert.deepEqual(failing, [1, 2, 4, 8, 16]);
      assert.equal(healthy, 20);
      const status = poller.job('flaky')!;
      assert.equal(status.failures, 5);
      assert.equal(status.skipped.backoff, 15);
      assert.equal(status.pausedUntil, '2026-01-05T09:00:02.000Z');
      assert.deepEqual(status.lastError, { message: 'upstream down', at: '2026-01-05T08:59:46.000Z' });
      assert.equal(logger.lines.at(-1), 'error [@agentway/poller] job "flaky" failed (5 in a row; pausing 16000 ms): upstream down');
    });

    it('should start afresh after a success', async () => {
      poller = new PollerManager();
      let calls = 0;
      poller.every({ seconds: 1 }, () => { if (++calls === 1) throw new Error('once'); }, { name: 'recovers' });
      poller.start();
      await clock.tickAsync(5_000);
      const status = poller.job('recovers')!;
      assert.equal(calls, 5);
      assert.equal(status.failures, 0);
      assert.equal(status.lastError!.message, 'once');
    });
  });

  describe('with the jitter option', () => {
    it('should start each run a random delay after its scheduled time', async () => {
      const random = Math.random;
      Math.random = () => 0.25;
      try {
        poller = new PollerManager();
        const started: number[] = [];
        poller.every({ minutes: 1 }, () => { started.push(Date.now() - T0); }, { name: 'spread', jitter: 20_000 });
        poller.start();
        await clock.tickAsync(90_000);
        assert.deepEqual(started, [35_000]);
        assert.equal(poller.job('spread')!.lastScheduled, '2026-01-05T09:00:00.000Z');
      } finally {
        Math.random = random;
      }
    });
  });

  describe('start() and stop()', () => {
    it('should not run before start() and leave no timer after stop()', async () => {
      poller = new PollerManager();
      let runs = 0;
      poller.every({ seconds: 1 }, () => { runs++; }, { name: 'tick' });
      await clock.tickAsync(5_000);
      assert.equal(runs, 0);
      assert.equal(poller.job('tick')!.nextRun, null);
      poller.start();
      poller.start();
      await clock.tickAsync(3_000);
      assert.equal(runs, 3);
      await poller.stop();
      assert.equal(clock.countTimers(), 0);
      assert.equal(poller.started, false);
      await clock.tickAsync(5_000);
      assert.equal(runs, 3);
    });

    it('should abort a run in progress with ERR_POLLER_STOPPED and resolve once it settled', async () => {
      poller = new PollerManager();
      let reason: unknown;
      let settled = false;
      poller.every({ seconds: 1 }, ({ signal }) => new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => { reason = signal.reason; setTimeout(() => { settled = true; resolve(); }, 100); });
      }), { name: 'long' });
      poller.start();
      await clock.tickAsync(1_000);
      const stopping = poller.stop();
      await clock.tickAsync(100);
      await stopping;
      assert.equal(settled, true);
      assert.equal((reason as { code: string }).code, 'ERR_POLLER_STOPPED');
      assert.equal(poller.job('long')!.lastError, null);
    });

    it('should arm a job added after start()', async () => {
      poller = new PollerManager();
      poller.start();
      let runs = 0;
      poller.every({ seconds: 1 }, () => { runs++; }, { name: 'late' });
      await clock.tickAsync(2_000);
      assert.equal(runs, 2);
    });
  });

  describe('with a lock', () => {
    it('should run each scheduled time once among managers sharing a memory broker, and say so at start', async () => {
      const broker = createMemoryBroker();
      const logger = recordingLogger();
      const managers = [new PollerManager({ lock: broker, logger }), new PollerManager({ lock: broker })];
      const seen: string[] = [];
      for (const [i, m] of managers.entries()) m.every({ seconds: 1 }, ({ scheduledAt }) => { seen.push(`${scheduledAt.toISOString()} ${i}`); }, { name: 'shared' });
      for (const m of managers) m.start();
      await clock.tickAsync(3_000);
      for (const m of managers) await m.stop();
      await broker.close();
      assert.deepEqual(seen.map((s) => s.slice(0, 24)), ['2026-01-05T08:59:31.000Z', '2026-01-05T08:59:32.000Z', '2026-01-05T08:59:33.000Z']);
      assert.deepEqual(logger.lines, ['info [@agentway/poller] 1 job(s) started; each scheduled time fires once across the instances sharing the lock (lease 30000 ms)']);
      const counts = managers.map((m) => m.job('shared')!);
      assert.equal(counts[0]!.runCount + counts[1]!.runCount, 3);
      assert.equal(counts[0]!.skipped.elsewhere + counts[1]!.skipped.elsewhere, 3);
    });

    it('should skip a time (fail-closed) and log ERR_POLLER_LOCK_FAILED when the lock throws', async () => {
      const logger = recordingLogger();
      poller = new PollerManager({ logger, lock: { claim: async () => { throw new Error('connection refused'); } } });
      let runs = 0;
      poller.every({ seconds: 1 }, () => { runs++; }, { name: 'locked' });
      poller.start();
      await clock.tickAsync(2_000);
      assert.equal(runs, 0);
      const status = poller.job('locked')!;
      assert.equal(status.skipped.lockError, 2);
      assert.equal(status.lastError!.code, 'ERR_POLLER_LOCK_FAILED');
      assert.equal(logger.lines.at(-1), 'error [@agentway/poller] job "locked" skipped 2026-01-05T08:59:32.000Z: the lock failed: connection refused');
    });
  });

  describe('when the process was blocked past the lease', () => {
    it('should skip the late time as missed and log it, then keep to the schedule', async () => {
      let offset = 0; // how far this clock has jumped while the timer waited
      const logger = recordingLogger();
      poller = new PollerManager({
        logger, clock: { now: () => Date.now() + offset, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as never) },
      });
      const seen: string[] = [];
      poller.every({ minutes: 1 }, ({ scheduledAt }) => { seen.push(scheduledAt.toISOString()); }, { name: 'minutely' });
      poller.start();
      offset = 31_000;
      await clock.tickAsync(30_000);
      assert.deepEqual(seen, []);
      assert.equal(poller.job('minutely')!.skipped.missed, 1);
      assert.equal(logger.lines.at(-1), 'warn [@agentway/poller] job "minutely" missed its 2026-01-05T09:00:00.000Z run: its timer fired 31000 ms late');
      offset = 0;
      await clock.tickAsync(60_000);
      assert.deepEqual(seen, ['2026-01-05T09:01:00.000Z']);
    });
  });

  describe('with a long job name', () => {
    it('should hash the lock key to stay within what lock stores take', async () => {
      const keys: string[] = [];
      poller = new PollerManager({ lock: { claim: (key) => { keys.push(key); return true; } } });
      poller.every({ seconds: 1 }, () => {}, { name: 'x'.repeat(300) });
      poller.start();
      await clock.tickAsync(1_000);
      assert.match(keys[0]!, /^poller:sha256:[0-9a-f]{64}$/);
    });
  });

  describe('options', () => {
    it('should reject an unknown option with a hint and a wrong type by name', () => {
      assert.throws(() => new PollerManager({ leese: 10 } as never), {
        name: 'TypeError', code: 'ERR_POLLER_UNKNOWN_OPTION', message: '[@agentway/poller] unknown option "leese"; did you mean "lease"?',
      });
      assert.throws(() => new PollerManager({ lock: {} as never }), {
        code: 'ERR_POLLER_INVALID_OPTION', message: '[@agentway/poller] option "lock" must be an object with claim(key, ttl), such as a Broker, got an object',
      });
      assert.throws(() => new PollerManager({ backoff: { initial: -1 } }), { code: 'ERR_POLLER_INVALID_OPTION' });
      assert.throws(() => new PollerManager({ logger: console.log as never }), { code: 'ERR_POLLER_INVALID_OPTION' });
    });
  });
});
