import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { AuthConfig } from './auth-config';
import { authenticated, principalFields, rejected, type AuthProviderFactory } from './auth-provider';
import { isTokenError } from './jose-errors';
import { jwtKey, PUBLIC_ALGORITHMS } from './jwt-key';

/**
 * LangStream's `jwt` provider: a JWT signed with `secretKey` (HS*), `publicKey` (`publicAlg`,
 * default RS256) or a JWKS named by the token's `jwks_uri` claim on a host matching
 * `jwksHostsAllowlist`; optional audience check (`audienceClaim` + `audience`); the `authClaim`
 * (default `sub`) must be one of `adminRoles` when they are given. Keys are base64, `data:` URLs,
 * `file:` URLs or paths, as in LangStream. Unlike LangStream (which returns none, and rejects every
 * token when `adminRoles` is absent), the token's scalar claims become the principal's fields.
 */
export const jwtAuthProvider: AuthProviderFactory = (configuration) => {
  const config = new AuthConfig('jwt', configuration);
  const secretKey = config.string('secretKey');
  const publicKey = config.string('publicKey');
  const authClaim = config.string('authClaim') || 'sub';
  const publicAlg = config.string('publicAlg') || 'RS256';
  const audienceClaim = config.string('audienceClaim') || undefined;
  const audience = config.string('audience') || undefined;
  const adminRoles = config.strings('adminRoles');
  const allowlist = config.string('jwksHostsAllowlist');
  config.done();
  if (!PUBLIC_ALGORITHMS.includes(publicAlg)) config.fail(`invalid algorithm provided ${publicAlg}`);
  if (audienceClaim !== undefined && audience === undefined) {
    config.fail(`Token Audience Claim [${audienceClaim}] configured, but Audience stands for this broker not.`);
  }
  if (!secretKey && !publicKey && !allowlist) config.fail('one of "secretKey", "publicKey" or "jwksHostsAllowlist" is required');
  const fallback = secretKey || publicKey ? jwtKey(config, secretKey, publicKey, publicAlg) : undefined;
  const hosts = allowlist ? new RegExp(`^(?:${allowlist})$`) : undefined;
  const remote = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  async function verify(token: string): Promise<JWTPayload> {
    let jwksUri: unknown;
    try {
      jwksUri = decodeJwt(token).jwks_uri;
    } catch {
      jwksUri = undefined; // jwtVerify below says what is wrong with it
    }
    if (typeof jwksUri === 'string') {
      const url = new URL(jwksUri);
      if (!hosts?.test(url.hostname)) throw Object.assign(new Error(`Untrusted hostname: '${url.hostname}'`), { code: 'ERR_JWT_UNTRUSTED' });
      let keys = remote.get(jwksUri);
      if (!keys) remote.set(jwksUri, (keys = createRemoteJWKSet(url)));
      return (await jwtVerify(token, keys, { algorithms: [publicAlg] })).payload;
    }
    if (!fallback) throw Object.assign(new Error('no key to verify it with (it has no jwks_uri claim)'), { code: 'ERR_JWT_NO_KEY' });
    const key = await fallback;
    return (await jwtVerify(token, key.key, { algorithms: key.algorithms })).payload;
  }

  return {
    async authenticate(request) {
      let claims: JWTPayload;
      try {
        claims = await verify(request.credentials ?? '');
      } catch (err) {
        if (isTokenError(err)) return rejected(`Failed to authentication token: ${(err as Error).message}`);
        throw err;
      }
      if (audienceClaim !== undefined) {
        const found = claims[audienceClaim];
        if (found === undefined || found === null) {
          return rejected(`Failed to authentication token: Found null Audience in token, for claimed field: ${audienceClaim}`);
        }
        const list = Array.isArray(found) ? found.map(String) : typeof found === 'string' ? [found] : undefined;
        if (!list) return rejected(`Audiences in token is not in expected format: ${JSON.stringify(found)}`);
        if (!list.includes(audience!)) return rejected(`Audiences in token: [${list.join(', ')}] not contains this broker: ${audience}`);
      }
      const roleClaim = claims[authClaim];
      const role = typeof roleClaim === 'string' ? roleClaim : Array.isArray(roleClaim) && typeof roleClaim[0] === 'string' ? roleClaim[0] : undefined;
      if (role === undefined) return rejected('Token was valid, however no principal found.');
      if (adminRoles !== undefined && !adminRoles.includes(role)) return rejected('Not an admin.');
      return authenticated(principalFields(claims));
    },
  };
};
