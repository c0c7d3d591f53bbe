import type { Request } from 'express';

/** The A2A wire versions agentway speaks. */
export type ProtocolVersion = '1.0' | '0.3';

/** Every version served by default, preferred first. */
export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = ['1.0', '0.3'];

/** The header (or, per spec §3.6.1, query parameter) naming the version a client speaks. */
export const VERSION_HEADER = 'A2A-Version';

/**
 * `Major.Minor` of a version string ("1.0.1" → "1.0", "1" → "1.0", "0.3.0" → "0.3"); the raw
 * trimmed text when it is not a version. Patch numbers never count in negotiation (spec §3.6).
 */
export function normalizeVersion(version: string): string {
  const match = /^\s*(\d+)(?:\.(\d+))?(?:\.\d+)*\s*$/.exec(version);
  if (!match) return version.trim();
  return `${Number(match[1])}.${Number(match[2] ?? 0)}`;
}

/** True for the versions before 1.0 (the 0.3 wire format). */
export function isLegacyVersion(version: string): boolean {
  return /^0\./.test(normalizeVersion(version));
}

/**
 * The version a request asks for: its `A2A-Version` header, else its `A2A-Version` query
 * parameter, else `0.3` — a missing or empty value means 0.3 (spec §3.6.2).
 */
export function requestedVersion(req: Request): string {
  const header = req.get(VERSION_HEADER);
  if (header !== undefined && header.trim() !== '') return normalizeVersion(header);
  const query = (req.query as Record<string, unknown> | undefined)?.[VERSION_HEADER];
  if (typeof query === 'string' && query.trim() !== '') return normalizeVersion(query);
  return '0.3';
}
