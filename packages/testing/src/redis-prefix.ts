import { randomUUID } from 'node:crypto';
import { checkOptions, satisfies } from '@agentway/options';
import { invalidArgument } from './testing-error';

/** A key prefix of a test's own on a shared Redis, and the clean-up of every key under it. */
export interface RedisPrefix {
  /** The Redis the keys are on. */
  readonly url: string;
  /** `agentway-test:<label>:<uuid>:` — give it to `createRedisBroker({ url, prefix })` (or your own keys). */
  readonly prefix: string;
  /** Deletes every key under the prefix (`SCAN` + `UNLINK`, nothing else is touched); resolves with how many. */
  cleanup(): Promise<number>;
}

/** Where `redisPrefix()` is. */
export interface RedisPrefixOptions {
  /** Default: `AGENTWAY_TEST_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const optionsSchema = {
  url: satisfies<string>('a redis:// or rediss:// URL', (v) => typeof v === 'string' && /^rediss?:\/\//.test(v)),
};

/**
 * A unique key prefix on a shared Redis, so that suites (and parallel runs) never see each
 * other's keys and leave the Redis as they found it — never `FLUSHALL`:
 *
 * ```ts
 * const redis = redisPrefix('orders');
 * const broker = await createRedisBroker({ url: redis.url, prefix: redis.prefix });
 * after(async () => { await broker.close(); await redis.cleanup(); });
 * ```
 *
 * The `redis` client is loaded on the first `cleanup()` only.
 */
export function redisPrefix(label = 'test', options: RedisPrefixOptions = {}): RedisPrefix {
  if (typeof label !== 'string' || !LABEL.test(label)) {
    throw invalidArgument(`redisPrefix() takes a label of letters, digits, ".", "_" and "-" (at most 64), got ${JSON.stringify(label)}`);
  }
  const url = checkOptions('testing', options, optionsSchema).url ?? process.env.AGENTWAY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `agentway-test:${label}:${randomUUID()}:`;
  return {
    url,
    prefix,
    async cleanup() {
      const { createClient } = await import('redis');
      const client = createClient({ url });
      client.on('error', () => undefined);
      await client.connect();
      let deleted = 0;
      try {
        for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
          if (keys.length > 0) deleted += await client.unlink(keys);
        }
      } finally {
        await client.close();
      }
      return deleted;
    },
  };
}
