import { randomUUID } from 'node:crypto';
import type { Broker, BrokerRecord, PublishMessage } from './broker';
import { BrokerError } from './broker-error';

export const CORRELATION_HEADER = 'agentway-correlation-id';
export const REPLY_TO_HEADER = 'agentway-reply-to';

export interface RequestOptions {
  /** Milliseconds to wait for the reply. Default 30 000. */
  timeout?: number;
  /** Where the reply is expected. Default `<topic>.replies`. */
  replyTopic?: string;
  /** Header carrying the correlation id. Default `agentway-correlation-id`. */
  correlationHeader?: string;
  /** Header naming the reply topic. Default `agentway-reply-to`. */
  replyToHeader?: string;
  /** The correlation id to use (default: a random UUID). */
  correlationId?: string;
  signal?: AbortSignal;
}

/**
 * Request/reply on top of any broker: subscribes to the reply topic (filtered on a fresh
 * correlation id) *before* publishing the request, then waits for the first reply or the timeout.
 */
export async function request<R = unknown, V = unknown>(
  broker: Broker,
  topic: string,
  message: PublishMessage<V>,
  options: Readonly<RequestOptions> = {},
): Promise<BrokerRecord<R>> {
  const {
    timeout = 30_000,
    replyTopic = `${topic}.replies`,
    correlationHeader = CORRELATION_HEADER,
    replyToHeader = REPLY_TO_HEADER,
    correlationId = randomUUID(),
    signal,
  } = options;
  if (!(typeof timeout === 'number' && timeout > 0)) {
    throw new TypeError('[@agentway/broker] request option "timeout" must be a positive number of milliseconds');
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const replies = broker.subscribe<R>(replyTopic, {
    from: 'latest',
    filter: { [correlationHeader]: correlationId },
    signal: controller.signal,
  });
  let timer: NodeJS.Timeout | undefined;
  // The timeout runs from the start of the request (it is armed before anything is awaited).
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerError('ERR_BROKER_REQUEST_TIMEOUT',
      `no reply on "${replyTopic}" within ${timeout} ms`)), timeout);
  });
  timedOut.catch(() => undefined);
  try {
    await Promise.race([replies.ready, timedOut]);
    await Promise.race([broker.publish(topic, {
      ...message,
      headers: { ...message.headers, [correlationHeader]: correlationId, [replyToHeader]: replyTopic },
    }), timedOut]);
    const reply = await Promise.race([replies.next(), timedOut]);
    if (!reply) {
      throw signal?.aborted
        ? new BrokerError('ERR_BROKER_REQUEST_TIMEOUT', 'the request was aborted before a reply came', { cause: signal.reason })
        : new BrokerError('ERR_BROKER_CLOSED', 'the broker closed before a reply came');
    }
    return reply;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    await replies.close();
  }
}

/** Publishes `message` as the reply to `requestRecord`: to its reply topic, with its correlation id. */
export async function reply<V = unknown>(
  broker: Broker,
  requestRecord: BrokerRecord,
  message: PublishMessage<V>,
  options: Readonly<Pick<RequestOptions, 'correlationHeader' | 'replyToHeader'>> = {},
): Promise<BrokerRecord<V>> {
  const { correlationHeader = CORRELATION_HEADER, replyToHeader = REPLY_TO_HEADER } = options;
  const replyTopic = requestRecord.headers[replyToHeader];
  const correlationId = requestRecord.headers[correlationHeader];
  if (replyTopic === undefined || correlationId === undefined) {
    throw new BrokerError('ERR_BROKER_INVALID_MESSAGE',
      `the record is not a request: it lacks the "${replyToHeader}" or "${correlationHeader}" header`);
  }
  return broker.publish(replyTopic, {
    ...message,
    headers: { ...message.headers, [correlationHeader]: correlationId },
  });
}
