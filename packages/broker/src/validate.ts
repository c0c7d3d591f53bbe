import { BrokerError } from './broker-error';
import type { PublishMessage, SubscribeOptions, Retention, Position } from './broker';

/**
 * Checks shared by every broker implementation, so that all of them reject the same bad input
 * with the same codes (and the conformance suite can hold them to it).
 */

const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

/** The topic checked last: the calls about one run's topic come in a row. */
let lastValid = '';

export function checkTopic(topic: unknown): string {
  if (topic === lastValid) return topic;
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > 512 || !plainTopicName(topic)) {
    throw new BrokerError('ERR_BROKER_INVALID_TOPIC',
      `topic must be a non-empty string of at most 512 characters without spaces or control characters, got ${JSON.stringify(topic)}`);
  }
  lastValid = topic;
  return topic;
}

/** No space or control character (`\s`, U+0000–U+001F, U+007F): a loop over ASCII, the regular expression beyond. */
function plainTopicName(topic: string): boolean {
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
    if (c >= 0x80 && SPACE_OR_CONTROL.test(topic[i]!)) return false;
  }
  return true;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function checkMessage(message: unknown): PublishMessage & { headers: Record<string, string>; key: string | null } {
  if (typeof message !== 'object' || message === null || !('value' in message) || message.value === undefined) {
    throw new BrokerError('ERR_BROKER_INVALID_MESSAGE', 'a message must be an object with a `value` (any JSON value)');
  }
  const { key = null, value, headers = NO_HEADERS } = message as PublishMessage;
  if (key !== null && typeof key !== 'string') {
    throw new BrokerError('ERR_BROKER_INVALID_MESSAGE', 'message `key` must be a string or null');
  }
  checkHeaders(headers, 'message `headers`');
  let extra: string[] | undefined;
  for (const k in message) {
    if (k !== 'key' && k !== 'value' && k !== 'headers' && Object.hasOwn(message, k)) (extra ??= []).push(k);
  }
  if (extra) {
    throw new BrokerError('ERR_BROKER_INVALID_MESSAGE', `unknown message field(s): ${extra.join(', ')} (a message has key, value, headers)`);
  }
  return { key, value, headers };
}

function checkHeaders(headers: unknown, what: string): asserts headers is Record<string, string> {
  let ok = typeof headers === 'object' && headers !== null && !Array.isArray(headers);
  if (ok) {
    for (const name in headers as Record<string, unknown>) {
      if (Object.hasOwn(headers as object, name) && typeof (headers as Record<string, unknown>)[name] !== 'string') ok = false;
    }
  }
  if (!ok) throw new BrokerError('ERR_BROKER_INVALID_MESSAGE', `${what} must map strings to strings`);
}

/** Serialises a value as JSON once; the text is what a broker stores (or the memory broker parses back). */
export function encodeValue(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new BrokerError('ERR_BROKER_INVALID_MESSAGE', `message value is not serialisable as JSON: ${(err as Error).message}`, { cause: err });
  }
  if (text === undefined) throw new BrokerError('ERR_BROKER_INVALID_MESSAGE', 'message value is not a JSON value');
  return text;
}

export interface CheckedSubscribeOptions {
  from: Position | undefined;
  group: string | undefined;
  consumer: string | undefined;
  ackTimeout: number;
  filter: Readonly<Record<string, string>> | undefined;
  onTrimmed: 'error' | 'skip';
  signal: AbortSignal | undefined;
}

const SUBSCRIBE_KEYS = new Set(['from', 'group', 'consumer', 'ackTimeout', 'filter', 'onTrimmed', 'signal']);

export function checkSubscribeOptions(options: SubscribeOptions = {}): CheckedSubscribeOptions {
  const unknown = Object.keys(options).filter((k) => !SUBSCRIBE_KEYS.has(k));
  if (unknown.length > 0) {
    throw new TypeError(`[@agentway/broker] unknown subscribe option(s): ${unknown.join(', ')}; known: ${[...SUBSCRIBE_KEYS].join(', ')}`);
  }
  const { from, group, consumer, ackTimeout = 30_000, filter, onTrimmed = 'error', signal } = options;
  if (from !== undefined && from !== 'earliest' && from !== 'latest'
    && !(typeof from === 'object' && from !== null && typeof from.after === 'string')) {
    throw new TypeError(`[@agentway/broker] subscribe option "from" must be 'earliest', 'latest' or { after: offset }`);
  }
  if (group !== undefined && (typeof group !== 'string' || group.length === 0)) {
    throw new TypeError('[@agentway/broker] subscribe option "group" must be a non-empty string');
  }
  if (consumer !== undefined && (typeof consumer !== 'string' || consumer.length === 0 || group === undefined)) {
    throw new TypeError('[@agentway/broker] subscribe option "consumer" must be a non-empty string, and needs "group"');
  }
  if (typeof ackTimeout !== 'number' || !(ackTimeout > 0)) {
    throw new TypeError('[@agentway/broker] subscribe option "ackTimeout" must be a positive number of milliseconds');
  }
  if (filter !== undefined) {
    if (group !== undefined) throw new TypeError('[@agentway/broker] subscribe options "filter" and "group" cannot be combined');
    try {
      checkHeaders(filter, 'subscribe option "filter"');
    } catch {
      throw new TypeError('[@agentway/broker] subscribe option "filter" must map header names to string values');
    }
  }
  if (onTrimmed !== 'error' && onTrimmed !== 'skip') {
    throw new TypeError(`[@agentway/broker] subscribe option "onTrimmed" must be 'error' or 'skip'`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('[@agentway/broker] subscribe option "signal" must be an AbortSignal');
  }
  return { from, group, consumer, ackTimeout, filter: filter && Object.freeze({ ...filter }), onTrimmed, signal };
}

export function checkRetention(retention: unknown): Retention {
  if (typeof retention !== 'object' || retention === null) {
    throw new TypeError('[@agentway/broker] retention must be an object { maxLength?, maxAge? }');
  }
  const { maxLength, maxAge, ...rest } = retention as Retention;
  if (Object.keys(rest).length > 0) {
    throw new TypeError(`[@agentway/broker] unknown retention option(s): ${Object.keys(rest).join(', ')}`);
  }
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new TypeError('[@agentway/broker] retention "maxLength" must be a positive integer');
  }
  if (maxAge !== undefined && !(typeof maxAge === 'number' && maxAge > 0)) {
    throw new TypeError('[@agentway/broker] retention "maxAge" must be a positive number of milliseconds');
  }
  return { maxLength, maxAge };
}

export function checkTtl(ttl: unknown): number {
  if (typeof ttl !== 'number' || !(ttl > 0) || !Number.isFinite(ttl)) {
    throw new TypeError('[@agentway/broker] expire ttl must be a positive, finite number of milliseconds');
  }
  return ttl;
}

/** True when the record's headers hold every pair of the filter. */
export function matchesFilter(headers: Readonly<Record<string, string>>, filter: Readonly<Record<string, string>>): boolean {
  for (const name in filter) {
    if (headers[name] !== filter[name]) return false;
  }
  return true;
}

export function checkClaimKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new BrokerError('ERR_BROKER_INVALID_MESSAGE', `a claim key must be a non-empty string of at most 1024 characters, got ${JSON.stringify(key)}`);
  }
  return key;
}
