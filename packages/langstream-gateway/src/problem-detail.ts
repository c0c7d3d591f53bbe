import { STATUS_CODES } from 'node:http';
import type { RequestError } from './langstream-error';

/** The HTTP status of a failed request, as LangStream answers it over HTTP and at a WebSocket handshake. */
export function statusOf(error: RequestError, transport: 'http' | 'ws'): number {
  switch (error.kind) {
    case 'invalid': return transport === 'ws' ? 500 : 400;
    case 'auth': return 401;
    case 'timeout': return 504;
    case 'unavailable': return 502;
    default: return 500;
  }
}

/** An RFC 7807 body as Spring's `ProblemDetail.forStatusAndDetail` writes it. */
export function problemDetail(status: number, detail: string, instance: string): string {
  return JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, instance });
}

/**
 * Spring's text for a `ResponseStatusException` (what LangStream's HTTP API puts in `detail` for
 * 401s and bad content types): `401 UNAUTHORIZED "Invalid credentials"`.
 */
export function statusText(status: number, reason: string): string {
  return `${status} ${(STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z]+/g, '_')} "${reason}"`;
}
