import { serveAgents, WORKER_GROUP, type Agent, type AgentWorker } from '@agentway/agents';
import type { Broker } from '@agentway/broker';
import { silentLogger, type Logger } from '@agentway/observability';
import { createBroker } from './create-broker';
import { applyEnv } from './env-overrides';
import { checkGatewayConfig, type GatewayConfig } from './gateway-config';
import { loadAgents } from './load-agents';

export interface CreateWorkerOptions {
  /** Environment overrides (AGENTWAY_BROKER_URL, AGENTWAY_BROKER_PREFIX). Default `process.env`; `{}` ignores it. */
  env?: NodeJS.ProcessEnv;
  /** Where the worker's failed and lost runs and broker trouble are logged (pino-compatible). Default: silent. */
  logger?: Logger;
}

/** `serveAgents()` running the config's agents on the config's broker. */
export interface ConfiguredWorker {
  readonly agents: readonly Agent[];
  readonly broker: Broker;
  /** `redis redis://host:port`, … (as the gateway prints it). */
  readonly brokerDescription: string;
  /** Runs of one agent executing at once here. */
  readonly concurrency: number;
  readonly group: string;
  readonly ackTimeout: number;
  /** Ends the runs executing here (`worker_shutdown`), gives back requests not started, closes the broker it made. */
  close(): Promise<void>;
}

/**
 * The worker side of `mode: workers`: takes the runs that gateways hand out on a shared broker
 * and executes them with the config's agents (the gateway's `agents`, `broker` and `worker`
 * section, the environment on top). A memory broker is refused: no gateway could reach it.
 */
export async function createWorker(config: Readonly<GatewayConfig> = {}, options: CreateWorkerOptions = {}): Promise<ConfiguredWorker> {
  const resolved = checkGatewayConfig(applyEnv(checkGatewayConfig(config), options.env ?? process.env));
  if (resolved.broker === undefined || resolved.broker === 'memory') {
    throw Object.assign(new Error('[@agentway/gateway] a worker needs a broker the gateways share: set AGENTWAY_BROKER_URL=redis://… '
      + 'or broker: redis://… in the config (a memory broker lives and dies with its process)'), { code: 'ERR_GATEWAY_SHARED_BROKER' });
  }
  const baseDir = resolved.baseDir ?? process.cwd();
  const agents = await loadAgents(resolved.agents, baseDir);
  const logger = options.logger ?? silentLogger;
  const { broker, owned, description } = await createBroker(resolved.broker, baseDir, logger.child?.({ component: 'broker' }) ?? logger);
  const concurrency = resolved.worker?.concurrency ?? 8;
  const group = resolved.worker?.group ?? WORKER_GROUP;
  const ackTimeout = resolved.worker?.ackTimeout ?? 30_000;
  let worker: AgentWorker;
  try {
    worker = serveAgents({ broker, agents, concurrency, group, ackTimeout, logger: logger.child?.({ component: 'worker' }) ?? logger });
  } catch (err) {
    if (owned) await broker.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    agents,
    broker,
    brokerDescription: description,
    concurrency,
    group,
    ackTimeout,
    close() {
      closing ??= (async () => {
        await worker.close();
        if (owned) await broker.close();
      })();
      return closing;
    },
  };
}
