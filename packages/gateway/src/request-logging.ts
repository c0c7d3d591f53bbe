import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger as PinoLogger } from 'pino';
import type { Logger } from '@agentway/observability';

/** A client's `x-request-id` is taken when it is 1–128 visible ASCII characters. */
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/** The request's id: the client's `x-request-id` when it sent a usable one, else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
}

/** Is this a pino logger (what pino-http needs), not just something with the four methods? */
function isPino(logger: Logger): logger is Logger & PinoLogger {
  return typeof (logger as { levels?: { values?: unknown } }).levels?.values === 'object' && typeof logger.child === 'function';
}

const QUIET = new Set(['/healthz', '/metrics']);

/** Credentials that may ride in a query string (`?access_token=`, LangStream's `credentials`, …). */
const SECRET_PARAMS = /([?&](?:access_token|token|credentials|test-credentials|api[_-]?key|key|secret|password)=)[^&#]*/gi;

/** A URL as it is logged: the values of credential parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** Request and response headers never logged as they are. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'req.headers["proxy-authorization"]', 'res.headers["set-cookie"]'];

/**
 * The gateway's first middleware: every request gets an id (`req.id`, echoed as `x-request-id`),
 * and, with a pino logger, pino-http's `req.log` bound to it (`reqId`) and one line per response
 * (`info`, `warn` for 4xx and 503, `error` for other 5xx; none for `/healthz` and `/metrics`). With another
 * logger, `req.log` is its `child({ reqId })` when it has one.
 */
export function requestLogging(logger: Logger | undefined): RequestHandler {
  if (logger && isPino(logger)) {
    const http = pinoHttp({
      logger,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = requestIdOf(req);
        res.setHeader('x-request-id', id);
        return id;
      },
      quietReqLogger: true, // req.log is bound to { reqId } alone; the completion line has the request too
      // A 503 is a deliberate refusal (overloaded, shutting down): a warning, as 4xx are.
      customLogLevel: (_req, res, err) => (err || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => QUIET.has((req.url ?? '').split('?')[0]!) },
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: {
        req: (req: { url?: string; query?: unknown }) => {
          if (typeof req.url === 'string') req.url = redactUrl(req.url);
          delete req.query; // in the URL already (redacted)
          return req;
        },
      },
    });
    return function gatewayRequestLogging(req, res, next) {
      http(req, res, next);
    };
  }
  return function gatewayRequestId(req, res, next) {
    const id = requestIdOf(req);
    (req as { id?: string }).id = id;
    res.setHeader('x-request-id', id);
    if (logger?.child) (req as { log?: Logger }).log = logger.child({ reqId: id });
    next();
  };
}
