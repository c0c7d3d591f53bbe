import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createClient } from 'redis';
import { redisServer, type RedisServer } from '@agentway/testing';

/** One command on a fresh connection (so that kills and restarts do not need a reconnecting client). CONFIG GET answers a map. */
async function command(url: string, ...args: string[]): Promise<unknown> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    await client.close();
  }
}

describe('redisServer()', () => {
  const started: RedisServer[] = [];
  afterEach(async () => { await Promise.all(started.splice(0).map((r) => r.stop())); });

  it('should start a throwaway redis-server on a free port, with AOF keeping what it acknowledged across a SIGKILL', async () => {
    const redis = await redisServer({ aof: true });
    started.push(redis);
    assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
    assert.notEqual(redis.port, 6379);
    assert.equal(await command(redis.url, 'SET', 'k', 'kept'), 'OK');
    assert.deepEqual(await command(redis.url, 'CONFIG', 'GET', 'appendfsync'), { appendfsync: 'always' });
    await redis.kill();
    await assert.rejects(command(redis.url, 'PING'));
    await redis.start();
    assert.equal(await command(redis.url, 'GET', 'k'), 'kept');
  });

  it('should lose everything on a restart without AOF, and remove its data directory on stop()', async () => {
    const redis = await redisServer({ args: ['--maxmemory', '10mb'] });
    started.push(redis);
    const { dir } = await command(redis.url, 'CONFIG', 'GET', 'dir') as { dir: string };
    assert.match(dir, /agentway-redis-/);
    assert.deepEqual(await command(redis.url, 'CONFIG', 'GET', 'maxmemory'), { maxmemory: String(10 * 1024 * 1024) });
    await command(redis.url, 'SET', 'k', 'lost');
    await redis.kill();
    await redis.start();
    assert.equal(await command(redis.url, 'GET', 'k'), null);
    assert.equal(existsSync(dir), true);
    await redis.stop();
    assert.equal(existsSync(dir), false);
    await assert.rejects(command(redis.url, 'PING'));
  });

  it('should say so when the server cannot be run or exits', async () => {
    await assert.rejects(redisServer({ binary: 'no-such-redis-server' }), {
      name: 'TestingError', code: 'ERR_TESTING_REDIS_SERVER',
      message: '[@agentway/testing] could not run no-such-redis-server (spawn no-such-redis-server ENOENT): install redis-server or pass option "binary"',
    });
    await assert.rejects(redisServer({ args: ['--no-such-directive', 'x'] }), { code: 'ERR_TESTING_REDIS_SERVER', message: /^\[@agentway\/testing\] redis-server exited \(1\) before answering PING: / });
    await assert.rejects(redisServer({ aof: 'yes' } as never), { code: 'ERR_TESTING_INVALID_OPTION', message: '[@agentway/testing] option "aof" must be a boolean, got "yes"' });
  });
});
