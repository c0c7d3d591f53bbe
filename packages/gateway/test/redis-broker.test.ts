import assert from 'node:assert/strict';
import request from 'supertest';
import type { Broker } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import { createGateway, type Gateway } from '@agentway/gateway';
import { forEachExpress } from '@agentway/test-harness';
import { redisPrefix } from '@agentway/testing';
import { startCli } from './cli-process';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

forEachExpress('createGateway() with a Redis broker', () => {
  let gateway: Gateway | undefined;
  let reader: Broker | undefined;
  const redis = redisPrefix('gateway');
  const fromEnv = redisPrefix('gateway-env');
  const REDIS_URL = redis.url;

  afterEach(async () => {
    await gateway?.close();
    await reader?.close();
    gateway = undefined;
    reader = undefined;
    await Promise.all([redis.cleanup(), fromEnv.cleanup()]);
  });

  it("should run the demo echo agent on Redis Streams with broker: 'redis://…'", async () => {
    gateway = await createGateway({ broker: REDIS_URL }, { env: {} });
    assert.equal(gateway.brokerDescription, `redis ${REDIS_URL}`);
    await request(gateway.app).get('/healthz').expect(200, { status: 'ok' });
    const run = await gateway.runtime.start({ input: ask('ping over redis') });
    try {
      const result = await gateway.runtime.result(run.runId);
      assert.equal(result.output, 'ping over redis');
      const info = await gateway.broker.describe(`runs.${run.runId}`);
      assert.match(info!.first!.offset, /^\d+-\d+$/, 'offsets are Redis stream ids');
    } finally {
      await gateway.broker.expire(`runs.${run.runId}`, 1); // the default prefix: leave the shared Redis as it was
    }
  });

  it('should keep its keys under the prefix of broker: { url, prefix }', async () => {
    const { prefix } = redis;
    gateway = await createGateway({ broker: { url: REDIS_URL, prefix } }, { env: {} });
    assert.equal(gateway.brokerDescription, `redis ${REDIS_URL} prefix ${prefix}`);
    const run = await gateway.runtime.start({ input: ask('under a prefix') });
    assert.equal((await gateway.runtime.result(run.runId)).output, 'under a prefix');
    reader = await createRedisBroker({ url: REDIS_URL, prefix });
    assert.equal((await reader.describe(`runs.${run.runId}`))?.length, 5, 'run_started, 3 pieces, run_completed under the prefix');
    const elsewhere = await createRedisBroker({ url: REDIS_URL });
    try {
      assert.equal(await elsewhere.describe(`runs.${run.runId}`), undefined, 'nothing under the default prefix');
    } finally {
      await elsewhere.close();
    }
  });

  it('should take the prefix from AGENTWAY_BROKER_PREFIX, over the file', async () => {
    const { prefix } = fromEnv;
    gateway = await createGateway({ broker: { url: REDIS_URL, prefix: 'from-the-file:' } }, { env: { AGENTWAY_BROKER_PREFIX: prefix } });
    assert.deepEqual(gateway.config.broker, { url: REDIS_URL, prefix });
    const run = await gateway.runtime.start({ input: ask('env prefix') });
    await gateway.runtime.result(run.runId);
    reader = await createRedisBroker({ url: REDIS_URL, prefix });
    assert.ok(await reader.describe(`runs.${run.runId}`));
  });
});

describe('the agentway CLI with AGENTWAY_BROKER_URL', () => {
  const redis = redisPrefix('gateway-cli');
  const { url: REDIS_URL, prefix } = redis;

  after(() => redis.cleanup());

  it('should switch to Redis and print the broker', async () => {
    const cli = startCli(['serve', '--port', '0'], { AGENTWAY_BROKER_URL: REDIS_URL });
    try {
      assert.equal(await cli.line(/^ {2}broker: /), `  broker: redis ${REDIS_URL} · mode: local · agents: echo (default), clock`);
      await cli.line(/^ {2}GET {3}\/healthz$/);
    } finally {
      assert.deepEqual(await cli.stop(), [0, null]);
    }
  });

  it('should take AGENTWAY_BROKER_PREFIX and AGENTWAY_MODE=workers', async () => {
    const cli = startCli(['serve', '--port', '0'], { AGENTWAY_BROKER_URL: REDIS_URL, AGENTWAY_BROKER_PREFIX: prefix, AGENTWAY_MODE: 'workers' });
    try {
      assert.equal(await cli.line(/^ {2}broker: /), `  broker: redis ${REDIS_URL} prefix ${prefix} · mode: workers · agents: echo (default), clock`);
    } finally {
      assert.deepEqual(await cli.stop('SIGINT'), [0, null]);
    }
  });
});
