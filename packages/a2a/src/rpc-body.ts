import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { requestedVersion } from './protocol-version';
import { RpcError, rpcErrors } from './rpc-error';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The endpoint's own body parsing: `application/json` (or `application/*+json`, or no
 * Content-Type) up to `limit`; anything else is answered 415 as a JSON-RPC error.
 */
export function rpcBody(limit: number | string): RequestHandler[] {
  const contentType: RequestHandler = function a2aContentType(req, res, next) {
    const type = req.get('content-type');
    if (type === undefined || JSON_TYPE.test(type)) return next();
    const error = rpcErrors.invalidRequest(`Content-Type must be application/json, got ${type}`, 415);
    res.status(415).json({ jsonrpc: '2.0', id: null, error: error.toJSON(requestedVersion(req)) });
  };
  return [contentType, express.json({ limit, strict: false, type: () => true })];
}

/**
 * Turns what failed before a request reached the dispatcher into JSON-RPC errors: unparsable
 * JSON (400, -32700), a body over the limit (413), an unsupported charset (415), and the auth
 * middleware's 401/403 (code -32000, the challenge header left as the middleware set it).
 */
export const rpcErrorHandler: ErrorRequestHandler = function a2aErrorHandler(err, req, res, next) {
  if (res.headersSent) return next(err);
  const error = toRpcError(err);
  if (!error) return next(err);
  res.status(error.status).json({ jsonrpc: '2.0', id: null, error: error.toJSON(requestedVersion(req)) });
};

function toRpcError(err: { type?: unknown; status?: unknown; message?: string; expose?: boolean }): RpcError | undefined {
  if (err instanceof RpcError) return err;
  switch (err?.type) {
    case 'entity.parse.failed':
      return rpcErrors.parse();
    case 'entity.too.large':
      return rpcErrors.invalidRequest('The request body is larger than the limit', 413);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return rpcErrors.invalidRequest(err.message ?? 'Unsupported encoding', 415);
    default:
      break;
  }
  if (err?.status === 401 || err?.status === 403) {
    const message = err.expose === false ? 'Authentication failed' : err.message ?? 'Authentication failed';
    const error = rpcErrors.unauthenticated(message);
    return err.status === 401 ? error : new RpcError(error.rpcCode, message, 'PERMISSION_DENIED', undefined, 403, 'agentway');
  }
  return undefined;
}
