import { randomBytes } from 'node:crypto';

const prefix = `req_${randomBytes(8).toString('hex')}`;
let count = 0;

/**
 * A fresh `x-request-id`: `req_` and 32 hex digits — this process's random half, then a counter
 * (unique per process and cheap: no random draw per request). The SDKs expose it as `requestID`.
 */
export function requestId(): string {
  count = (count + 1) % 0x20000000000000;
  return prefix + count.toString(16).padStart(16, '0');
}

/**
 * The `x-request-id` of a response: the request's own id when the app gave it one (`req.id`, as
 * pino-http sets it — so the header matches the log lines), else a fresh one.
 */
export function requestIdOf(res: { req?: unknown }): string {
  const id = (res.req as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : requestId();
}

/** The headers of a stream that has started a run: its request id, and no retry by the SDKs (the agent may have side effects). */
export function streamHeaders(res: { req?: unknown }): { 'x-request-id': string; 'x-should-retry': 'false' } {
  return { 'x-request-id': requestIdOf(res), 'x-should-retry': 'false' };
}
