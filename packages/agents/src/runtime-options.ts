import type { Broker, Retention } from '@agentway/broker';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { checkOptions, number, object, oneOf, required, satisfies } from '@agentway/options';
import type { Agent } from './agent';
import { agentSet, type AgentSet } from './define-agent';

export interface RuntimeOptions {
  broker: Broker;
  /** The agents this runtime serves; the first is the default agent. */
  agents: readonly Agent[];
  /**
   * `'local'` (default): runs execute in this process. `'workers'`: runs are handed to
   * `serveAgents()` workers through the broker, and this process only publishes and streams.
   */
  mode?: 'local' | 'workers';
  /** A run still going after this many ms is aborted with code `timeout`. Default 600 000 (10 min). */
  runTimeout?: number;
  /** A finished run's events stay readable this many ms. Default 900 000 (15 min). */
  finishedRunTtl?: number;
  /** The bound of each run's event log. Default `{ maxLength: 100_000 }`. */
  runRetention?: Retention;
  /** How long `cancel()` waits for the process running a run to end it before ending it itself. Default 1 000 ms. */
  cancelGrace?: number;
  /** Where runs that fail here are reported (pino-compatible). Default: silent. */
  logger?: Logger;
}

export interface RuntimeConfig {
  readonly broker: Broker;
  readonly agents: AgentSet;
  readonly mode: 'local' | 'workers';
  readonly runTimeout: number;
  readonly finishedRunTtl: number;
  readonly runRetention: Retention;
  readonly cancelGrace: number;
  readonly logger: Logger;
}

export const isBroker = (value: unknown): value is Broker =>
  typeof value === 'object' && value !== null
  && ['publish', 'subscribe', 'describe', 'expire', 'close'].every((m) => typeof (value as Record<string, unknown>)[m] === 'function');

export const brokerCheck = satisfies<Broker>('a Broker (publish, subscribe, describe, expire, close)', isBroker);

export function resolveRuntimeOptions(options: Readonly<RuntimeOptions>): RuntimeConfig {
  const config = checkOptions('agents', options, {
    broker: required(brokerCheck),
    agents: required(satisfies<readonly Agent[]>('a non-empty array of agents', (v) => Array.isArray(v) && v.length > 0)),
    mode: oneOf('local', 'workers'),
    runTimeout: number({ min: 1 }),
    finishedRunTtl: number({ min: 1 }),
    runRetention: object({ maxLength: number({ min: 1, integer: true }), maxAge: number({ min: 1 }) }),
    cancelGrace: number({ min: 0 }),
    logger: loggerOption,
  });
  return Object.freeze({
    broker: config.broker,
    agents: agentSet(config.agents),
    mode: config.mode ?? 'local',
    runTimeout: config.runTimeout ?? 600_000,
    finishedRunTtl: config.finishedRunTtl ?? 900_000,
    runRetention: { maxLength: 100_000, ...config.runRetention },
    cancelGrace: config.cancelGrace ?? 1_000,
    logger: config.logger ?? silentLogger,
  });
}
