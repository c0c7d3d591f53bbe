import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { loggerOf, type Logger } from '@agentway/observability';
import type { MountedFeature } from './feature';

/**
 * The gateway's last error handler, for what no feature answered itself (a bug, a broker down
 * before a stream started): logged through the request's logger with its stack, and answered in
 * the protocol of the feature whose route it was (`answerError`), else `{ error: { code, message } }`
 * — the message only when the error is meant to be shown (a 4xx http-error). Never Express's HTML
 * page, never a stack trace on stderr.
 */
export function gatewayErrorHandler(logger: Logger, features: readonly MountedFeature[]): ErrorRequestHandler {
  return function gatewayErrorHandler(err, req, res, _next) {
    const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; code?: unknown; expose?: unknown; message?: unknown };
    const given = typeof e.status === 'number' ? e.status : e.statusCode;
    const status = typeof given === 'number' && given >= 400 && given <= 599 ? given : 500;
    (res as { err?: unknown }).err = err; // pino-http's line for this response carries it too
    const log = loggerOf(req, logger);
    if (status >= 500) log.error({ err, status }, `request failed: ${typeof e.message === 'string' ? e.message : String(err)}`);
    else log.warn({ code: e.code, status }, `request refused: ${typeof e.message === 'string' ? e.message : ''}`);
    if (res.headersSent) {
      req.socket.destroy(); // mid-answer: cut it, as Express does
      return;
    }
    for (const feature of features) if (feature.answerError?.(err, req, res)) return;
    const shown = status < 500 && e.expose !== false && typeof e.message === 'string';
    res.status(status).json({
      error: {
        code: typeof e.code === 'string' ? e.code : status >= 500 ? 'ERR_GATEWAY_INTERNAL' : 'ERR_GATEWAY_REQUEST',
        message: shown ? (e.message as string) : STATUS_CODES[status] ?? 'Error',
      },
    });
  };
}
