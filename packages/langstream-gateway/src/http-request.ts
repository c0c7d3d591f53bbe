import type { Request, Response } from 'express';
import { authenticate } from './authenticate';
import type { GatewayCore } from './gateway-core';
import { parseQueryString, rawQuery } from './query-string';
import { validateRequest, type RequestContext } from './validate-request';

/** Steps 1–11 of the pipeline for an HTTP call: the validated request and its principal. */
export async function validateHttp(core: GatewayCore, req: Request, type: 'produce' | 'service', signal: AbortSignal)
  : Promise<{ context: RequestContext; principal: Readonly<Record<string, string>> }> {
  const { tenant, application, gateway } = req.params as Record<string, string>;
  const context = validateRequest(core.apps, {
    tenant: tenant!, application: application!, gatewayId: gateway!, type, query: parseQueryString(rawQuery(req.originalUrl), 'first'),
  });
  const principal = await authenticate(context, context.app.providers.get(context.gateway), core.apps.testProvider, signal);
  return { context, principal };
}

/** An AbortSignal that aborts when the client goes away before the answer is sent. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}
