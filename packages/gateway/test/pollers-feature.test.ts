import assert from 'node:assert/strict';
import { join } from 'node:path';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import request from 'supertest';
import { createGateway, type Gateway } from '@agentway/gateway';
import { forEachExpress } from '@agentway/test-harness';

const fixtures = join(__dirname, 'fixtures');

forEachExpress('createGateway() with the pollers feature', () => {
  let gateway: Gateway | undefined;
  let clock: Clock | undefined;

  afterEach(async () => {
    await gateway?.close();
    clock?.uninstall();
    gateway = clock = undefined;
  });

  it('should run the module\'s jobs and listeners on the gateway broker and runtime, and serve their status', async () => {
    clock = FakeTimers.install({ now: Date.parse('2026-01-05T08:59:30.000Z'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    gateway = await createGateway({ baseDir: fixtures, pollers: { module: './pollers.cjs', log: false } }, { env: {} });
    assert.deepEqual(gateway.endpoints.filter((e) => e.includes('/pollers')), ['GET /pollers', 'GET /pollers/jobs/:name', 'GET /pollers/listeners/:name']);
    await clock.tickAsync(30_000);
    while ((await gateway.broker.describe('ticks.seen')) === undefined) await new Promise((resolve) => setImmediate(resolve));
    const seen = await gateway.broker.describe('ticks.seen');
    assert.equal(seen?.last?.value, 'tick 2026-01-05T09:00:00.000Z');
    assert.deepEqual(seen?.last?.headers, { listener: 'relay', 'source-topic': 'ticks' });

    const overview = await request(gateway.app).get('/pollers').expect(200);
    assert.deepEqual(overview.body.jobs.map((j: { name: string; runCount: number; nextRun: string }) => [j.name, j.runCount, j.nextRun]), [['tick', 1, '2026-01-05T09:01:00.000Z']]);
    assert.deepEqual(overview.body.listeners.map((l: { name: string; state: string; republished: number }) => [l.name, l.state, l.republished]), [['relay', 'open', 1]]);
    const job = await request(gateway.app).get('/pollers/jobs/tick').expect(200);
    assert.deepEqual(job.body.schedule, { every: { minutes: 1 }, ms: 60_000 });
    await request(gateway.app).get('/pollers/listeners/relay').expect(200);
    await request(gateway.app).get('/pollers/jobs/nope').expect(404);
  });

  it('should take the module path alone, log its start, put the status behind the API keys and stop the jobs on close()', async () => {
    clock = FakeTimers.install({ now: Date.parse('2026-01-05T08:59:30.000Z'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const lines: string[] = [];
    const at = (level: string) => (fields: object | string, message?: string) => { lines.push(`${level} ${typeof fields === 'string' ? fields : message}`); };
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    gateway = await createGateway({ baseDir: fixtures, apiKeys: ['sk-1'], pollers: './pollers.cjs' }, { env: {}, logger });
    assert.deepEqual(lines, ['info [@agentway/poller] 1 job(s) started; each scheduled time fires once across the instances sharing the lock (lease 30000 ms)']);
    const denied = await request(gateway.app).get('/pollers').expect(401);
    assert.equal(denied.body.error.code, 'ERR_AUTH_MISSING_CREDENTIALS');
    await request(gateway.app).get('/pollers/jobs').expect(401);
    await request(gateway.app).get('/pollers/jobs').set('authorization', 'Bearer sk-1').expect(200);
    await gateway.close();
    gateway = undefined;
    assert.equal(clock.countTimers(), 0);
  });

  it('should mount nothing without a pollers section', async () => {
    gateway = await createGateway({}, { env: {} });
    assert.equal(gateway.endpoints.some((e) => e.includes('/pollers')), false);
    await request(gateway.app).get('/pollers').expect(404);
  });

  it('should reject a module without a function, and a typo in the section with a hint', async () => {
    await assert.rejects(createGateway({ baseDir: fixtures, pollers: './not-pollers.cjs' }, { env: {} }), { code: 'ERR_GATEWAY_INVALID_POLLERS_MODULE' });
    await assert.rejects(createGateway({ baseDir: fixtures, pollers: { modul: './pollers.cjs' } }, { env: {} }), {
      code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "pollers.modul"; did you mean "module"?',
    });
    await assert.rejects(createGateway({ baseDir: fixtures, pollers: { path: '/p' } }, { env: {} }), { code: 'ERR_GATEWAY_INVALID_OPTION' });
  });
});
