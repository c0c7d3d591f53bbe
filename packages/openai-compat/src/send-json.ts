import type { Response } from 'express';
import { requestIdOf } from './request-id';

/**
 * A 200 JSON body with its `x-request-id` (and `x-should-retry: false` for a run's answer), in one
 * `writeHead` and without `res.json()`'s ETag (a hash of every answer, pointless for a POST).
 */
export function sendJson(res: Response, value: unknown, runStarted = false): void {
  const body = JSON.stringify(value);
  res.writeHead(200, runStarted
    ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'x-request-id': requestIdOf(res), 'x-should-retry': 'false' }
    : { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'x-request-id': requestIdOf(res) });
  res.end(body);
}
