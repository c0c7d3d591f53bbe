import type { Request } from 'express';

/**
 * The bearer credential of a request: `Authorization: Bearer <token>`, or, where allowed, the
 * query parameter (RFC 6750 §2.3) for clients that cannot set headers, such as EventSource.
 */
export function bearerToken(req: Request, queryParam: string | false): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  if (queryParam !== false) {
    // Read the raw query string: the host app may have replaced the query parser.
    const value = new URLSearchParams(req.originalUrl.split('?')[1] ?? '').get(queryParam);
    if (value) return value;
  }
  return undefined;
}
