import type { Retention } from '@agentway/broker';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { checkOptions, func, number, object, OptionError, errorCode, satisfies, string } from '@agentway/options';
import type { RedisClient } from './connections';

/** Options of `createRedisBroker()`. Give either `url` or `client` (neither: `redis://127.0.0.1:6379`). */
export interface RedisBrokerOptions {
  /** `redis[s]://[[user]:password@]host[:port][/db]`. */
  url?: string;
  /**
   * A node-redis client to take the connection settings from. The broker opens its own
   * connections with `client.duplicate()` (it never uses nor closes this one).
   */
  client?: RedisClient;
  /** Prepended to every key the broker writes: `<prefix><topic>` is a topic's stream. Default `'agentway:'`. */
  prefix?: string;
  /** The bound of every topic without its own `setRetention()`. Default `{ maxLength: 10_000 }`. */
  retention?: Retention;
  /** How long `createRedisBroker()` waits for Redis, and a publish waits for a lost connection to return. Default 10 000 ms. */
  connectTimeout?: number;
  /** Called with connection errors (each one is also retried or surfaces as ERR_BROKER_UNAVAILABLE). */
  onError?: (error: Error) => void;
  /** Where connection errors (warn) and reconnections (info) are reported (pino-compatible). Default: silent. */
  logger?: Logger;
}

/** The checked options, with defaults applied. */
export interface RedisBrokerConfig {
  readonly url: string | undefined;
  readonly client: RedisClient | undefined;
  readonly prefix: string;
  readonly retention: Retention;
  readonly connectTimeout: number;
  readonly onError: ((error: Error) => void) | undefined;
  readonly logger: Logger;
}

const PKG = 'broker-redis';

const isClient = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { duplicate?: unknown }).duplicate === 'function';

/** Checks the options once, at construction: unknown keys and wrong types throw a coded TypeError. */
export function resolveOptions(options: Readonly<RedisBrokerOptions> = {}): RedisBrokerConfig {
  const config = checkOptions(PKG, options, {
    url: satisfies<string>('a redis:// or rediss:// URL', (v) => typeof v === 'string' && /^rediss?:\/\//.test(v)),
    client: satisfies<RedisClient>('a node-redis client (createClient() from "redis")', isClient),
    prefix: string(),
    retention: object({ maxLength: number({ min: 1, integer: true }), maxAge: number({ min: 1 }) }),
    connectTimeout: number({ min: 1 }),
    onError: func<(error: Error) => void>(),
    logger: loggerOption,
  });
  if (config.url !== undefined && config.client !== undefined) {
    throw new OptionError(PKG, errorCode(PKG, 'INVALID_OPTION'), 'client',
      'options "url" and "client" cannot be combined: give one of them');
  }
  return Object.freeze({
    url: config.client === undefined ? config.url ?? 'redis://127.0.0.1:6379' : undefined,
    client: config.client,
    prefix: config.prefix ?? 'agentway:',
    retention: Object.freeze({ maxLength: 10_000, ...config.retention }),
    connectTimeout: config.connectTimeout ?? 10_000,
    onError: config.onError,
    logger: config.logger ?? silentLogger,
  });
}
