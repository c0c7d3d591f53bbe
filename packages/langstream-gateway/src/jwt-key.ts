import { existsSync, readFileSync } from 'node:fs';
import { importSPKI, type CryptoKey } from 'jose';
import type { AuthConfig } from './auth-config';

/** The algorithms `publicAlg` may name. */
export const PUBLIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

/** The verification key of the `jwt` provider: HMAC bytes, or an SPKI public key for `publicAlg`. */
export function jwtKey(config: AuthConfig, secretKey: string | undefined, publicKey: string | undefined, publicAlg: string)
  : Promise<{ key: Uint8Array | CryptoKey; algorithms: string[] }> {
  if (secretKey) return Promise.resolve({ key: readKey(config, secretKey), algorithms: ['HS256', 'HS384', 'HS512'] });
  const bytes = readKey(config, publicKey!);
  const text = Buffer.from(bytes).toString('latin1');
  const pem = text.includes('-----BEGIN')
    ? text
    : `-----BEGIN PUBLIC KEY-----\n${Buffer.from(bytes).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----`;
  const key = importSPKI(pem, publicAlg).then((k) => ({ key: k, algorithms: [publicAlg] }));
  key.catch(() => undefined); // reported to each request that needs it
  return key;
}

/** LangStream's `readKeyFromUrl`: a `data:` or `file:` URL, a file path, or base64 text. */
function readKey(config: AuthConfig, source: string): Uint8Array {
  try {
    if (source.startsWith('data:')) {
      const comma = source.indexOf(',');
      const meta = source.slice(5, comma);
      const data = decodeURIComponent(source.slice(comma + 1));
      return meta.endsWith(';base64') ? Buffer.from(data, 'base64') : Buffer.from(data, 'utf8');
    }
    if (source.startsWith('file:')) return readFileSync(new URL(source));
    if (existsSync(source)) return readFileSync(source);
  } catch (err) {
    config.fail(`cannot read the key ${source.slice(0, 40)}: ${(err as Error).message}`);
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(source)) return Buffer.from(source, 'base64');
  return config.fail(`Secret/Public Key file ${source} doesn't exist`);
}
