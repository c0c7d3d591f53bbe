import type { RequestHandler } from 'express';
import { anyOf, arrayOf, checkOptions, func, number, satisfies, string } from '@agentway/options';
import { authenticate } from './authenticate';
import { JwtStrategy, type JwtVerification } from './jwt-strategy';

export interface JwtAuthOptions extends JwtVerification {
  /** Also read the token from this query parameter (for EventSource); `false` to refuse. Default `access_token`. */
  queryParam?: string | false;
}

const oneOrMany = anyOf<[string, string[]]>('a string or an array of strings', string({ nonEmpty: true }), arrayOf(string({ nonEmpty: true })));
const ALGORITHMS = /^(HS|RS|PS|ES)(256|384|512)$|^EdDSA$/;

/** JWT bearer tokens verified with jose: a secret (HS256…), a PEM public key, or a JWKS URL. */
export function jwtAuth(options: Readonly<JwtAuthOptions>): RequestHandler {
  const config = checkOptions('auth', options, {
    secret: string({ nonEmpty: true }),
    publicKey: string({ nonEmpty: true }),
    jwksUri: satisfies<string>('an http(s) URL', (v) => typeof v === 'string' && /^https?:\/\//.test(v) && URL.canParse(v)),
    algorithms: arrayOf(satisfies<string>('a JWS algorithm (HS256, RS256, ES256, …)', (v) => typeof v === 'string' && ALGORITHMS.test(v)), { nonEmpty: true }),
    issuer: oneOrMany,
    audience: oneOrMany,
    clockTolerance: number({ min: 0 }),
    principal: func<NonNullable<JwtVerification['principal']>>(),
    queryParam: anyOf<[string, false]>('a query parameter name, or false', string({ nonEmpty: true }), satisfies<false>('false', (v) => v === false)),
  });
  const sources = [config.secret, config.publicKey, config.jwksUri].filter((v) => v !== undefined).length;
  if (sources !== 1) {
    throw Object.assign(new TypeError('[@agentway/auth] jwtAuth needs exactly one of "secret", "publicKey" or "jwksUri"'), { code: 'ERR_AUTH_INVALID_OPTION' });
  }
  if (config.publicKey !== undefined && config.algorithms === undefined) {
    throw Object.assign(new TypeError('[@agentway/auth] jwtAuth with "publicKey" needs "algorithms" (e.g. ["RS256"])'), { code: 'ERR_AUTH_INVALID_OPTION' });
  }
  const algorithms = config.algorithms ?? (config.secret !== undefined ? ['HS256', 'HS384', 'HS512'] : undefined);
  const { queryParam = 'access_token', ...verification } = config;
  return authenticate(new JwtStrategy({ ...verification, algorithms } as JwtVerification, queryParam), 'jwtAuthMiddleware');
}
