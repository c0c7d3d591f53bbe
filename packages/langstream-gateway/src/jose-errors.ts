/** True for jose errors that mean "this token is not valid" (as opposed to "the keys could not be fetched"). */
export function isTokenError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string'
    && /^ERR_(JWT|JWS)_|^ERR_JWKS_(NO|MULTIPLE)_MATCHING_KEYS?$|^ERR_JOSE_(ALG_NOT_ALLOWED|NOT_SUPPORTED)$/.test(code);
}
