import createError from 'http-errors';

export type AuthErrorCode = 'ERR_AUTH_MISSING_CREDENTIALS' | 'ERR_AUTH_INVALID_CREDENTIALS';

/**
 * The 401 an auth middleware passes to `next()`. Gateway packages answer it in their protocol's
 * own shape (OpenAI envelope, JSON-RPC error, …); a plain Express app's error handler sees an
 * http-error with `status` 401, `expose` true, a stable `code` and `type`.
 */
export function authError(code: AuthErrorCode, message: string): createError.HttpError {
  return createError(401, `[@agentway/auth] ${message}`, { code, type: 'authentication_failed', expose: true });
}
