import type { RequestHandler } from 'express';
import { anyOf, arrayOf, checkOptions, func, object, required, satisfies, string } from '@agentway/options';
import { ApiKeyStrategy, type ApiKey, type ApiKeyVerify } from './api-key-strategy';
import { authenticate } from './authenticate';

export interface ApiKeyAuthOptions {
  /** The accepted keys (strings, or `{ key, id, name, scopes }`), or a function that looks a key up. */
  keys: readonly (string | ApiKey)[] | ApiKeyVerify;
  /** Also read the key from this query parameter (for EventSource); `false` to refuse. Default `access_token`. */
  queryParam?: string | false;
}

const keyEntry = anyOf<[string, ApiKey]>('a non-empty string or { key, id?, name?, scopes? }',
  string({ nonEmpty: true }),
  object({ key: required(string({ nonEmpty: true })), id: string({ nonEmpty: true }), name: string(), scopes: arrayOf(string()) }) as never);

/**
 * API keys as `Authorization: Bearer <key>` (or `?access_token=<key>`), on passport.
 *
 * ```ts
 * app.use(openaiCompat({ agents, auth: apiKeyAuth({ keys: process.env.API_KEYS!.split(',') }) }));
 * ```
 */
export function apiKeyAuth(options: Readonly<ApiKeyAuthOptions>): RequestHandler {
  const config = checkOptions('auth', options, {
    keys: required(anyOf<[readonly (string | ApiKey)[], ApiKeyVerify]>('a non-empty array of keys, or a function',
      arrayOf(keyEntry, { nonEmpty: true }), func<ApiKeyVerify>())),
    queryParam: anyOf<[string, false]>('a query parameter name, or false', string({ nonEmpty: true }), satisfies<false>('false', (v) => v === false)),
  });
  return authenticate(new ApiKeyStrategy(config.keys, config.queryParam ?? 'access_token'), 'apiKeyAuthMiddleware');
}
