export { createRedisBroker } from './redis-broker';
export type { RedisBrokerOptions } from './options';
export type { RedisClient } from './connections';
