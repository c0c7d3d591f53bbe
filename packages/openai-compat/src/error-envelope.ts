import type { ErrorRequestHandler, NextFunction, RequestHandler, Response } from 'express';
import { OpenAICompatError } from './openai-compat-error';
import { requestIdOf } from './request-id';

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  code?: unknown;
  expose?: unknown;
  limit?: unknown;
  message?: unknown;
}

/**
 * The OpenAI-shaped error for what a request can get wrong before a handler runs: the body
 * parser's errors, the auth middleware's 401s, any other exposed 4xx http-error. `undefined`
 * for everything else (a bug, a broker down): that goes to the host app's error handler.
 */
export function toOpenAICompatError(err: unknown): OpenAICompatError | undefined {
  if (err instanceof OpenAICompatError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as HttpErrorLike;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const detail = typeof e.message === 'string' ? e.message : '';
  if (e.type === 'entity.parse.failed') {
    return new OpenAICompatError('ERR_OPENAI_COMPAT_INVALID_JSON', `We could not parse the JSON body of your request (${detail}).`,
      { status: 400, type: 'invalid_request_error', errorCode: 'invalid_json' });
  }
  if (e.type === 'entity.too.large') {
    return new OpenAICompatError('ERR_OPENAI_COMPAT_BODY_TOO_LARGE', `The request body is larger than the limit of ${String(e.limit)} bytes.`,
      { status: 413, type: 'invalid_request_error', errorCode: 'request_too_large' });
  }
  if (e.code === 'ERR_AUTH_MISSING_CREDENTIALS' || e.code === 'ERR_AUTH_INVALID_CREDENTIALS' || status === 401) {
    const missing = e.code === 'ERR_AUTH_MISSING_CREDENTIALS';
    return new OpenAICompatError('ERR_OPENAI_COMPAT_UNAUTHORIZED', stripPrefix(detail) || 'Invalid API key.',
      { status: 401, type: 'invalid_request_error', errorCode: missing ? 'missing_api_key' : 'invalid_api_key' });
  }
  if (e.expose !== true) return undefined;
  return new OpenAICompatError(status === 429 ? 'ERR_OPENAI_COMPAT_RATE_LIMITED' : 'ERR_OPENAI_COMPAT_INVALID_REQUEST', stripPrefix(detail),
    { status, type: status === 429 ? 'requests' : 'invalid_request_error', errorCode: typeof e.code === 'string' ? e.code : null });
}

/** Drops another package's prefix (`[@agentway/auth] …`): ours replaces it. */
function stripPrefix(message: string): string {
  return message.replace(/^\[@agentway\/[a-z0-9-]+\] /, '');
}

/** Answers an error in the envelope `{"error":{message,type,param,code}}`, with its headers. */
export function sendError(res: Response, err: OpenAICompatError): void {
  if (err.headers) res.set(err.headers);
  res.setHeader('x-request-id', requestIdOf(res));
  res.status(err.status).json({ error: err.toObject() });
}

/** A handler's failure: the envelope for protocol errors (before any byte was sent), the host app's handler for the rest. */
export function answerError(res: Response, err: unknown, next: NextFunction): void {
  const openaiError = res.headersSent ? undefined : toOpenAICompatError(err);
  if (openaiError) {
    sendError(res, openaiError);
    return;
  }
  if (!res.headersSent) res.setHeader('x-request-id', requestIdOf(res));
  next(err);
}

/** The router's error handler: protocol errors in the envelope, anything else to the host app. */
export function openaiErrorHandler(): ErrorRequestHandler {
  return function openaiCompatErrorHandler(err, _req, res, next) {
    const openaiError = res.headersSent ? undefined : toOpenAICompatError(err);
    if (openaiError) {
      sendError(res, openaiError);
      return;
    }
    if (!res.headersSent) res.setHeader('x-request-id', requestIdOf(res));
    next(err);
  };
}

const HINTS: Readonly<Record<string, string>> = {
  '/embeddings': ' Agents are not embedding models; point your embeddings client at a provider that serves them.',
  '/completions': ' Only chat models are served: use /chat/completions (LlamaIndex OpenAILike: set is_chat_model=True).',
};

/** The 404 for every other path under the base path, in the envelope (the SDK maps it to `NotFoundError`). */
export function openaiNotFound(): RequestHandler {
  return function openaiCompatNotFound(req, res) {
    const hint = HINTS[req.path] ?? '';
    sendError(res, new OpenAICompatError('ERR_OPENAI_COMPAT_NOT_FOUND', `Invalid URL (${req.method} ${req.originalUrl.split('?')[0]}).${hint}`,
      { status: 404, type: 'invalid_request_error', errorCode: 'unknown_url' }));
  };
}
