import express, { type ErrorRequestHandler } from 'express';
import type { Runtime } from '@agentway/agents';
import type { Broker } from '@agentway/broker';
import { boolean, number, object, satisfies, string, type Check } from '@agentway/options';
import { ListenerManager, PollerManager } from '@agentway/poller';
import type { Feature } from '../feature';
import { importModule } from '../load-agents';

/** What the `pollers` module of the user's code receives: it registers its jobs and listeners. */
export interface PollersContext {
  readonly poller: PollerManager;
  readonly listeners: ListenerManager;
  readonly broker: Broker;
  readonly runtime: Runtime;
  readonly env: NodeJS.ProcessEnv;
}

/** The function the `pollers` module exports by name (`exports.pollers`, `export const pollers`), or as its `module.exports`. */
export type PollersSetup = (context: PollersContext) => void | Promise<void>;

/** The `pollers` section of the gateway config: the module path, or these options. */
export interface PollersSection {
  /** The module of the user's code that registers the jobs and listeners (relative to the config file). */
  module: string;
  /** Where the status routes go. Default `/pollers`. */
  path?: string;
  /** Use the gateway's broker as the fire-once lock (and SSE de-duplication). Default true. */
  lock?: boolean;
  /** The pollers' lease in ms (the clock skew tolerated between instances). Default 30 000. */
  lease?: number;
  /** For `listeners.onRedis()`: a `redis://` URL. */
  redis?: string;
  /** Report start-up, failures and reconnections through the gateway's logger. Default true. */
  log?: boolean;
}

const sectionObject = object({
  module: string({ nonEmpty: true }),
  path: satisfies<string>('a path such as "/pollers"', (v) => typeof v === 'string' && /^\/[A-Za-z0-9._~\-/]*$/.test(v)),
  lock: boolean(),
  lease: number({ min: 1, integer: true }),
  redis: satisfies<string>('a redis:// URL', (v) => typeof v === 'string' && /^rediss?:\/\//.test(v)),
  log: boolean(),
});

/** A module path, or the options object (checked key by key, so a typo gets its hint). */
const sectionCheck: Check<PollersSection> = (value, ctx) => {
  if (typeof value === 'string') return { module: string({ nonEmpty: true })(value, ctx) };
  const section = sectionObject(value, ctx);
  if (section.module === undefined) ctx.at('module').fail('a module path', undefined);
  return section as PollersSection;
};

/** The overview's auth failure as JSON, like the status routers under it. */
const overviewAuthError: ErrorRequestHandler = function pollersAuthError(err, _req, res, next) {
  const e = err as { status?: number; code?: unknown; message?: string; headers?: Record<string, string> };
  if (e?.status === 401 && typeof e.code === 'string' && !res.headersSent) {
    if (e.headers) res.set(e.headers);
    res.status(401).json({ error: { code: e.code, message: e.message } });
    return;
  }
  next(err);
};

function pickSetup(module: unknown): PollersSetup | undefined {
  // import() of a CommonJS module puts its module.exports on `default`.
  const m = module as { pollers?: unknown; default?: { pollers?: unknown } | unknown } | undefined;
  const candidates = [m?.pollers, (m?.default as { pollers?: unknown } | undefined)?.pollers, m?.default, module];
  return candidates.find((c): c is PollersSetup => typeof c === 'function');
}

/**
 * Pollers and listeners (`@agentway/poller`) from a module of the user's code: it gets a
 * `PollerManager` locked on the gateway's broker and a `ListenerManager` on it, registers what it
 * needs, and the gateway starts them, serves their status under `path` and stops them on close.
 */
export const pollersFeature: Feature<PollersSection> = {
  name: 'pollers',
  config: sectionCheck,
  async mount({ runtime, broker, auth, baseDir, env, logger: gatewayLogger }, section) {
    if (section === undefined) return { endpoints: [] };
    const setup = pickSetup(await importModule(section.module, baseDir));
    if (!setup) {
      throw Object.assign(new TypeError(`[@agentway/gateway] ${section.module} must export a function: \`exports.pollers = ({ poller, listeners, broker, runtime }) => …\` or \`export const pollers = …\``),
        { code: 'ERR_GATEWAY_INVALID_POLLERS_MODULE' });
    }
    const logger = section.log === false ? undefined : gatewayLogger;
    const lock = section.lock === false ? undefined : broker;
    const poller = new PollerManager({ ...(lock && { lock }), ...(section.lease !== undefined && { lease: section.lease }), ...(logger && { logger }) });
    const listeners = new ListenerManager({ broker, ...(lock && { lock }), ...(section.redis !== undefined && { redis: section.redis }), ...(logger && { logger }) });
    const stop = () => Promise.all([poller.stop(), listeners.stop()]).then(() => undefined);
    try {
      await setup({ poller, listeners, broker, runtime, env });
    } catch (err) {
      await stop();
      throw err;
    }
    poller.start();
    listeners.start();
    const path = (section.path ?? '/pollers').replace(/\/+$/, '') || '/pollers';
    const router = express.Router();
    router.get(path, ...(auth ? [auth] : []), function pollersOverview(_req, res) {
      res.set('cache-control', 'no-store').json({ jobs: poller.jobs(), listeners: listeners.status() });
    });
    router.use(path, overviewAuthError);
    router.use(`${path}/jobs`, poller.router(auth ? { auth } : undefined));
    router.use(`${path}/listeners`, listeners.router(auth ? { auth } : undefined));
    return {
      endpoints: [`GET ${path}`, `GET ${path}/jobs/:name`, `GET ${path}/listeners/:name`],
      router,
      close: stop,
    };
  },
};
