import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createGateway, createWorker, type ConfiguredWorker, type Gateway } from '@agentway/gateway';
import { redisPrefix } from '@agentway/testing';
import { startCli } from './cli-process';

const fixtures = join(__dirname, 'fixtures');
const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
const SHARED_BROKER = '[@agentway/gateway] a worker needs a broker the gateways share: set AGENTWAY_BROKER_URL=redis://… '
  + 'or broker: redis://… in the config (a memory broker lives and dies with its process)';

describe('createWorker()', () => {
  const redis = redisPrefix('gateway-worker');
  const { url: REDIS_URL, prefix } = redis;
  let gateway: Gateway | undefined;
  let worker: ConfiguredWorker | undefined;

  afterEach(async () => {
    await worker?.close();
    await gateway?.close();
    worker = undefined;
    gateway = undefined;
  });

  after(() => redis.cleanup());

  it('should refuse a memory broker with ERR_GATEWAY_SHARED_BROKER', async () => {
    await assert.rejects(createWorker({}, { env: {} }), { code: 'ERR_GATEWAY_SHARED_BROKER', message: SHARED_BROKER });
    await assert.rejects(createWorker({ broker: 'memory' }, { env: {} }), { code: 'ERR_GATEWAY_SHARED_BROKER', message: SHARED_BROKER });
    await assert.rejects(createWorker({ broker: REDIS_URL }, { env: { AGENTWAY_BROKER_URL: 'memory' } }), { code: 'ERR_GATEWAY_SHARED_BROKER' });
  });

  it('should check the worker section at construction, with a hint', async () => {
    await assert.rejects(createWorker({ broker: REDIS_URL, worker: { concurency: 2 } as never }, { env: {} }), {
      code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "worker.concurency"; did you mean "concurrency"?',
    });
    await assert.rejects(createWorker({ broker: REDIS_URL, worker: { ackTimeout: 5 } }, { env: {} }), {
      code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "worker.ackTimeout" must be a number from 10 to 2147483647, got 5',
    });
  });

  it('should execute the runs a gateway in mode: workers hands out, queued before it started too', async () => {
    const config = { broker: { url: REDIS_URL, prefix }, agents: './agents.cjs', baseDir: fixtures };
    gateway = await createGateway({ ...config, mode: 'workers' }, { env: {} });
    const queued = await gateway.runtime.start({ input: ask('queued first') });
    worker = await createWorker({ ...config, worker: { concurrency: 2, group: 'gateway-test', ackTimeout: 5_000 } }, { env: {} });
    assert.deepEqual(worker.agents.map((a) => a.name), ['shout']);
    assert.deepEqual([worker.brokerDescription, worker.group, worker.concurrency, worker.ackTimeout], [`redis ${REDIS_URL} prefix ${prefix}`, 'gateway-test', 2, 5_000]);
    const later = await gateway.runtime.start({ input: ask('then this') });
    const results = await Promise.all([gateway.runtime.result(queued.runId), gateway.runtime.result(later.runId)]);
    assert.deepEqual(results.map((r) => [r.status, r.output]), [['completed', 'QUEUED FIRST'], ['completed', 'THEN THIS']]);
  });
});

describe('the agentway worker command', () => {
  const redis = redisPrefix('gateway-worker-cli');
  const { url: REDIS_URL, prefix } = redis;
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  after(() => redis.cleanup());

  it('should serve the config\'s agents on Redis, print them, and exit 0 on SIGTERM once closed', async () => {
    const cli = startCli(['worker', '--config', join(fixtures, 'worker.yaml'), '--concurrency', '5'], { AGENTWAY_BROKER_URL: REDIS_URL, AGENTWAY_BROKER_PREFIX: prefix });
    try {
      assert.equal(await cli.line(/^agentway worker/), 'agentway worker serving shout');
      assert.equal(await cli.line(/^ {2}broker:/),
        `  broker: redis ${REDIS_URL} prefix ${prefix} · group: gateway-test-workers · concurrency: 5 runs per agent · ackTimeout: 2000 ms`);
      gateway = await createGateway({ broker: { url: REDIS_URL, prefix }, mode: 'workers', agents: './agents.cjs', baseDir: fixtures }, { env: {} });
      const run = await gateway.runtime.start({ input: ask('from another process') });
      assert.equal((await gateway.runtime.result(run.runId)).output, 'FROM ANOTHER PROCESS');
    } finally {
      assert.deepEqual(await cli.stop(), [0, null]);
    }
    assert.ok(cli.lines.some((line) => /^\{.*"msg":"received SIGTERM, shutting down"/.test(line)), cli.lines.join('\n'));
    assert.equal(cli.stderr(), '');
  });

  it('should refuse a memory broker with one line and exit 1', async () => {
    const cli = startCli(['worker']);
    assert.deepEqual(await cli.exited, [1, null]);
    assert.equal(cli.stderr(), `agentway: ${SHARED_BROKER}\n`);
    assert.deepEqual(cli.lines, []);
  });

  it('should refuse a bad --concurrency, and serve flags, without starting', async () => {
    const bad = startCli(['worker', '--concurrency', '0'], { AGENTWAY_BROKER_URL: REDIS_URL });
    assert.deepEqual(await bad.exited, [1, null]);
    assert.equal(bad.stderr(), 'agentway: --concurrency must be a whole number of runs (1 or more), got 0\n');
    const misplaced = startCli(['worker', '--port', '8080']);
    assert.deepEqual(await misplaced.exited, [2, null]);
    assert.equal(misplaced.lines[0], 'Usage: agentway serve [--config file.yaml] [--port N] [--host H]');
    assert.equal(misplaced.lines[1], '       agentway worker [--config file.yaml] [--concurrency N]');
  });

  it('should not serve in mode: workers on a memory broker (no worker could reach it)', async () => {
    const cli = startCli(['serve', '--port', '0'], { AGENTWAY_MODE: 'workers' });
    assert.deepEqual(await cli.exited, [1, null]);
    assert.equal(cli.stderr(), 'agentway: [@agentway/gateway] mode: workers needs a broker the workers share: '
      + 'set AGENTWAY_BROKER_URL=redis://… or broker: redis://… in the config\n');
  });
});
