import type { RequestHandler } from 'express';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRuntime, type Agent, type Runtime } from '@agentway/agents';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { anyOf, checkOptions, func, number, oneOf, OptionError, satisfies, string } from '@agentway/options';
import type { AguiDialect } from './agui-event';

/** The options of `aguiStream()`. Give `runtime`, or `agents` (with an optional `broker`). */
export interface AguiStreamOptions {
  /** The runtime that starts and reads runs (`createRuntime()`); shared with other views. */
  runtime?: Runtime;
  /** Or the agents to serve (the first is the default); a runtime is made for them. */
  agents?: readonly Agent[];
  /** With `agents`: the broker runs live on (default: a private memory broker). */
  broker?: Broker;
  /** Any middleware that sets `req.user` (`apiKeyAuth()`, `jwtAuth()` …); it runs before every route. */
  auth?: RequestHandler;
  /** The default dialect (a request may ask for the other with `?dialect=`). Default `'official'`. */
  dialect?: AguiDialect;
  /** Milliseconds between heartbeat comments on an open stream; `0` turns them off. Default 15 000. */
  heartbeat?: number;
  /** Sent first on every stream as `retry: <ms>`: how soon an EventSource reconnects after a drop (its default is about 3 s). Default: not sent. */
  retry?: number;
  /** The largest RunAgentInput accepted: bytes, or a string such as `'1mb'`. Default `'1mb'`. */
  limit?: number | string;
  /** Where streams that fail are reported (pino-compatible; a request's `req.log` first). Default: silent. */
  logger?: Logger;
}

/** The options once checked, frozen. */
export interface AguiStreamConfig {
  readonly runtime: Runtime;
  readonly auth: RequestHandler | undefined;
  readonly dialect: AguiDialect;
  readonly heartbeat: number;
  readonly retry: number | undefined;
  readonly limit: number | string;
  readonly logger: Logger;
  /** The runtime and broker made for `agents` (closed by `close()`), if any. */
  readonly owned: { readonly runtime: Runtime; readonly broker: Broker | undefined } | undefined;
}

const isRuntime = (v: unknown): v is Runtime => typeof v === 'object' && v !== null
  && ['start', 'events', 'result', 'cancel'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
const isBroker = (v: unknown): v is Broker => typeof v === 'object' && v !== null
  && ['publish', 'subscribe', 'describe', 'expire'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');

/** Checks `aguiStream()`'s options once, at construction (a coded `TypeError` says what is wrong). */
export function resolveOptions(options: Readonly<AguiStreamOptions>): AguiStreamConfig {
  const config = checkOptions('agui', options, {
    runtime: satisfies<Runtime>('a Runtime (createRuntime())', isRuntime),
    agents: satisfies<readonly Agent[]>('a non-empty array of agents', (v) => Array.isArray(v) && v.length > 0),
    broker: satisfies<Broker>('a Broker', isBroker),
    auth: func<RequestHandler>(),
    dialect: oneOf('official', 'simple'),
    heartbeat: number({ min: 0 }),
    retry: number({ min: 0, integer: true }),
    limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 1 }), string({ nonEmpty: true })),
    logger: loggerOption,
  });
  if ((config.runtime === undefined) === (config.agents === undefined)) {
    throw new OptionError('agui', 'ERR_AGUI_INVALID_OPTION', 'runtime', 'give exactly one of the options "runtime" and "agents"');
  }
  if (config.runtime && config.broker) {
    throw new OptionError('agui', 'ERR_AGUI_INVALID_OPTION', 'broker', 'option "broker" goes with "agents"; a runtime has its own broker');
  }
  const ownedBroker = config.runtime || config.broker ? undefined : createMemoryBroker();
  const runtime = config.runtime ?? createRuntime({ broker: config.broker ?? ownedBroker!, agents: config.agents! });
  return Object.freeze({
    runtime,
    auth: config.auth,
    dialect: config.dialect ?? 'official',
    heartbeat: config.heartbeat ?? 15_000,
    retry: config.retry,
    limit: config.limit ?? '1mb',
    logger: config.logger ?? silentLogger,
    owned: config.runtime ? undefined : { runtime, broker: ownedBroker },
  });
}

/** How often a stream sends a heartbeat comment (ms, 0 = never), and the `retry:` hint it starts with. */
export type SseTiming = Pick<AguiStreamConfig, 'heartbeat' | 'retry'>;
