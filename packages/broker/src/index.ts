export type {
  Broker, BrokerRecord, Headers, JsonValue, Position, PublishMessage, Retention, SubscribeOptions, Subscription, TopicInfo,
} from './broker';
export { BrokerError } from './broker-error';
export type { BrokerErrorCode } from './broker-error';
export { createMemoryBroker } from './memory-broker';
export type { MemoryBrokerOptions } from './memory-broker';
export { MemoryClaims } from './memory-claims';
export { request, reply, CORRELATION_HEADER, REPLY_TO_HEADER } from './request';
export type { RequestOptions } from './request';
export {
  checkClaimKey, checkMessage, checkRetention, checkSubscribeOptions, checkTopic, checkTtl, encodeValue, matchesFilter,
} from './validate';
export type { CheckedSubscribeOptions } from './validate';
