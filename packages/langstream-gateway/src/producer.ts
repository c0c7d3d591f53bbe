import type { Broker, BrokerRecord, PublishMessage } from '@agentway/broker';
import { ProduceError, type ProduceRequest } from './produce-request';

/**
 * Writes a gateway's records to its topic (LangStream's `ProduceGateway#produceMessage`): the
 * gateway's own headers first, then the client's (which may not redefine them). Keys are strings
 * on the broker: a non-string key is stored as its JSON text.
 */
export class Producer {
  constructor(private readonly broker: Broker, readonly topic: string, private readonly fixed: Readonly<Record<string, string>>) {}

  /** Resolves once the broker stored the record; rejects with a `ProduceError` (bad request) or the broker's error. */
  produce(request: ProduceRequest): Promise<BrokerRecord> {
    let message: PublishMessage;
    try {
      message = this.message(request);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.broker.publish(this.topic, message);
  }

  /** The record to publish for `request` (throws a `ProduceError` `BAD_REQUEST`). */
  message(request: ProduceRequest): PublishMessage {
    const { key, value } = request;
    if ((key === undefined || key === null) && (value === undefined || value === null)) {
      throw new ProduceError('BAD_REQUEST', 'Either key or value must be set.');
    }
    let headers = this.fixed;
    if (request.headers) {
      const merged: Record<string, string> = Object.assign(Object.create(null), this.fixed);
      for (const name in request.headers) {
        if (Object.hasOwn(this.fixed, name)) throw new ProduceError('BAD_REQUEST', `Header ${name} is configured as parameter-level header.`);
        merged[name] = request.headers[name]!;
      }
      headers = merged;
    }
    return { key: key === undefined || key === null ? null : typeof key === 'string' ? key : JSON.stringify(key), value: value ?? null, headers };
  }
}
