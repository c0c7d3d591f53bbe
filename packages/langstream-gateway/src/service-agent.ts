import type { PrincipalLike } from '@agentway/agents';
import type { Request, Response } from 'express';
import type { GatewayCore } from './gateway-core';
import { HttpBody } from './http-body';
import { RequestError } from './langstream-error';
import { statusText } from './problem-detail';
import type { RequestContext } from './validate-request';

/**
 * A service gateway whose `agent-id` names an agent of the runtime: `POST` only; the produce
 * request's value (text, or JSON as text) is the user message; the answer is a push message whose
 * value is the run's output (`offset` null). A run that fails is a 500 with its error; one still
 * going after `serviceTimeout` is cancelled and answered 504. The agent sees the principal's
 * fields, never the credentials.
 */
export async function runAgent(core: GatewayCore, context: RequestContext, principal: Readonly<Record<string, string>>,
  req: Request, res: Response, signal: AbortSignal): Promise<void> {
  const runtime = core.runtime!;
  if (req.method !== 'POST') throw new RequestError('invalid', statusText(400, 'Only POST method is supported'));
  const produce = HttpBody.produceRequest(req.headers['content-type'], await core.body.read(req, res));
  if ((produce.value === undefined || produce.value === null) && (produce.key === undefined || produce.key === null)) {
    throw new RequestError('invalid', 'Either key or value must be set.');
  }
  const content = typeof produce.value === 'string' ? produce.value : JSON.stringify(produce.value ?? null);
  const run = await runtime.start({
    agent: context.gateway.serviceOptions!.agentId!,
    input: { messages: [{ role: 'user', content }] },
    ...(context.gateway.authentication && { principal: principalOf(principal) }),
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(stop, core.serviceTimeout);
  try {
    const result = await runtime.result(run.runId, { signal: controller.signal }).catch((err: unknown) => {
      if (!controller.signal.aborted) throw err;
      return undefined;
    });
    if (result === undefined) {
      await runtime.cancel(run.runId, signal.aborted ? 'the client went away' : 'the service call timed out').catch(() => undefined);
      if (signal.aborted) return;
      throw new RequestError('timeout', 'Request timed out');
    }
    if (result.status === 'failed') throw new RequestError('internal', result.error?.message ?? 'the agent failed');
    const key = produce.key === undefined || produce.key === null ? null : typeof produce.key === 'string' ? produce.key : JSON.stringify(produce.key);
    res.status(200).type('application/json').send(JSON.stringify({ record: { key, value: result.output, headers: {} }, offset: null }));
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

function principalOf(fields: Readonly<Record<string, string>>): PrincipalLike {
  const id = fields.subject ?? fields.sub ?? fields.login ?? fields.id ?? fields.email ?? 'authenticated';
  return Object.freeze({ ...fields, id, method: 'langstream' });
}
