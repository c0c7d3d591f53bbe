import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { createRedisBroker } from '@agentway/broker-redis';
import { redisPrefix } from '@agentway/testing';
import { rawClient } from './helpers';

/** A port that refuses connections (a server was there a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('createRedisBroker()', () => {
  describe('with options', () => {
    it('should reject an unknown option with a coded TypeError and a hint', async () => {
      await assert.rejects(createRedisBroker({ prefx: 'x:' } as never), {
        name: 'TypeError',
        code: 'ERR_BROKER_REDIS_UNKNOWN_OPTION',
        message: '[@agentway/broker-redis] unknown option "prefx"; did you mean "prefix"?',
      });
    });

    it('should reject a wrong type, naming the option', async () => {
      await assert.rejects(createRedisBroker({ retention: { maxLength: 0 } }), {
        name: 'TypeError',
        code: 'ERR_BROKER_REDIS_INVALID_OPTION',
        message: '[@agentway/broker-redis] option "retention.maxLength" must be an integer >= 1, got 0',
      });
      await assert.rejects(createRedisBroker({ url: 'http://127.0.0.1:6379' }), {
        code: 'ERR_BROKER_REDIS_INVALID_OPTION',
        message: '[@agentway/broker-redis] option "url" must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"',
      });
      await assert.rejects(createRedisBroker({ client: {} as never }), {
        code: 'ERR_BROKER_REDIS_INVALID_OPTION',
        message: '[@agentway/broker-redis] option "client" must be a node-redis client (createClient() from "redis"), got an object',
      });
    });

    it('should reject url and client together', async () => {
      const { url } = redisPrefix('options');
      const client = await rawClient(url);
      try {
        await assert.rejects(createRedisBroker({ url, client }), {
          code: 'ERR_BROKER_REDIS_INVALID_OPTION',
          message: '[@agentway/broker-redis] options "url" and "client" cannot be combined: give one of them',
        });
      } finally {
        await client.close();
      }
    });
  });

  describe('when Redis cannot be reached', () => {
    it('should reject with ERR_BROKER_UNAVAILABLE after connectTimeout, without the password', async () => {
      const port = await closedPort();
      const started = Date.now();
      await assert.rejects(createRedisBroker({ url: `redis://app:s3cret@127.0.0.1:${port}`, connectTimeout: 300 }), (err: Error & { code: string }) => {
        assert.equal(err.code, 'ERR_BROKER_UNAVAILABLE');
        assert.match(err.message, new RegExp(`^\\[@agentway/broker\\] cannot connect to Redis at redis://app:\\*\\*\\*@127\\.0\\.0\\.1:${port} within 300 ms: .*ECONNREFUSED`));
        assert.doesNotMatch(err.message, /s3cret/);
        return true;
      });
      assert.ok(Date.now() - started < 2_000);
    });
  });

  describe('with a client', () => {
    it('should open connections of its own from the client, and leave the client open', async () => {
      const redis = redisPrefix('client');
      const { prefix } = redis;
      const client = await rawClient(redis.url);
      try {
        const broker = await createRedisBroker({ client, prefix });
        const sub = broker.subscribe('t', { from: 'earliest' });
        await broker.publish('t', { value: 'via a duplicate' });
        assert.equal((await sub.next())!.value, 'via a duplicate');
        await broker.close();
        assert.equal(client.isOpen, true);
        assert.equal(await client.ping(), 'PONG');
        assert.equal(await client.xLen(`${prefix}t`), 1);
      } finally {
        await client.close();
        await redis.cleanup();
      }
    });
  });
});
