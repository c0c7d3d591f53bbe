import type { Server } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { createRuntime, type Runtime } from '@agentway/agents';
import { apiKeyAuth } from '@agentway/auth';
import type { Broker } from '@agentway/broker';
import { isLogger, silentLogger, type Logger } from '@agentway/observability';
import { createBroker } from './create-broker';
import { applyEnv } from './env-overrides';
import { gatewayErrorHandler } from './error-handler';
import { FEATURE_NAMES, type FeatureContext, type MountedFeature } from './feature';
import { features } from './features';
import { checkGatewayConfig, type GatewayConfig } from './gateway-config';
import { GatewayServer } from './gateway-server';
import { loadAgents } from './load-agents';
import { createMetrics, type GatewayMetrics } from './metrics';
import { requestLogging } from './request-logging';

export interface CreateGatewayOptions {
  /** Environment overrides (PORT, AGENTWAY_*). Default `process.env`; pass `{}` to ignore it. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the gateway and every feature log (pino-compatible; each feature gets a
   * `child({ feature })`). A pino logger also logs one line per request (pino-http) with the
   * request's id. Default: silent — the `agentway` CLI passes its pino logger.
   */
  logger?: Logger;
}

export interface Gateway {
  readonly app: Express;
  readonly runtime: Runtime;
  readonly broker: Broker;
  /** The resolved config (file, then environment). */
  readonly config: Readonly<GatewayConfig>;
  /** What is mounted, e.g. `POST /v1/chat/completions`. */
  readonly endpoints: readonly string[];
  /** Features switched on but not part of this build. */
  readonly unavailable: readonly string[];
  /** `memory`, `redis redis://host:port`, or `custom`. */
  readonly brokerDescription: string;
  /** The Prometheus registry behind `GET /metrics` (with `metrics: true`): add your own metrics to it. */
  readonly metrics: Registry | undefined;
  /** Starts an HTTP server (port and host from the config, default 8080 on 127.0.0.1). */
  listen(port?: number, host?: string): Promise<{ url: string; server: Server }>;
  /**
   * Shuts down gracefully: stops accepting connections, lets every feature wind up (streams end
   * with their protocol's final event, WebSockets close with 1001, webhook deliveries finish,
   * pollers stop) for up to `shutdownTimeout` ms, ends the runs executing here, cuts what is left,
   * and closes the broker the gateway created. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Composes agentway from one config: a broker, a runtime with the agents, auth from API keys,
 * and every feature switched on, each mounted at the root of one Express app.
 */
export async function createGateway(config: Readonly<GatewayConfig> = {}, options: CreateGatewayOptions = {}): Promise<Gateway> {
  if (options.logger !== undefined && !isLogger(options.logger)) {
    throw Object.assign(new TypeError('[@agentway/gateway] option "logger" must be a logger with debug, info, warn and error methods (pino, console, …)'),
      { code: 'ERR_GATEWAY_INVALID_OPTION' });
  }
  const logger = options.logger ?? silentLogger;
  const resolved = checkGatewayConfig(applyEnv(checkGatewayConfig(config), options.env ?? process.env));
  const baseDir = resolved.baseDir ?? process.cwd();
  const agents = await loadAgents(resolved.agents, baseDir);
  const { broker, owned, description } = await createBroker(resolved.broker, baseDir, child(logger, { component: 'broker' }));
  const runtime = createRuntime({ broker, agents, mode: resolved.mode ?? 'local', logger: child(logger, { component: 'runtime' }) });
  const auth: RequestHandler | undefined = resolved.auth
    ?? (resolved.apiKeys && resolved.apiKeys.length > 0 ? apiKeyAuth({ keys: resolved.apiKeys }) : undefined);
  const metrics: GatewayMetrics | undefined = resolved.metrics ? createMetrics() : undefined;
  const server = new GatewayServer();

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(options.logger));
  app.use(server.closingMiddleware);
  const endpoints = ['GET /', 'GET /healthz', ...(metrics ? ['GET /metrics'] : [])];
  if (metrics) {
    app.get('/metrics', function gatewayMetrics(_req, res, next) {
      metrics.registry.metrics().then((text) => {
        res.setHeader('Content-Type', metrics.registry.contentType);
        res.end(text);
      }, next);
    });
  }
  const shutdownTimeout = resolved.shutdownTimeout ?? 10_000;
  const mounted: MountedFeature[] = [];
  const enabled = (name: string) => resolved.features?.[name as keyof typeof resolved.features] ?? true;
  try {
    for (const feature of features) {
      if (!enabled(feature.name)) continue;
      const context: FeatureContext = {
        runtime, broker, auth, baseDir, env: options.env ?? process.env, logger: child(logger, { feature: feature.name }), shutdownTimeout,
      };
      const mount = await feature.mount(context, resolved[feature.name] as never);
      mounted.push(mount);
      endpoints.push(...mount.endpoints);
      if (mount.router) app.use(mount.router);
    }
  } catch (err) {
    await Promise.allSettled(mounted.map((m) => m.close?.()));
    await runtime.close();
    metrics?.close();
    if (owned) await broker.close();
    throw err;
  }
  const available = new Set(features.map((f) => f.name));
  const unavailable = FEATURE_NAMES.filter((name) => enabled(name) && !available.has(name));

  app.get('/healthz', (_req, res) => {
    if (server.closing) res.status(503).json({ status: 'shutting down' });
    else res.json({ status: 'ok' });
  });
  app.get('/', (_req, res) => {
    res.json({
      name: 'agentway',
      agents: runtime.agents.list().map((a) => ({ name: a.name, description: a.description ?? '' })),
      defaultAgent: runtime.agents.defaultAgent.name,
      endpoints,
    });
  });
  app.use(gatewayErrorHandler(logger, mounted));

  let closing: Promise<void> | undefined;
  return {
    app,
    runtime,
    broker,
    config: resolved,
    endpoints,
    unavailable,
    brokerDescription: description,
    metrics: metrics?.registry,
    async listen(port = resolved.port ?? 8080, host = resolved.host ?? '127.0.0.1') {
      return server.listen(app, port, host, (http) => { for (const mount of mounted) mount.attach?.(http); });
    },
    close() {
      closing ??= (async () => {
        const started = Date.now();
        logger.info({ shutdownTimeout }, 'shutting down: no new connections; open streams, sockets and deliveries wind up');
        const stopped = server.stopAccepting();
        const wound = await server.within(shutdownTimeout, Promise.allSettled(mounted.map((m) => m.close?.())));
        if (!wound) logger.warn({ shutdownTimeout }, 'shutdownTimeout reached: cutting what is still open');
        await runtime.close();
        server.cutAll();
        await stopped;
        metrics?.close();
        if (owned) await broker.close();
        logger.info({ ms: Date.now() - started }, 'shut down');
      })();
      return closing;
    },
  };
}

/** `logger.child(bindings)` when it has one. */
function child(logger: Logger, bindings: Record<string, unknown>): Logger {
  return logger === silentLogger || !logger.child ? logger : logger.child(bindings);
}
