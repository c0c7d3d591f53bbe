import { brokerConformance } from '@agentway/broker/conformance';
import { createRedisBroker } from '@agentway/broker-redis';
import { redisPrefix } from '@agentway/testing';

const redis = redisPrefix('conformance');

// Approximate trimming keeps whole stream nodes (up to 100 entries each) beyond maxLength.
brokerConformance('createRedisBroker()', () => createRedisBroker({ url: redis.url, prefix: redis.prefix }), { retentionSlack: 100, ackTimeout: 200 });

after(() => redis.cleanup());
