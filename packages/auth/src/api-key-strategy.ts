import { createHash } from 'node:crypto';
import type { Principal } from './principal';
import { BearerStrategy } from './bearer-strategy';

/** A key and who it stands for; `id` defaults to `key:<first 12 hex of its SHA-256>`. */
export interface ApiKey {
  key: string;
  id?: string;
  name?: string;
  scopes?: string[];
}

export type ApiKeyVerify = (key: string) => Principal | undefined | Promise<Principal | undefined>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Static API keys (or a `verify` function of the host app's, for keys in a database). Keys are
 * kept and looked up by their SHA-256, so the lookup time says nothing about a key's bytes.
 */
export class ApiKeyStrategy extends BearerStrategy {
  readonly name = 'agentway-api-key';
  private readonly lookup: ApiKeyVerify;

  constructor(keys: readonly (string | ApiKey)[] | ApiKeyVerify, queryParam: string | false = 'access_token') {
    super(queryParam);
    if (typeof keys === 'function') {
      this.lookup = keys;
      return;
    }
    const byHash = new Map<string, Principal>();
    for (const entry of keys) {
      const { key, id, name, scopes } = typeof entry === 'string' ? { key: entry } as ApiKey : entry;
      const hash = sha256(key);
      byHash.set(hash, Object.freeze({ id: id ?? `key:${hash.slice(0, 12)}`, method: 'api-key', scopes: Object.freeze([...(scopes ?? [])]), ...(name && { name }) }));
    }
    this.lookup = (key) => byHash.get(sha256(key));
  }

  protected async verify(token: string): Promise<Principal | undefined> {
    return this.lookup(token);
  }
}
