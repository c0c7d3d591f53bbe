import express, { type Router } from 'express';
import type { Runtime } from '@agentway/agents';
import { chatCompletions } from './chat-completions';
import { openaiErrorHandler, openaiNotFound } from './error-envelope';
import { InFlight } from './in-flight';
import { ModelCatalog } from './model-catalog';
import { listModels, retrieveModel } from './models';
import { resolveOptions, type OpenAICompatOptions } from './options';
import { responses } from './responses';
import { RunAdmission } from './run-admission';
import type { RunServices } from './start-run';

/** The router `openaiCompat()` returns: mount it with `app.use()`; `close()` stops what it created. */
export interface OpenAICompatRouter extends Router {
  /** The runtime the agents run on (the one given, or the one created for `agents`). */
  readonly runtime: Runtime;
  /**
   * Winds the router up: new runs are refused (503 `server_shutting_down`), open streams end with
   * an in-band `server_shutting_down` error, requests waiting for a run are answered 503, and their
   * runs are cancelled; then the runtime and broker this router created (none when `runtime` was
   * given) are closed. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible API for agentway agents, as an Express router: `POST /v1/chat/completions`
 * (JSON and SSE), `POST /v1/responses`, `GET /v1/models` and `/v1/models/:model`, and the error
 * envelope for everything else under `/v1`. The model id is the agent's name.
 *
 * ```js
 * app.use(openaiCompat({ agents: [echoAgent()], auth: apiKeyAuth({ keys: ['sk-local'] }) }));
 * ```
 */
export function openaiCompat(options: Readonly<OpenAICompatOptions>): OpenAICompatRouter {
  const config = resolveOptions(options);
  const { runtime, basePath } = config;
  const catalog = new ModelCatalog(runtime.agents, config.allowModel);
  const inFlight = new InFlight();
  const services: RunServices = Object.freeze({
    runtime,
    catalog,
    admission: new RunAdmission(config.maxConcurrentRuns, config.maxConcurrentRunsPerPrincipal, config.retryAfter),
    heartbeat: config.heartbeat,
    inFlight,
    logger: config.logger,
    keepFinishedRuns: config.keepFinishedRuns,
  });
  const json = express.json({ limit: config.limit, type: () => true });
  const router = express.Router();
  if (config.auth) router.use(basePath, config.auth);
  router.post(`${basePath}/chat/completions`, json, chatCompletions(services));
  router.post(`${basePath}/responses`, json, responses(services));
  router.get(`${basePath}/models`, listModels(catalog));
  router.get(`${basePath}/models/:model`, retrieveModel(catalog));
  router.use(basePath, openaiNotFound());
  router.use(basePath, openaiErrorHandler());
  let closing: Promise<void> | undefined;
  return Object.assign(router, {
    runtime,
    close() {
      closing ??= (async () => {
        await inFlight.close();
        if (config.ownsRuntime) await runtime.close();
        await config.ownedBroker?.close();
      })();
      return closing;
    },
  });
}
