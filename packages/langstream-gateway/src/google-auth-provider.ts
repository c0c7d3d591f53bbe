import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { AuthConfig } from './auth-config';
import { authenticated, rejected, type AuthProviderFactory } from './auth-provider';
import { isTokenError } from './jose-errors';

const GOOGLE_CERTS = 'https://www.googleapis.com/oauth2/v3/certs';
const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

/**
 * LangStream's `google` provider: the credential is a Google ID token for `clientId` (its
 * audience), verified against Google's keys; principal fields `subject`, `email`, `name`, `locale`.
 * agentway adds `jwksUri` (default Google's) and `jwks` (the keys themselves, to test offline).
 */
export const googleAuthProvider: AuthProviderFactory = (configuration) => {
  const config = new AuthConfig('google', configuration);
  const clientId = config.string('clientId');
  const jwksUri = config.string('jwksUri');
  const jwks = config.object('jwks');
  config.done();
  if (clientId === undefined || clientId.trim() === '') config.fail('clientId is required for Google Authentication.');
  let keys: JWTVerifyGetKey;
  try {
    keys = jwks ? createLocalJWKSet(jwks as unknown as JSONWebKeySet) : createRemoteJWKSet(new URL(jwksUri ?? GOOGLE_CERTS));
  } catch (err) {
    config.fail(`invalid ${jwks ? '"jwks"' : '"jwksUri"'}: ${(err as Error).message}`);
  }
  return {
    async authenticate(request) {
      if (request.credentials === undefined) return rejected('Credentials not provided.');
      try {
        const { payload } = await jwtVerify(request.credentials, keys, {
          audience: clientId, issuer: GOOGLE_ISSUERS, algorithms: ['RS256'], clockTolerance: 300,
        });
        const principal: Record<string, string> = {};
        if (typeof payload.sub === 'string') principal.subject = payload.sub;
        for (const name of ['email', 'name', 'locale']) if (typeof payload[name] === 'string') principal[name] = payload[name] as string;
        return authenticated(principal);
      } catch (err) {
        if (isTokenError(err)) return rejected('Invalid credentials.');
        throw err;
      }
    },
  };
};
