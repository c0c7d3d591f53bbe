import type { RequestHandler } from 'express';

/**
 * The CLI's answer to a path no feature serves: a JSON 404 that points at `GET /`, instead of
 * Express's HTML page. `createGateway()` does not mount it, so that an app built on
 * `gateway.app` can still add routes after it.
 */
export function gatewayNotFound(): RequestHandler {
  return function gatewayNotFound(req, res) {
    res.status(404).json({
      error: { code: 'ERR_GATEWAY_NOT_FOUND', message: `Cannot ${req.method} ${req.path}: GET / lists the endpoints` },
    });
  };
}
