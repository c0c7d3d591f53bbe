import express, { type ErrorRequestHandler, type Router } from 'express';
import { PollerError } from './poller-error';

interface StatusSource<T> {
  /** The key of the list in `GET /` (`jobs`, `listeners`). */
  readonly key: string;
  /** What one item is called in a 404 message (`job`, `listener`). */
  readonly noun: string;
  list(): readonly T[];
  get(name: string): T | undefined;
}

/**
 * A read-only JSON status router: `GET /` lists every item, `GET /:name` shows one (404 with
 * `{ error: { code, message } }` when there is none). Auth runs first; its 401 is answered as JSON.
 */
export function statusRouter<T>(source: StatusSource<T>, auth: express.RequestHandler | undefined): Router {
  const router = express.Router();
  if (auth) router.use(auth);
  router.get('/', function pollerStatusList(_req, res) {
    res.set('cache-control', 'no-store').json({ [source.key]: source.list() });
  });
  router.get('/:name', function pollerStatusItem(req, res) {
    const name = req.params.name as string;
    const item = source.get(name);
    if (item !== undefined) {
      res.set('cache-control', 'no-store').json(item);
      return;
    }
    const error = new PollerError('ERR_POLLER_NOT_FOUND', `no ${source.noun} named "${name}"`);
    res.status(404).json({ error: { code: error.code, message: error.message } });
  });
  router.use(authErrorHandler);
  return router;
}

/** Answers the auth middlewares' 401/403 in this router's JSON shape; anything else goes on. */
const authErrorHandler: ErrorRequestHandler = function pollerAuthError(err, _req, res, next) {
  const status = (err as { status?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  const code = (err as { code?: unknown })?.code;
  if ((status === 401 || status === 403) && typeof code === 'string' && code.startsWith('ERR_AUTH_') && !res.headersSent) {
    const headers = (err as { headers?: Record<string, string> }).headers;
    if (headers) res.set(headers);
    res.status(status).json({ error: { code, message: (err as Error).message } });
    return;
  }
  next(err);
};
