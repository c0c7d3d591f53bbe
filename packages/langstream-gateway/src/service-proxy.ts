import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Request, Response } from 'express';
import type { GatewayCore } from './gateway-core';
import { RequestError } from './langstream-error';
import { rawQuery } from './query-string';
import { pathOf } from './ws-route';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect', 'host']);
const SECRET_PARAMS = new Set(['credentials', 'test-credentials']);

/**
 * A service gateway whose `agent-id` has a URL: the call is forwarded there as LangStream does —
 * same method, the path after `/api/gateways/service/<t>/<a>/<g>` (or `/`), the query string, the
 * headers and the body streamed — and the agent's status, headers and body come back. Unlike
 * LangStream, `credentials` and `test-credentials` are removed from the forwarded query. No
 * answer within `serviceTimeout` → 504; the agent unreachable → 502.
 */
export function proxyToAgent(core: GatewayCore, base: string, req: Request, res: Response, signal: AbortSignal): Promise<void> {
  const target = new URL(base);
  const tail = pathOf(req.url);
  const query = rawQuery(req.url).split('&').filter((part) => {
    if (part === '') return false;
    const name = part.split('=')[0]!;
    try {
      return !SECRET_PARAMS.has(decodeURIComponent(name.replace(/\+/g, ' ')));
    } catch {
      return true;
    }
  }).join('&');
  const path = `${target.pathname.replace(/\/$/, '')}${tail === '' ? '/' : tail}${query ? `?${query}` : ''}`;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  const consumed = req.readableEnded;
  const body = consumed ? bodyOf((req as { body?: unknown }).body) : undefined;
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise<void>((resolve, reject) => {
    const upstream = (target.protocol === 'https:' ? httpsRequest : httpRequest)({
      protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path, headers, signal,
    });
    const timer = setTimeout(() => {
      upstream.destroy();
      reject(new RequestError('timeout', 'Request timed out'));
    }, core.serviceTimeout);
    upstream.on('response', (answer: IncomingMessage) => {
      clearTimeout(timer);
      res.status(answer.statusCode ?? 502);
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) res.setHeader(name, Array.isArray(value) && name !== 'set-cookie' ? value[0]! : value);
      }
      answer.pipe(res);
      answer.on('end', resolve);
      answer.on('error', reject);
    });
    upstream.on('error', (err) => {
      clearTimeout(timer);
      if (signal.aborted) return resolve();
      reject(res.headersSent ? err : new RequestError('unavailable', `agent ${base} did not answer: ${err.message}`, { cause: err }));
    });
    if (body !== undefined) upstream.end(body);
    else req.pipe(upstream);
  });
}

function bodyOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(body));
}
