import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { redisPrefix, type RedisPrefix } from '@agentway/testing';

describe('redisPrefix() on the shared Redis', () => {
  let client: ReturnType<typeof createClient>;
  let mine: RedisPrefix;
  let neighbour: RedisPrefix;

  before(async () => {
    client = createClient({ url: redisPrefix().url });
    await client.connect();
  });

  after(async () => {
    await neighbour?.cleanup();
    await mine?.cleanup();
    await client.close();
  });

  it('should give a unique prefix under agentway-test:<label>:', () => {
    mine = redisPrefix('orders');
    neighbour = redisPrefix('orders');
    assert.match(mine.prefix, /^agentway-test:orders:[0-9a-f-]{36}:$/);
    assert.notEqual(mine.prefix, neighbour.prefix);
    assert.equal(mine.url, process.env.AGENTWAY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    assert.equal(redisPrefix('x', { url: 'redis://10.0.0.1:6380' }).url, 'redis://10.0.0.1:6380');
  });

  it('should delete every key under its prefix and nothing else', async () => {
    await client.set(`${mine.prefix}a`, '1');
    await client.xAdd(`${mine.prefix}stream`, '*', { v: '1' });
    await client.set(`${mine.prefix} claim x`, '1');
    await client.set(`${neighbour.prefix}a`, '1');
    assert.equal(await mine.cleanup(), 3);
    assert.deepEqual(await client.keys(`${mine.prefix}*`), []);
    assert.deepEqual(await client.keys(`${neighbour.prefix}*`), [`${neighbour.prefix}a`]);
    assert.equal(await mine.cleanup(), 0);
    assert.equal(await neighbour.cleanup(), 1);
  });

  it('should refuse a label that is not a plain name, and a URL that is not Redis\'s', () => {
    assert.throws(() => redisPrefix('a*b'), {
      name: 'TypeError', code: 'ERR_TESTING_INVALID_ARGUMENT', message: '[@agentway/testing] redisPrefix() takes a label of letters, digits, ".", "_" and "-" (at most 64), got "a*b"',
    });
    assert.throws(() => redisPrefix('a', { url: 'http://127.0.0.1:6379' }), {
      code: 'ERR_TESTING_INVALID_OPTION', message: '[@agentway/testing] option "url" must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"',
    });
  });
});
