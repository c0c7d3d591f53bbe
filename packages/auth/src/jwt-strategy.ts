import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type CryptoKey } from 'jose';
import type { Principal } from './principal';
import { BearerStrategy } from './bearer-strategy';

export interface JwtVerification {
  /** HS* shared secret. */
  secret?: string;
  /** An RS, PS or ES public key, PEM (SPKI). Needs `algorithms`. */
  publicKey?: string;
  /** A JWKS URL (keys chosen by `kid`), fetched and cached by jose. */
  jwksUri?: string;
  algorithms?: string[];
  issuer?: string | string[];
  audience?: string | string[];
  /** Seconds of clock skew tolerated on exp/nbf. Default 5. */
  clockTolerance?: number;
  /** Maps the verified claims to a principal (default: `sub` → id, `scope`/`scp` → scopes). */
  principal?: (claims: JWTPayload) => Principal;
}

type Key = Uint8Array | CryptoKey | JWTVerifyGetKey;

/** JWTs verified with jose: HS256/384/512 with a secret, RS/PS/ES with a PEM key or a JWKS URL. */
export class JwtStrategy extends BearerStrategy {
  readonly name = 'agentway-jwt';
  private key: Promise<Key> | undefined;

  constructor(private readonly options: Readonly<JwtVerification>, queryParam: string | false = 'access_token') {
    super(queryParam);
  }

  private resolveKey(): Promise<Key> {
    const { secret, publicKey, jwksUri, algorithms } = this.options;
    this.key ??= secret !== undefined
      ? Promise.resolve(new TextEncoder().encode(secret))
      : publicKey !== undefined
        ? importSPKI(publicKey, algorithms![0]!)
        : Promise.resolve(createRemoteJWKSet(new URL(jwksUri!)));
    return this.key;
  }

  protected async verify(token: string): Promise<Principal | undefined> {
    const { algorithms, issuer, audience, clockTolerance = 5, principal = defaultPrincipal } = this.options;
    const key = await this.resolveKey();
    try {
      const { payload } = typeof key === 'function'
        ? await jwtVerify(token, key, { algorithms, issuer, audience, clockTolerance })
        : await jwtVerify(token, key, { algorithms, issuer, audience, clockTolerance });
      return principal(payload);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (/^ERR_(JWT|JWS)_|^ERR_JWKS_(NO|MULTIPLE)_MATCHING_KEYS?$|^ERR_JOSE_(ALG_NOT_ALLOWED|NOT_SUPPORTED)$/.test(code)) return undefined;
      throw err; // the JWKS could not be fetched: a server problem, not a bad token
    }
  }
}

function defaultPrincipal(claims: JWTPayload): Principal {
  const scope = claims.scope ?? claims.scp;
  const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : Array.isArray(scope) ? scope.map(String) : [];
  return Object.freeze({
    id: String(claims.sub ?? 'anonymous'),
    method: 'jwt',
    scopes: Object.freeze(scopes),
    claims: Object.freeze({ ...claims }),
    ...(typeof claims.name === 'string' && { name: claims.name }),
  });
}
