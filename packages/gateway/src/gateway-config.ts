import type { RequestHandler } from 'express';
import type { Broker } from '@agentway/broker';
import type { Agent } from '@agentway/agents';
import { anyOf, arrayOf, boolean, checkOptions, duration, func, number, object, oneOf, required, satisfies, string, type Check } from '@agentway/options';
import { FEATURE_NAMES, type FeatureName } from './feature';
import { features } from './features';

/** The gateway's configuration: the config file's shape, or the same object in code. */
export interface GatewayConfig {
  /** A module exporting agents (`agents`, or the module itself as an array), or the agents. Default: the demo agents. */
  agents?: string | readonly Agent[];
  /** `memory` (default), `redis://…`, `{ url: 'redis://…', prefix }`, or a Broker. */
  broker?: string | RedisBrokerSection | Broker;
  /** When set, every agent endpoint requires one of these keys. */
  apiKeys?: readonly string[];
  /** Any middleware that sets `req.user` (overrides `apiKeys`). */
  auth?: RequestHandler;
  /** `local` (default) runs agents here; `workers` hands them to `serveAgents()` processes. */
  mode?: 'local' | 'workers';
  /** What `agentway worker` (`createWorker()`) gives `serveAgents()`; the gateway itself ignores it. */
  worker?: WorkerSection;
  /** Every feature is on by default. */
  features?: Partial<Record<FeatureName, boolean>>;
  port?: number;
  host?: string;
  /** Serve Prometheus metrics at `GET /metrics` (prom-client). Default false. */
  metrics?: boolean;
  /** ms `close()` (SIGTERM) gives open streams, sockets and deliveries to wind up before cutting what is left. Default 10 000. */
  shutdownTimeout?: number;
  /** Where relative paths resolve (the config file's folder). Default: the working directory. */
  baseDir?: string;
  /** Feature sections (`webhooks`, `langstream`, `pollers`, …), checked by each feature. */
  [section: string]: unknown;
}

/** A Redis broker with its key prefix: what `createRedisBroker()` is given. */
export interface RedisBrokerSection {
  /** `redis[s]://[[user]:password@]host[:port][/db]` */
  url: string;
  /** Prepended to every key; give each deployment sharing one Redis its own. Default `agentway:`. */
  prefix?: string;
}

/** The `worker` section: how `agentway worker` serves the agents. */
export interface WorkerSection {
  /** Runs of one agent executing at once in this worker. Default 8. */
  concurrency?: number;
  /** The consumer group the workers share. Default `agentway-workers`. */
  group?: string;
  /** A run whose worker stopped answering for this long ends with `worker_lost`. Default 30 000 ms. */
  ackTimeout?: number;
}

const isBroker = (v: unknown) => typeof v === 'object' && v !== null && typeof (v as Broker).publish === 'function';
const REDIS_URL = /^rediss?:\/\//;
const redisUrl = satisfies<string>('a redis:// or rediss:// URL', (v) => typeof v === 'string' && REDIS_URL.test(v));
const redisSection = object({ url: required(redisUrl), prefix: string() });

/** `broker`: a string or a Broker, or `{ url, prefix }` checked key by key (unknown keys named, with a hint). */
const brokerCheck: Check<string | RedisBrokerSection | Broker> = (value, ctx) => {
  if (typeof value === 'string') {
    if (value === 'memory' || REDIS_URL.test(value)) return value;
    return ctx.fail('"memory" or a redis:// URL', value);
  }
  if (isBroker(value)) return value as Broker;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return redisSection(value, ctx) as RedisBrokerSection;
  return ctx.fail('"memory", a redis:// URL, { url, prefix } or a Broker', value);
};

const isAgentList = (v: unknown) => Array.isArray(v) && v.every((a) => typeof a?.name === 'string' && typeof a?.run === 'function');

function schema() {
  const sections: Record<string, Check<unknown>> = {};
  for (const feature of features) if (feature.config) sections[feature.name] = feature.config as Check<unknown>;
  return {
    agents: anyOf<[string, readonly Agent[]]>('a module path or an array of agents', string({ nonEmpty: true }), satisfies<readonly Agent[]>('agents', isAgentList)),
    broker: brokerCheck,
    apiKeys: arrayOf(string({ nonEmpty: true })),
    auth: func<RequestHandler>(),
    mode: oneOf('local', 'workers'),
    worker: object({ concurrency: number({ min: 1, integer: true }), group: string({ nonEmpty: true }), ackTimeout: duration(10) }),
    features: object(Object.fromEntries(FEATURE_NAMES.map((name) => [name, boolean()]))),
    port: number({ min: 0, max: 65535, integer: true }),
    host: string({ nonEmpty: true }),
    metrics: boolean(),
    shutdownTimeout: duration(0),
    baseDir: string({ nonEmpty: true }),
    ...sections,
  };
}

/** Checks a gateway config (unknown keys are errors, with a hint) and returns it. */
export function checkGatewayConfig(config: unknown): GatewayConfig {
  return checkOptions('gateway', config, schema()) as GatewayConfig;
}
