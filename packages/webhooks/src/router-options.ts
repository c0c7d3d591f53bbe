import type { Broker, Retention } from '@agentway/broker';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { arrayOf, boolean, checkOptions, func, number, object, oneOf, OptionError, required, satisfies, string } from '@agentway/options';
import type { IdempotencyStore } from './idempotency-store';
import { resolveRetry, retrySchema, type RetryOptions, type RetryPolicy } from './retry-policy';
import { resolveSource, sourceSchema, type SourceConfig, type WebhookSourceOptions } from './source-config';
import { idempotencyCheck } from './webhook-verify';
import type { WebhookEvent } from './webhook-event';
import type { WebhooksError } from './webhooks-error';

/** One source of a `WebhookRouter`: how it is verified, where it is mounted and published. */
export interface WebhookRouterSource extends WebhookSourceOptions {
  /** Its route under the router's mount point: literal and `:param` segments. Default `/<name>`. */
  path?: string;
  /** Where its verified deliveries are published. Default `webhooks.<name>`. */
  topic?: string;
  /** Where deliveries whose handlers kept failing go. Default `<topic>.dead-letter`. */
  deadLetterTopic?: string;
}

/** Reports a handler failure, a dead letter or a broker problem (default: the `logger`'s `error`). */
export type WebhookErrorListener = (error: WebhooksError, event: WebhookEvent | undefined) => void;

/** `new WebhookRouter()` options: its sources, the broker, how handlers run and are retried. */
export interface WebhookRouterOptions {
  sources: readonly WebhookRouterSource[];
  /** Default: a memory broker of its own (closed by `close()`). Pass the app's broker to share it, or Redis for several instances. */
  broker?: Broker;
  /** `async` (default): publish, answer 200, run handlers from the topic. `sync`: run handlers before answering. */
  mode?: 'async' | 'sync';
  /** Where delivery ids are claimed. Default: the broker (`claim`: Redis `SET NX PX` with the Redis broker); false for none. */
  idempotency?: IdempotencyStore | false;
  /** Run handlers in this process (default true); false on instances that only receive. */
  consume?: boolean;
  /** The consumer group of the handlers. Default `agentway-webhooks`. */
  group?: string;
  /** Deliveries handled at once per topic in this process. Default 8. */
  concurrency?: number;
  /** A delivery whose handler neither ends nor is kept alive for this long goes to another instance. Default 30 000 ms. */
  ackTimeout?: number;
  retry?: RetryOptions;
  /** Bounds of each source topic (default: the broker's). Deliveries trimmed before handling are reported. */
  retention?: Retention;
  onError?: WebhookErrorListener;
  /** Where refused deliveries (warn), failures (error) and, without `onError`, handler failures are reported (pino-compatible; `req.log` first). Default: silent. */
  logger?: Logger;
  /** ms `close()` lets running handlers and deliveries being received finish before aborting them. Default 10 000. */
  shutdownTimeout?: number;
}

/** A router source, checked: where it is mounted and published. */
export interface ResolvedSource extends SourceConfig {
  readonly path: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
}

/** A router's options, checked and with their defaults. */
export interface RouterConfig {
  readonly sources: readonly ResolvedSource[];
  readonly broker: Broker | undefined;
  readonly mode: 'async' | 'sync';
  readonly idempotency: IdempotencyStore | false | undefined;
  readonly consume: boolean;
  readonly group: string;
  readonly concurrency: number;
  readonly ackTimeout: number;
  readonly retry: RetryPolicy;
  readonly retention: Retention | undefined;
  readonly onError: WebhookErrorListener;
  readonly logger: Logger;
  readonly shutdownTimeout: number;
}

const PATH = /^(?:\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*))+$/;
const topicName = satisfies<string>('a topic name (no spaces, at most 512 characters)', (v) => typeof v === 'string' && /^[^\s\u0000-\u001f\u007f]{1,512}$/.test(v));
const isBroker = (v: unknown) => typeof v === 'object' && v !== null
  && ['publish', 'subscribe', 'claim'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');

const schema = {
  sources: required(arrayOf(object({
    ...sourceSchema,
    path: satisfies<string>('a path of literal and :param segments, such as "/stripe"', (v) => typeof v === 'string' && PATH.test(v)),
    topic: topicName,
    deadLetterTopic: topicName,
  }), { nonEmpty: true })),
  broker: satisfies<Broker>('a Broker', isBroker),
  mode: oneOf('async', 'sync'),
  idempotency: idempotencyCheck,
  consume: boolean(),
  group: string({ nonEmpty: true }),
  concurrency: number({ min: 1, max: 1000, integer: true }),
  ackTimeout: number({ min: 100 }),
  retry: retrySchema,
  retention: object({ maxLength: number({ min: 1, integer: true }), maxAge: number({ min: 1 }) }),
  onError: func<WebhookErrorListener>(),
  logger: loggerOption,
  shutdownTimeout: number({ min: 0 }),
};

/** The default `onError`: the logger's `error`, with the delivery. */
function logTo(logger: Logger): WebhookErrorListener {
  return (error, event) => logger.error({ err: error, code: error.code, deliveryId: error.deliveryId, event: event?.name }, error.message);
}

/** Checks a router's options once, at construction; the result is frozen. */
export function resolveRouterOptions(options: Readonly<WebhookRouterOptions>): RouterConfig {
  const config = checkOptions('webhooks', options, schema);
  const names = new Set<string>();
  const paths = new Set<string>();
  const sources = config.sources.map((given, i): ResolvedSource => {
    const { path, topic, deadLetterTopic, ...verify } = given;
    const source = resolveSource(verify, `sources[${i}]`);
    const resolved = { ...source, path: path ?? `/${source.name}`, topic: topic ?? `webhooks.${source.name}` };
    const duplicate = names.has(source.name) ? 'name' : paths.has(resolved.path) ? 'path' : undefined;
    if (duplicate) {
      throw new OptionError('webhooks', 'ERR_WEBHOOKS_INVALID_OPTION', `sources[${i}].${duplicate}`,
        `option "sources[${i}].${duplicate}" repeats ${JSON.stringify(duplicate === 'name' ? source.name : resolved.path)}; give each source its own name and path`);
    }
    names.add(source.name);
    paths.add(resolved.path);
    return Object.freeze({ ...resolved, deadLetterTopic: deadLetterTopic ?? `${resolved.topic}.dead-letter` });
  });
  return Object.freeze({
    sources: Object.freeze(sources),
    broker: config.broker,
    mode: config.mode ?? 'async',
    idempotency: config.idempotency,
    consume: config.consume ?? true,
    group: config.group ?? 'agentway-webhooks',
    concurrency: config.concurrency ?? 8,
    ackTimeout: config.ackTimeout ?? 30_000,
    retry: resolveRetry(config.retry),
    retention: config.retention,
    onError: config.onError ?? logTo(config.logger ?? silentLogger),
    logger: config.logger ?? silentLogger,
    shutdownTimeout: config.shutdownTimeout ?? 10_000,
  });
}
