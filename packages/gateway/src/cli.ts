#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { Logger } from '@agentway/observability';
import { cliLogger } from './cli-logger';
import { createGateway } from './create-gateway';
import { gatewayNotFound } from './not-found';
import { createWorker } from './create-worker';
import type { GatewayConfig } from './gateway-config';
import { loadConfigFile } from './load-config';

const USAGE = `Usage: agentway serve [--config file.yaml] [--port N] [--host H]
       agentway worker [--config file.yaml] [--concurrency N]

serve   starts the agentway gateway. Without a config file: the demo agents (echo, clock) on an
        in-memory broker, every feature on.
worker  executes the runs that gateways with mode: workers hand out, with the config's agents, on
        the broker they share (Redis): as many workers as you like, anywhere.

Environment: PORT, HOST, AGENTWAY_API_KEYS, AGENTWAY_BROKER_URL, AGENTWAY_BROKER_PREFIX,
AGENTWAY_MODE, AGENTWAY_METRICS, AGENTWAY_SHUTDOWN_TIMEOUT, AGENTWAY_LOG_LEVEL,
AGENTWAY_GATEWAY_ENABLED, AGENTWAY_GATEWAY_<FEATURE>=true|false.
Flags override the environment, which overrides the file.

Logs: pretty on a terminal, one JSON object per line otherwise (after the start report).
SIGINT or SIGTERM shuts down gracefully and exits 0; a second one exits at once (1).`;

type Flags = { config?: string; port?: string; host?: string; concurrency?: string };

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.length === 1 ? positionals[0] : undefined;
  const misplaced = command === 'serve' ? values.concurrency !== undefined : values.port !== undefined || values.host !== undefined;
  if (values.help || (command !== 'serve' && command !== 'worker') || misplaced) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const logger = cliLogger(process.env);
  let signals = 0;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals === 1) return resolve(signal);
      logger.warn({ signal }, `received ${signal} again: exiting at once`);
      process.exit(1);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const file: GatewayConfig = values.config ? await loadConfigFile(values.config) : {};
  const close = command === 'serve' ? await serve(file, values, logger) : await work(file, values, logger);
  const signal = await stopped;
  logger.info({ signal }, `received ${signal}, shutting down`);
  await close();
  // Everything is closed: the process ends by itself. Should a handle of the user's code hold it, say so and go.
  setTimeout(() => {
    logger.warn('something still holds the process after the shutdown: exiting');
    process.exit(0);
  }, 2_000).unref();
  return 0;
}

/** `agentway serve`: the gateway, until a signal. */
async function serve(file: GatewayConfig, values: Flags, logger: Logger): Promise<() => Promise<void>> {
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new TypeError(`--port must be a port number, got ${values.port}`);
  const gateway = await createGateway(file, { logger });
  if (gateway.runtime.mode === 'workers' && gateway.brokerDescription === 'memory') {
    await gateway.close();
    throw Object.assign(new Error('[@agentway/gateway] mode: workers needs a broker the workers share: set AGENTWAY_BROKER_URL=redis://… '
      + 'or broker: redis://… in the config'), { code: 'ERR_GATEWAY_SHARED_BROKER' });
  }
  gateway.app.use(gatewayNotFound());
  const { url } = await gateway.listen(port, values.host);
  const agents = gateway.runtime.agents.list().map((a, i) => (i === 0 ? `${a.name} (default)` : a.name)).join(', ');
  const auth = gateway.config.auth ? 'custom' : gateway.config.apiKeys?.length ? `${gateway.config.apiKeys.length} API key(s)` : 'none — set AGENTWAY_API_KEYS to require a key';
  const lines = [
    `agentway gateway listening on ${url}`,
    `  broker: ${gateway.brokerDescription} · mode: ${gateway.runtime.mode} · agents: ${agents}`,
    `  auth: ${auth}`,
    ...gateway.endpoints.map((endpoint) => `  ${endpoint.replace(/^(\S+) /, (m, verb: string) => verb.padEnd(5) + ' ')}`),
    ...gateway.unavailable.map((name) => `  (${name}: switched on, but not part of this build)`),
    ...(gateway.metrics ? ['  metrics: Prometheus at GET /metrics'] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return () => gateway.close();
}

/** `agentway worker`: serveAgents() with the config's agents on its shared broker, until a signal. */
async function work(file: GatewayConfig, values: Flags, logger: Logger): Promise<() => Promise<void>> {
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new TypeError(`--concurrency must be a whole number of runs (1 or more), got ${values.concurrency}`);
  }
  const config = concurrency === undefined ? file : { ...file, worker: { ...file.worker, concurrency } };
  const worker = await createWorker(config, { logger });
  process.stdout.write(`agentway worker serving ${worker.agents.map((a) => a.name).join(', ')}\n`
    + `  broker: ${worker.brokerDescription} · group: ${worker.group} · concurrency: ${worker.concurrency} runs per agent · ackTimeout: ${worker.ackTimeout} ms\n`);
  return () => worker.close();
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    process.stderr.write(`agentway: ${err.message}\n`);
    process.exitCode = 1;
  },
);
