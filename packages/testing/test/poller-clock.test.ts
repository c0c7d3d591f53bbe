import assert from 'node:assert/strict';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { PollerManager } from '@agentway/poller';
import { pollerClock } from '@agentway/testing';

describe('pollerClock()', () => {
  let clock: Clock;
  let broker: Broker;
  let poller: PollerManager;

  beforeEach(() => {
    clock = FakeTimers.install({ now: Date.parse('2026-01-05T08:50:00.000Z'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    broker = createMemoryBroker();
  });

  afterEach(async () => {
    await poller.stop();
    await broker.close();
    clock.uninstall();
  });

  it('should run the next scheduled job and resolve once its async work is done', async () => {
    // a lock that answers after a turn of the real event loop, like Redis would
    poller = new PollerManager({ lock: { claim: (key, ttl) => new Promise((resolve) => setImmediate(() => resolve(broker.claim(key, ttl)))) } });
    poller.every({ minutes: 15 }, async ({ scheduledAt }) => { await broker.publish('reports', { value: scheduledAt.toISOString() }); }, { name: 'report' });
    poller.cron('0 10 * * *', () => {}, { name: 'daily', timezone: 'UTC' });
    poller.start();
    const time = pollerClock(poller, clock);

    assert.deepEqual(await time.next(), { name: 'report', scheduledAt: new Date('2026-01-05T09:00:00.000Z') });
    assert.equal((await broker.describe('reports'))!.last!.value, '2026-01-05T09:00:00.000Z');
    assert.deepEqual(await time.next('daily'), { name: 'daily', scheduledAt: new Date('2026-01-05T10:00:00.000Z') });
    assert.equal(poller.job('daily')!.runCount, 1);
    await time.settle();
    assert.equal(poller.job('report')!.runCount, 5); // 09:00 then 09:15 … 10:00 on the way
  });

  it('should wait out the jitter of the job it runs', async () => {
    poller = new PollerManager();
    let ran = 0;
    poller.every({ minutes: 15 }, () => { ran++; }, { name: 'spread', jitter: 60_000 });
    poller.start();
    await pollerClock(poller, clock).next('spread');
    assert.equal(ran, 1);
  });

  it('should advance by a duration, firing everything on the way', async () => {
    poller = new PollerManager();
    const seen: string[] = [];
    poller.every({ minutes: 15 }, ({ scheduledAt }) => { seen.push(scheduledAt.toISOString().slice(11, 16)); });
    poller.start();
    await pollerClock(poller, clock).advance({ hours: 1, minutes: 5 });
    assert.deepEqual(seen, ['09:00', '09:15', '09:30', '09:45']);
    assert.equal(clock.now, Date.parse('2026-01-05T09:55:00.000Z'));
  });

  it('should say when nothing is scheduled', async () => {
    poller = new PollerManager();
    poller.every({ minutes: 1 }, () => {}, { name: 'idle' });
    const time = pollerClock(poller, clock);
    await assert.rejects(time.next(), {
      name: 'TestingError', code: 'ERR_TESTING_NO_SCHEDULED_JOB', message: '[@agentway/testing] pollerClock(): no job is scheduled (was poller.start() called?)',
    });
    poller.start();
    await assert.rejects(time.next('other'), { code: 'ERR_TESTING_NO_SCHEDULED_JOB', message: '[@agentway/testing] pollerClock(): no scheduled job named "other"' });
    await assert.rejects(time.advance({ weeks: 1 } as never), {
      name: 'TypeError', code: 'ERR_TESTING_INVALID_ARGUMENT',
      message: '[@agentway/testing] pollerClock().advance() takes ms >= 0 or { days, hours, minutes, seconds, ms }, got {"weeks":1}',
    });
  });

  it('should refuse what is not a poller or a fake clock', () => {
    poller = new PollerManager();
    assert.throws(() => pollerClock({} as never, clock), { code: 'ERR_TESTING_INVALID_ARGUMENT', message: '[@agentway/testing] pollerClock() takes a PollerManager (with jobs() and idle()) first' });
    assert.throws(() => pollerClock(poller, { now: Date.now() } as never), {
      code: 'ERR_TESTING_INVALID_ARGUMENT', message: '[@agentway/testing] pollerClock() takes a @sinonjs/fake-timers clock second (FakeTimers.install() or FakeTimers.createClock())',
    });
  });
});

describe('pollerClock() with a clock given to the poller (no global fake timers)', () => {
  it('should drive the poller\'s own clock and leave Date and setTimeout alone', async () => {
    const fake = FakeTimers.createClock(Date.parse('2026-01-05T08:50:00.000Z'));
    const poller = new PollerManager({ clock: { now: () => fake.now, setTimeout: fake.setTimeout, clearTimeout: fake.clearTimeout } });
    const ran: string[] = [];
    poller.every({ minutes: 15 }, ({ scheduledAt }) => { ran.push(scheduledAt.toISOString()); }, { name: 'report' });
    poller.start();
    try {
      assert.deepEqual(await pollerClock(poller, fake).next(), { name: 'report', scheduledAt: new Date('2026-01-05T09:00:00.000Z') });
      assert.deepEqual(ran, ['2026-01-05T09:00:00.000Z']);
      assert.deepEqual(['clock' in Date, 'clock' in setTimeout], [false, false], 'nothing global was faked');
    } finally {
      await poller.stop();
    }
  });
});
