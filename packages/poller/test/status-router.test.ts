import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import request from 'supertest';
import { apiKeyAuth } from '@agentway/auth';
import { PollerManager, type Clock } from '@agentway/poller';
import { forEachExpress } from '@agentway/test-harness';

const T0 = Date.parse('2026-01-05T08:59:58.000Z');

forEachExpress('poller.router()', (express) => {
  let fake: ReturnType<typeof FakeTimers.createClock>;
  let poller: PollerManager;

  beforeEach(async () => {
    fake = FakeTimers.createClock(T0);
    const clock: Clock = { now: () => fake.now, setTimeout: (fn, ms) => fake.setTimeout(fn, ms), clearTimeout: (h) => fake.clearTimeout(h as never) };
    poller = new PollerManager({ clock, backoff: { initial: 60_000 } });
    poller.every({ seconds: 1 }, async () => { await new Promise((resolve) => fake.setTimeout(resolve, 250)); }, { name: 'heartbeat' });
    poller.cron('5 0 10 * * *', () => { throw Object.assign(new Error('quota exceeded'), { code: 'E_QUOTA' }); }, { name: 'report', timezone: 'Europe/Paris', timeout: 30_000 });
    poller.start();
    await fake.tickAsync(2_500);
  });

  afterEach(async () => {
    const stopping = poller.stop();
    await fake.tickAsync(1_000);
    await stopping;
  });

  function app(auth?: RequestHandler) {
    const a = express();
    a.use('/pollers', poller.router(auth ? { auth } : undefined));
    return a;
  }

  describe('GET /', () => {
    it('should 200 with every job: schedule, next and last run, duration, error and run count', async () => {
      const res = await request(app()).get('/pollers').expect(200).expect('content-type', /application\/json/).expect('cache-control', 'no-store');
      const none = { elsewhere: 0, overlap: 0, backoff: 0, missed: 0, lockError: 0 };
      assert.deepEqual(res.body, {
        jobs: [{
          name: 'heartbeat', schedule: { every: { seconds: 1 }, ms: 1000 }, timeout: null, jitter: 0,
          nextRun: '2026-01-05T09:00:01.000Z', lastRun: '2026-01-05T09:00:00.000Z', lastScheduled: '2026-01-05T09:00:00.000Z',
          lastDuration: 250, lastError: null, runCount: 2, failures: 0, running: false, pausedUntil: null, skipped: none,
        }, {
          name: 'report', schedule: { cron: '5 0 10 * * *', timezone: 'Europe/Paris' }, timeout: 30_000, jitter: 0,
          nextRun: '2026-01-05T09:00:05.000Z', lastRun: null, lastScheduled: null,
          lastDuration: null, lastError: null, runCount: 0, failures: 0, running: false, pausedUntil: null, skipped: none,
        }],
      });
    });
  });

  describe('GET /:name', () => {
    it('should 200 with one job and its last error, without a stack', async () => {
      await fake.tickAsync(Date.parse('2026-01-05T09:00:05.000Z') - fake.now);
      const res = await request(app()).get('/pollers/report').expect(200);
      assert.deepEqual(res.body.lastError, { code: 'E_QUOTA', message: 'quota exceeded', at: '2026-01-05T09:00:05.000Z' });
      assert.equal(res.body.failures, 1);
      assert.equal(res.body.pausedUntil, '2026-01-05T09:01:05.000Z');
      assert.equal(res.body.nextRun, '2026-01-06T09:00:05.000Z');
    });

    it('should 404 ERR_POLLER_NOT_FOUND in JSON for an unknown job', async () => {
      const res = await request(app()).get('/pollers/nope').expect(404);
      assert.deepEqual(res.body, { error: { code: 'ERR_POLLER_NOT_FOUND', message: '[@agentway/poller] no job named "nope"' } });
    });

    it('should find a name with spaces and a slash when it is URL-encoded', async () => {
      poller.every({ minutes: 5 }, () => {}, { name: 'sync a/b' });
      const res = await request(app()).get(`/pollers/${encodeURIComponent('sync a/b')}`).expect(200);
      assert.equal(res.body.name, 'sync a/b');
    });
  });

  describe('with the auth option', () => {
    const auth = apiKeyAuth({ keys: ['status-key'] });

    it('should 401 in JSON without a key and 200 with it', async () => {
      const res = await request(app(auth)).get('/pollers').expect(401);
      assert.equal(res.body.error.code, 'ERR_AUTH_MISSING_CREDENTIALS');
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="agentway"');
      await request(app(auth)).get('/pollers').set('authorization', 'Bearer status-key').expect(200);
    });

    it('should reject an unknown router option with a hint', () => {
      assert.throws(() => poller.router({ auht: auth } as never), { code: 'ERR_POLLER_UNKNOWN_OPTION', message: '[@agentway/poller] unknown option "auht"; did you mean "auth"?' });
    });
  });

  describe('with another error', () => {
    it('should pass it to the app error handler', async () => {
      const a = express();
      a.use((req, _res, next) => { (req as { boom?: boolean }).boom = true; next(); });
      a.use('/pollers', poller.router({ auth: (_req, _res, next) => next(new Error('store down')) }));
      const handler: ErrorRequestHandler = (err, _req, res, _next) => { res.status(503).json({ handled: (err as Error).message }); };
      a.use(handler);
      await request(a).get('/pollers').expect(503, { handled: 'store down' });
    });
  });
});
