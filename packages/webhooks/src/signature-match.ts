import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `prefix + body + suffix` (the signed bytes of every scheme) under one key. */
export function hmacSha256(key: Buffer, prefix: string, body: Buffer, suffix: string): Buffer {
  const hmac = createHmac('sha256', key);
  if (prefix !== '') hmac.update(prefix);
  hmac.update(body);
  if (suffix !== '') hmac.update(suffix);
  return hmac.digest();
}

/**
 * True when any candidate signature equals the HMAC of the signed bytes under any key (rotation:
 * several secrets; several signatures in one header). Every pair is compared in constant time, and
 * every pair is compared (no early exit), so the timing says nothing about which one matched.
 */
export function signatureMatches(keys: readonly Buffer[], prefix: string, body: Buffer, suffix: string, candidates: readonly Buffer[]): boolean {
  let matched = false;
  for (const key of keys) {
    const expected = hmacSha256(key, prefix, body, suffix);
    for (const candidate of candidates) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  return matched;
}

const HEX = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const BASE64URL = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]=?$/;

/**
 * Signature encodings. The patterns are strict and canonical: lower-case hex as every provider sends
 * it (`Buffer.from(s, 'hex')` would silently stop at a bad character), and base64 whose last
 * character carries no stray bits, so that each signature has exactly one accepted spelling.
 */
export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

/** A 32-byte signature decoded from its text, or `undefined` when the text is not exactly one. */
export function decodeSignature(text: string, encoding: SignatureEncoding): Buffer | undefined {
  if (encoding === 'hex') return HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
  if (encoding === 'base64') return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  return BASE64URL.test(text) ? Buffer.from(text, 'base64url') : undefined;
}
