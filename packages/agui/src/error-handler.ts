import type { ErrorRequestHandler } from 'express';
import { AguiError } from './agui-error';

type HttpErrorLike = { status?: unknown; statusCode?: unknown; code?: unknown; type?: unknown; message?: unknown };

/** What the body parser's errors (http-errors with a `type`) become. */
function bodyError(err: HttpErrorLike): AguiError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AguiError(400, 'ERR_AGUI_INVALID_JSON', 'the body is not valid JSON');
    case 'entity.too.large':
      return new AguiError(413, 'ERR_AGUI_BODY_TOO_LARGE', 'the body is larger than the limit');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AguiError(415, 'ERR_AGUI_UNSUPPORTED_MEDIA_TYPE', 'the body\'s charset or content encoding is not supported');
    default:
      return undefined;
  }
}

/**
 * The router's error handler: refusals before streaming are answered as JSON
 * `{ error: { code, message } }` (`@ag-ui/client` shows them as `HTTP <status>: …`), including
 * the auth middleware's 401/403 with its own code; anything else goes on to the app's handler.
 */
export const aguiErrorHandler: ErrorRequestHandler = function aguiErrorHandler(err: HttpErrorLike, _req, res, next) {
  if (res.headersSent) return next(err);
  const known = err instanceof AguiError ? err : bodyError(err);
  if (known) {
    if (known.status === 503) res.setHeader('Retry-After', '1');
    res.status(known.status).json({ error: { code: known.code, message: known.message } });
    return;
  }
  const status = err.status ?? err.statusCode;
  if ((status === 401 || status === 403) && typeof err.message === 'string') {
    const code = typeof err.code === 'string' ? err.code : status === 401 ? 'ERR_AUTH_MISSING_CREDENTIALS' : 'ERR_AUTH_FORBIDDEN';
    res.status(status).json({ error: { code, message: err.message } });
    return;
  }
  next(err);
};
