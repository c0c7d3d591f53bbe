/**
 * Who is calling, as an auth middleware established it; it is what `req.user` holds. It never
 * carries the credential itself (no key, no token), so it is safe to log and to hand to agents.
 */
export interface Principal {
  /** Stable id: the key's configured id (or `key:<hash prefix>`), or the JWT `sub`. */
  readonly id: string;
  readonly method: 'api-key' | 'jwt' | (string & {});
  readonly name?: string;
  readonly scopes: readonly string[];
  /** JWT claims, for `jwt`. */
  readonly claims?: Readonly<Record<string, unknown>>;
}
