import { randomUUID } from 'node:crypto';
import type { Broker, BrokerRecord, Subscription } from '../broker';

export interface ConformanceOptions {
  /** How far past `maxLength` a trimmed topic may stay, for brokers that trim approximately. Default 0. */
  retentionSlack?: number;
  /** The ack timeout of the redelivery tests, in ms. Default 150. */
  ackTimeout?: number;
}

/** What each group of conformance tests is given. */
export interface Fixture {
  broker: () => Broker;
  topic: (label?: string) => string;
  options: Required<ConformanceOptions>;
}

/** A topic name no other test (or other process sharing the backend) uses. */
export function freshTopic(label = 'topic'): string {
  return `conformance.${label}.${randomUUID()}`;
}

/** Reads exactly `count` records, failing if the subscription ends first. */
export async function take<V>(subscription: Subscription<V>, count: number): Promise<BrokerRecord<V>[]> {
  const records: BrokerRecord<V>[] = [];
  while (records.length < count) {
    const record = await subscription.next();
    if (!record) throw new Error(`subscription ended after ${records.length} of ${count} records`);
    records.push(record);
  }
  return records;
}

/** Resolves with the next record, or with 'none' if nothing arrives within `ms`. */
export async function nextWithin<V>(subscription: Subscription<V>, ms: number): Promise<BrokerRecord<V> | 'none' | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const none = new Promise<'none'>((resolve) => {
    timer = setTimeout(() => resolve('none'), ms);
  });
  try {
    return await Promise.race([subscription.next(), none]);
  } finally {
    clearTimeout(timer);
  }
}

export async function publishMany(broker: Broker, topic: string, count: number, headers?: (i: number) => Record<string, string>) {
  const records = [];
  for (let i = 0; i < count; i++) {
    records.push(broker.publish(topic, { key: `k${i}`, value: { i }, headers: headers?.(i) ?? {} }));
  }
  return Promise.all(records);
}

/** Asserts that `promise` rejects (or `fn` throws) with a given `code`. */
export async function rejectsWithCode(fn: () => unknown, code: string): Promise<void> {
  let error: unknown;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  if (!error) throw new Error(`expected an error with code ${code}, but nothing was thrown`);
  const actual = (error as { code?: string }).code;
  if (actual !== code) throw new Error(`expected code ${code}, got ${actual}: ${(error as Error).message}`);
}

/** Polls `condition` until it holds, failing after `timeoutMs` (for real-time expiry in a backend). */
export async function eventually(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
