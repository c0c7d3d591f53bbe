import assert from 'node:assert/strict';
import { join } from 'node:path';
import request from 'supertest';
import { applyEnv, createGateway, loadConfigFile, type Gateway, type GatewayConfig } from '@agentway/gateway';

const fixtures = join(__dirname, 'fixtures');

describe('createGateway()', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  describe('with the embedded defaults', () => {
    it('should serve the demo agents on a memory broker, echo first', async () => {
      gateway = await createGateway({}, { env: {} });
      assert.equal(gateway.brokerDescription, 'memory');
      assert.equal(gateway.runtime.mode, 'local');
      const res = await request(gateway.app).get('/').expect(200);
      assert.deepEqual(res.body.agents.map((a: { name: string }) => a.name), ['echo', 'clock']);
      assert.equal(res.body.defaultAgent, 'echo');
      assert.deepEqual(res.body.endpoints.slice(0, 2), ['GET /', 'GET /healthz']);
      await request(gateway.app).get('/healthz').expect(200, { status: 'ok' });
      const run = await gateway.runtime.start({ input: { messages: [{ role: 'user', content: 'ping pong' }] } });
      assert.equal((await gateway.runtime.result(run.runId)).output, 'ping pong');
    });
  });

  describe('with a config file', () => {
    it('should load the agents module relative to the file and take the API keys', async () => {
      gateway = await createGateway(await loadConfigFile(join(fixtures, 'gateway.yaml')), { env: {} });
      assert.deepEqual(gateway.runtime.agents.names, ['shout']);
      assert.deepEqual(gateway.config.apiKeys, ['key-1', 'key-2']);
      const run = await gateway.runtime.start({ input: { messages: [{ role: 'user', content: 'hey' }] } });
      assert.equal((await gateway.runtime.result(run.runId)).output, 'HEY');
    });

    it('should reject an unknown key with a hint', async () => {
      await assert.rejects(async () => createGateway(await loadConfigFile(join(fixtures, 'typo.yaml')), { env: {} }), {
        code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "agnets"; did you mean "agents"?',
      });
    });

    it('should reject a file that is not YAML or does not exist', async () => {
      await assert.rejects(loadConfigFile(join(fixtures, 'broken.yaml')), { code: 'ERR_GATEWAY_CONFIG_FILE', message: /is not valid YAML/ });
      await assert.rejects(loadConfigFile(join(fixtures, 'missing.yaml')), { code: 'ERR_GATEWAY_CONFIG_FILE', message: /cannot read the config file/ });
    });

    it('should check broker: { url, prefix } key by key', async () => {
      await assert.rejects(createGateway({ broker: { url: 'redis://127.0.0.1:6379', prefx: 'a:' } as never }, { env: {} }), {
        code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "broker.prefx"; did you mean "prefix"?',
      });
      await assert.rejects(createGateway({ broker: { prefix: 'a:' } as never }, { env: {} }), {
        code: 'ERR_GATEWAY_MISSING_OPTION', message: '[@agentway/gateway] option "broker.url" is required',
      });
      await assert.rejects(createGateway({ broker: { url: 'http://127.0.0.1:6379' } }, { env: {} }), {
        code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "broker.url" must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"',
      });
      await assert.rejects(createGateway({ broker: 'redis:/typo' }, { env: {} }), {
        code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "broker" must be "memory" or a redis:// URL, got "redis:/typo"',
      });
      await assert.rejects(createGateway({ broker: 6379 as never }, { env: {} }), {
        code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "broker" must be "memory", a redis:// URL, { url, prefix } or a Broker, got 6379',
      });
    });

    it('should reject a duration longer than a timer can wait (2^31 - 1 ms), which Node would cut to 1 ms', async () => {
      const over = 2 ** 31;
      const cases: [GatewayConfig, string, number][] = [
        [{ shutdownTimeout: over }, 'shutdownTimeout', 0], [{ worker: { ackTimeout: over } }, 'worker.ackTimeout', 10],
        [{ openaiCompat: { heartbeat: over } }, 'openaiCompat.heartbeat', 0], [{ agui: { heartbeat: over } }, 'agui.heartbeat', 0],
        [{ a2a: { heartbeat: over } }, 'a2a.heartbeat', 0], [{ langstream: { serviceTimeout: over } }, 'langstream.serviceTimeout', 1],
        [{ langstream: { pingInterval: over } }, 'langstream.pingInterval', 0],
        [{ webhooks: { routes: [{ name: 'a', scheme: 'stripe', secret: 's', dedupeTtl: over }] } }, 'webhooks.routes[0].dedupeTtl', 1000],
      ];
      for (const [config, option, min] of cases) {
        await assert.rejects(createGateway(config, { env: {} }), {
          code: 'ERR_GATEWAY_INVALID_OPTION', message: `[@agentway/gateway] option "${option}" must be a number from ${min} to 2147483647, got 2147483648`,
        });
      }
      const gateway = await createGateway({ shutdownTimeout: over - 1 }, { env: {} });
      await gateway.close();
    });

    it('should reject an agents module that exports no agents', async () => {
      await assert.rejects(createGateway({ agents: './gateway.yaml', baseDir: fixtures }, { env: {} }), { code: 'ERR_GATEWAY_MODULE' });
      await assert.rejects(createGateway({ agents: 'node:path' }, { env: {} }), { code: 'ERR_GATEWAY_INVALID_AGENTS_MODULE' });
    });
  });

  describe('with environment variables', () => {
    it('should let the environment override the file', () => {
      const config = applyEnv({ port: 1, apiKeys: ['file'], features: { agui: true } }, {
        PORT: '9090', HOST: '0.0.0.0', AGENTWAY_API_KEYS: 'a, b,,c', AGENTWAY_BROKER_URL: 'redis://127.0.0.1:6379',
        AGENTWAY_GATEWAY_ENABLED: 'false', AGENTWAY_GATEWAY_OPENAI_COMPAT: 'true',
      });
      assert.deepEqual(config, {
        port: 9090, host: '0.0.0.0', apiKeys: ['a', 'b', 'c'], broker: 'redis://127.0.0.1:6379',
        features: { openaiCompat: true, agui: false, webhooks: false, langstream: false, a2a: false, pollers: false },
      });
    });

    it('should set the Redis prefix from AGENTWAY_BROKER_PREFIX, keeping the file\'s prefix when only the URL changes', () => {
      const url = 'redis://127.0.0.1:6379';
      assert.deepEqual(applyEnv({ broker: url }, { AGENTWAY_BROKER_PREFIX: 'p:' }).broker, { url, prefix: 'p:' });
      assert.deepEqual(applyEnv({}, { AGENTWAY_BROKER_URL: url, AGENTWAY_BROKER_PREFIX: 'p:' }).broker, { url, prefix: 'p:' });
      assert.deepEqual(applyEnv({ broker: { url, prefix: 'file:' } }, { AGENTWAY_BROKER_PREFIX: 'env:' }).broker, { url, prefix: 'env:' });
      assert.deepEqual(applyEnv({ broker: { url, prefix: 'file:' } }, { AGENTWAY_BROKER_URL: 'redis://other:6380' }).broker, { url: 'redis://other:6380', prefix: 'file:' });
      assert.equal(applyEnv({ broker: { url, prefix: 'file:' } }, { AGENTWAY_BROKER_URL: 'memory' }).broker, 'memory');
      assert.equal(applyEnv({ broker: 'memory' }, { AGENTWAY_BROKER_URL: url, AGENTWAY_BROKER_PREFIX: '' }).broker, url);
    });

    it('should reject AGENTWAY_BROKER_PREFIX without a Redis broker', () => {
      const expected = {
        code: 'ERR_GATEWAY_INVALID_ENV',
        message: '[@agentway/gateway] AGENTWAY_BROKER_PREFIX applies to a Redis broker: set AGENTWAY_BROKER_URL=redis://… or broker: redis://… in the config',
      };
      assert.throws(() => applyEnv({}, { AGENTWAY_BROKER_PREFIX: 'p:' }), expected);
      assert.throws(() => applyEnv({ broker: 'memory' }, { AGENTWAY_BROKER_PREFIX: 'p:' }), expected);
      assert.throws(() => applyEnv({ broker: 'redis://127.0.0.1:6379' }, { AGENTWAY_BROKER_URL: 'memory', AGENTWAY_BROKER_PREFIX: 'p:' }), expected);
    });

    it('should reject a flag that is not a boolean and a port that is not a number', () => {
      assert.throws(() => applyEnv({}, { AGENTWAY_GATEWAY_AGUI: 'maybe' }), {
        code: 'ERR_GATEWAY_INVALID_ENV', message: '[@agentway/gateway] environment variable AGENTWAY_GATEWAY_AGUI must be true or false, got "maybe"',
      });
      assert.throws(() => applyEnv({}, { PORT: 'eighty' }), { code: 'ERR_GATEWAY_INVALID_ENV' });
    });
  });

  describe('listen()', () => {
    it('should serve over HTTP and close everything on close()', async () => {
      gateway = await createGateway({}, { env: {} });
      const { url } = await gateway.listen(0);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/healthz`);
      assert.deepEqual(await res.json(), { status: 'ok' });
    });
  });
});
