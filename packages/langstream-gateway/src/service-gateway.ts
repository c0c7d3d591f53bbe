import { BrokerError, request } from '@agentway/broker';
import type { Request, Response } from 'express';
import type { GatewayCore } from './gateway-core';
import { HttpBody } from './http-body';
import { recordHeaders } from './headers';
import { clientGone, validateHttp } from './http-request';
import { RequestError } from './langstream-error';
import { statusText } from './problem-detail';
import { Producer } from './producer';
import { runAgent } from './service-agent';
import { proxyToAgent } from './service-proxy';

/** The header correlating a service request with its answer (LangStream's). */
export const SERVICE_REQUEST_ID_HEADER = 'langstream-service-request-id';

/**
 * A service gateway call. Topics mode: the body is produced to `input-topic` with a fresh
 * `langstream-service-request-id` (after subscribing to `output-topic`), and the first record
 * there carrying the same id is the answer, as a push message; no answer within `serviceTimeout`
 * → 504 (LangStream waits for its servlet timeout, then 408). Agent mode: see `proxyToAgent` and
 * `runAgent`.
 */
export async function serveService(core: GatewayCore, req: Request, res: Response): Promise<void> {
  const signal = clientGone(res);
  const { context, principal } = await validateHttp(core, req, 'service', signal);
  const options = context.gateway.serviceOptions!;
  if (options.agentId !== undefined) {
    const url = Object.hasOwn(context.app.agents, options.agentId) ? context.app.agents[options.agentId] : undefined;
    if (url !== undefined) return proxyToAgent(core, url, req, res, signal);
    return runAgent(core, context, principal, req, res, signal);
  }
  if (req.method !== 'POST') throw new RequestError('invalid', statusText(400, 'Only POST method is supported'));
  const { app, parameters } = context;
  const producer = new Producer(core.broker, app.topic(options.inputTopic!), recordHeaders(options.headers, parameters, principal));
  const message = producer.message(HttpBody.produceRequest(req.headers['content-type'], await core.body.read(req, res)));
  try {
    const reply = await request(core.broker, producer.topic, message, {
      timeout: core.serviceTimeout, replyTopic: app.topic(options.outputTopic!), correlationHeader: SERVICE_REQUEST_ID_HEADER, signal,
    });
    res.status(200).type('application/json').send(core.frames.json(reply));
  } catch (err) {
    if (err instanceof BrokerError && err.code === 'ERR_BROKER_REQUEST_TIMEOUT') {
      if (signal.aborted) return; // the client left: nobody to answer
      throw new RequestError('timeout', 'Request timed out', { cause: err });
    }
    throw err;
  }
}
