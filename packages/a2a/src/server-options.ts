import type { RequestHandler } from 'express';
import { createRuntime, type Agent, type Runtime } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { OptionError, anyOf, checkOptions, number, satisfies, string } from '@agentway/options';
import { cardOptionChecks, type A2ACardOptions } from './a2a-card';
import { cardTemplate, type CardInput } from './agent-card';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from './protocol-version';
import { ServerShutdown } from './server-shutdown';
import { TaskIndex } from './task-index';

/** The options of `a2aServer()`. */
export interface A2AServerOptions {
  /** The runtime that runs the agents (and whose broker holds the tasks). Or give `agents`. */
  runtime?: Runtime;
  /** Agents to serve on a runtime of their own (on `broker`, default an in-memory one). */
  agents?: readonly Agent[];
  /** With `agents`: the broker of their runtime. */
  broker?: Broker;
  /** The agent this endpoint serves. Default: the runtime's default (first) agent. */
  agent?: string;
  /** Any middleware that sets `req.user` (e.g. `apiKeyAuth()`); runs before every JSON-RPC call, and is declared in the card. */
  auth?: RequestHandler;
  /** Card fields to put over the card built from the agent (provider, version, securitySchemes, …). */
  card?: CardInput;
  /** The JSON-RPC endpoint's public URL, absolute or relative. Default: the mount path, from the request's Host. */
  url?: string;
  /** The wire versions served and advertised, preferred first. Default `['1.0', '0.3']`. */
  versions?: ProtocolVersion[];
  /** Largest request body, in bytes or as `'1mb'`. Default `'1mb'`. */
  limit?: number | string;
  /** ms between SSE comment heartbeats on a quiet stream; 0 turns them off. Default 15 000. */
  heartbeat?: number;
  /** How many tasks per agent ListTasks can list (the index topic's bound). Default 1000. */
  taskIndexLength?: number;
  /** The card's `Cache-Control: max-age`, in seconds. Default 3600. */
  cardMaxAge?: number;
  /** Where streams that fail are reported (pino-compatible; a request's `req.log` first). Default: silent. */
  logger?: Logger;
}

/** `a2aServer()`'s options, checked and resolved once. */
export interface ServerConfig {
  readonly runtime: Runtime;
  readonly agent: Agent;
  readonly auth: RequestHandler | undefined;
  readonly versions: readonly ProtocolVersion[];
  readonly limit: number | string;
  readonly heartbeat: number;
  readonly streaming: boolean;
  readonly index: TaskIndex;
  readonly card: A2ACardOptions;
  readonly logger: Logger;
  /** The calls being answered, and the server's closing. */
  readonly shutdown: ServerShutdown;
  /** The runtime and broker made for `agents` (closed by `close()`), if any. */
  readonly owned: { readonly runtime: Runtime; readonly broker: Broker | undefined } | undefined;
}

const isRuntime = (v: unknown) => typeof v === 'object' && v !== null
  && ['start', 'events', 'cancel'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function') && typeof (v as Runtime).broker === 'object';
const isAgentList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((a) => typeof a?.name === 'string' && typeof a?.run === 'function');

/** Checks `a2aServer()`'s options once and resolves them (runtime, agent, card, task index). */
export function resolveServerOptions(options: Readonly<A2AServerOptions>): ServerConfig {
  const config = checkOptions('a2a', options, {
    ...cardOptionChecks,
    runtime: satisfies<Runtime>('a Runtime (createRuntime())', isRuntime),
    agents: satisfies<readonly Agent[]>('a non-empty array of agents', isAgentList),
    broker: satisfies<Broker>('a Broker', (v) => typeof (v as Broker)?.publish === 'function' && typeof (v as Broker)?.subscribe === 'function'),
    agent: string({ nonEmpty: true }),
    limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 1, integer: true }), string({ nonEmpty: true })),
    heartbeat: number({ min: 0 }),
    taskIndexLength: number({ min: 1, integer: true }),
    cardMaxAge: number({ min: 0, integer: true }),
    logger: loggerOption,
  });
  if ((config.runtime === undefined) === (config.agents === undefined)) {
    throw new OptionError('a2a', 'ERR_A2A_INVALID_OPTION', 'runtime', 'give exactly one of "runtime" or "agents"');
  }
  if (config.broker !== undefined && config.runtime !== undefined) {
    throw new OptionError('a2a', 'ERR_A2A_INVALID_OPTION', 'broker', 'option "broker" goes with "agents"; a runtime has its own broker');
  }
  const ownedBroker = config.runtime || config.broker ? undefined : createMemoryBroker();
  const runtime = config.runtime ?? createRuntime({ broker: config.broker ?? ownedBroker!, agents: config.agents! });
  const agent = config.agent === undefined ? runtime.agents.defaultAgent : runtime.agents.get(config.agent);
  if (!agent) {
    throw new OptionError('a2a', 'ERR_A2A_INVALID_OPTION', 'agent', `option "agent" must name one of the agents (${runtime.agents.names.join(', ')}), got "${config.agent}"`);
  }
  const versions = config.versions ?? PROTOCOL_VERSIONS;
  const card: A2ACardOptions = { agent, versions: [...versions], card: config.card, url: config.url, auth: config.auth, maxAge: config.cardMaxAge };
  const built = cardTemplate({ ...card, versions })('http://localhost/');
  return Object.freeze({
    runtime,
    agent,
    auth: config.auth,
    versions,
    limit: config.limit ?? '1mb',
    heartbeat: config.heartbeat ?? 15_000,
    streaming: built.capabilities.streaming === true,
    index: new TaskIndex(runtime.broker, agent.name, config.taskIndexLength ?? 1000),
    card,
    logger: config.logger ?? silentLogger,
    shutdown: new ServerShutdown(),
    owned: config.runtime ? undefined : { runtime, broker: ownedBroker },
  });
}
