import type { RequestHandler } from 'express';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRuntime, type Agent, type PrincipalLike, type Runtime } from '@agentway/agents';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { anyOf, boolean, checkOptions, func, number, OptionError, satisfies, string } from '@agentway/options';

/** The options of `openaiCompat()`: `runtime` or `agents` (and `broker`), the rest optional. */
export interface OpenAICompatOptions {
  /** The runtime whose agents are served (a gateway's). Give this or `agents`. */
  runtime?: Runtime;
  /** The agents to serve, on a runtime of its own (on `broker`). Give this or `runtime`. */
  agents?: readonly Agent[];
  /** With `agents`: the broker of that runtime. Default: a memory broker. */
  broker?: Broker;
  /** Any middleware that sets `req.user` (e.g. `apiKeyAuth()`); run first, for every path under `basePath`. */
  auth?: RequestHandler;
  /** Where the API lives; what clients put at the end of their base URL. Default `/v1`. */
  basePath?: string;
  /** Largest request body: bytes, or a string such as `'4mb'`. Default `'1mb'`. */
  limit?: number | string;
  /** Whether the caller may use an agent; others are hidden from `/models` and answer 404. Default: every agent. */
  allowModel?: (principal: PrincipalLike | undefined, model: string) => boolean;
  /** Runs in progress at once through this router; more are answered 503 with `Retry-After`. Default: no limit. */
  maxConcurrentRuns?: number;
  /** Runs in progress at once for one principal (`req.user.id`); more are answered 429 with `Retry-After`. Default: no limit. */
  maxConcurrentRunsPerPrincipal?: number;
  /** Seconds a client is told to wait (`Retry-After`) after a 429 or 503. Default 1. */
  retryAfter?: number;
  /** Milliseconds of silence on a stream before a `: ping` comment line is sent; `0` for none. Default 15 000. */
  heartbeat?: number;
  /** Where failed streams and clients leaving are reported (pino-compatible; a request's `req.log` first). Default: silent. */
  logger?: Logger;
  /**
   * Leave each run's events on the broker for the runtime's `finishedRunTtl` once it has been
   * answered (to read it from another view, such as AG-UI's `GET /agui/ws?run_id=`). Default
   * `false`: no OpenAI client can ask for a run again, so its events are dropped with the answer.
   */
  keepFinishedRuns?: boolean;
}

/** The options, checked once and frozen. */
export interface OpenAICompatConfig {
  readonly runtime: Runtime;
  /** The broker this router created (and closes), if it created one. */
  readonly ownedBroker: Broker | undefined;
  /** Whether this router created its runtime (and closes it). */
  readonly ownsRuntime: boolean;
  readonly auth: RequestHandler | undefined;
  readonly basePath: string;
  readonly limit: number | string;
  readonly allowModel: ((principal: PrincipalLike | undefined, model: string) => boolean) | undefined;
  readonly maxConcurrentRuns: number;
  readonly maxConcurrentRunsPerPrincipal: number;
  readonly retryAfter: number;
  readonly heartbeat: number;
  readonly logger: Logger;
  readonly keepFinishedRuns: boolean;
}

const isRuntime = (v: unknown): v is Runtime => typeof v === 'object' && v !== null
  && ['start', 'events', 'result', 'discard', 'cancel'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function')
  && typeof (v as Runtime).agents?.get === 'function';
const isBroker = (v: unknown): v is Broker => typeof v === 'object' && v !== null
  && ['publish', 'subscribe', 'describe', 'expire', 'close'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
const BASE_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;
const BYTES = /^\d+(\.\d+)?\s*(b|kb|mb|gb)$/i;

/** Checks the options of `openaiCompat()`; throws a coded `TypeError` naming what is wrong. */
export function resolveOptions(options: Readonly<OpenAICompatOptions>): OpenAICompatConfig {
  const given = checkOptions('openai-compat', options, {
    runtime: satisfies<Runtime>('a Runtime (from createRuntime())', isRuntime),
    agents: satisfies<readonly Agent[]>('a non-empty array of agents', (v) => Array.isArray(v) && v.length > 0),
    broker: satisfies<Broker>('a Broker (publish, subscribe, describe, expire, close)', isBroker),
    auth: func<RequestHandler>(),
    basePath: satisfies<string>('a literal path such as "/v1"', (v) => typeof v === 'string' && BASE_PATH.test(v)),
    limit: anyOf<[number, string]>('a number of bytes or a size such as "4mb"',
      number({ min: 1, integer: true }), satisfies<string>('a size', (v) => typeof v === 'string' && BYTES.test(v))),
    allowModel: func<(principal: PrincipalLike | undefined, model: string) => boolean>(),
    maxConcurrentRuns: number({ min: 1, integer: true }),
    maxConcurrentRunsPerPrincipal: number({ min: 1, integer: true }),
    retryAfter: number({ min: 0, integer: true }),
    heartbeat: number({ min: 0 }),
    logger: loggerOption,
    keepFinishedRuns: boolean(),
  });
  if ((given.runtime === undefined) === (given.agents === undefined)) {
    throw new OptionError('openai-compat', given.runtime ? 'ERR_OPENAI_COMPAT_INVALID_OPTION' : 'ERR_OPENAI_COMPAT_MISSING_OPTION', 'runtime',
      given.runtime ? 'give option "runtime" or option "agents", not both' : 'option "runtime" or option "agents" is required');
  }
  if (given.runtime && given.broker) {
    throw new OptionError('openai-compat', 'ERR_OPENAI_COMPAT_INVALID_OPTION', 'broker',
      'option "broker" goes with option "agents" (a runtime brings its own broker)');
  }
  const ownedBroker = given.agents && !given.broker ? createMemoryBroker() : undefined;
  const runtime = given.runtime ?? createRuntime({ broker: (given.broker ?? ownedBroker)!, agents: given.agents! });
  return Object.freeze({
    runtime,
    ownedBroker,
    ownsRuntime: given.runtime === undefined,
    auth: given.auth,
    basePath: given.basePath ?? '/v1',
    limit: given.limit ?? '1mb',
    allowModel: given.allowModel,
    maxConcurrentRuns: given.maxConcurrentRuns ?? Infinity,
    maxConcurrentRunsPerPrincipal: given.maxConcurrentRunsPerPrincipal ?? Infinity,
    retryAfter: given.retryAfter ?? 1,
    heartbeat: given.heartbeat ?? 15_000,
    logger: given.logger ?? silentLogger,
    keepFinishedRuns: given.keepFinishedRuns ?? false,
  });
}
