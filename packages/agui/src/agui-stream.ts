import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Runtime } from '@agentway/agents';
import { AguiError } from './agui-error';
import { aguiErrorHandler } from './error-handler';
import { getStream } from './get-stream';
import { OpenStreams, shuttingDown } from './open-streams';
import { resolveOptions, type AguiStreamOptions } from './options';
import { postRun } from './post-run';
import { RunFeeds } from './run-feeds';

/** The router `aguiStream()` returns; `runtime` is the one it starts runs on (made from `agents`, or given). */
export type AguiRouter = Router & {
  readonly runtime: Runtime;
  /**
   * Winds the router up: new requests are refused (503 `ERR_AGUI_SHUTTING_DOWN`), open streams end
   * with `RUN_ERROR` `server_shutting_down` (their runs go on: a client resumes them elsewhere), and
   * the runtime and broker made for `agents` are closed. Resolves once the streams' responses have closed.
   */
  close(): Promise<void>;
};

/**
 * AG-UI over Server-Sent Events, as an Express 4/5 router:
 *
 * - `POST /agui/runs` and `POST /agui/runs/:agent` take a RunAgentInput and stream the run on the
 *   same response (`Accept: text/event-stream`, as `@ag-ui/client`'s HttpAgent sends), or answer
 *   `202 { run_id, thread_id, stream_url }`;
 * - `GET /agui/ws?run_id=…` streams a run from its start or from `Last-Event-ID`, from any instance
 *   sharing the broker.
 *
 * ```ts
 * app.use(aguiStream({ agents: [echoAgent()], auth: apiKeyAuth({ keys }) }));
 * ```
 */
export function aguiStream(options: Readonly<AguiStreamOptions>): AguiRouter {
  const config = resolveOptions(options);
  const router = express.Router();
  const before: RequestHandler[] = config.auth ? [config.auth] : [];
  const json = express.json({ limit: config.limit });
  const streams = new OpenStreams();
  const feeds = new RunFeeds(streams);
  const post = route(streams, (req, res) => postRun(config, streams, req, res), 'aguiPostRun');
  router.post('/agui/runs', ...before, json, post);
  router.post('/agui/runs/:agent', ...before, json, post);
  router.get('/agui/ws', ...before, route(streams, (req, res) => getStream(config, feeds, req, res), 'aguiStreamRun'));
  // Everything else under /agui is answered here, in the same JSON shape, not by the app's HTML 404.
  router.all(['/agui/runs', '/agui/runs/:agent'], methodNotAllowed('POST'));
  router.all('/agui/ws', methodNotAllowed('GET', 'GET, HEAD'));
  router.use('/agui', notFound);
  router.use(aguiErrorHandler);
  let closing: Promise<void> | undefined;
  return Object.assign(router, {
    runtime: config.runtime,
    close() {
      closing ??= (async () => {
        await streams.close();
        if (config.owned) {
          await config.owned.runtime.close();
          await config.owned.broker?.close();
        }
      })();
      return closing;
    },
  });
}

/** 405 with `Allow` for a known path asked with another method than `use` (and 204 with `Allow` for OPTIONS). */
function methodNotAllowed(use: string, allow = use): RequestHandler {
  return function aguiMethodNotAllowed(req, res, next) {
    res.setHeader('Allow', allow);
    // What Express answers itself when no handler takes OPTIONS (a CORS middleware before this one answers preflights).
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next(new AguiError(405, 'ERR_AGUI_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${use}`));
  };
}

/** 404 for a path under /agui that is none of the router's. */
const notFound: RequestHandler = function aguiNotFound(req, _res, next) {
  next(new AguiError(404, 'ERR_AGUI_NOT_FOUND',
    `no AG-UI route ${req.method} ${req.originalUrl.split('?')[0]}; the routes are POST /agui/runs, POST /agui/runs/:agent and GET /agui/ws?run_id=…`));
};

/** A named, synchronous handler whose async work rejects into `next`; once the router is closing, a 503. */
function route(streams: OpenStreams, handle: (req: Request, res: Response) => Promise<void>, name: string): RequestHandler {
  const handler: RequestHandler = (req, res, next) => {
    if (streams.closing) next(shuttingDown());
    else handle(req, res).catch(next);
  };
  return Object.defineProperty(handler, 'name', { value: name });
}

