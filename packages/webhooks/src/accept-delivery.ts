import type { Request, Response } from 'express';
import type { Broker } from '@agentway/broker';
import { ATTEMPTS_HEADER, DONE_HEADER, ERROR_HEADER, HANDLED_HEADER, errorText, recordHeaders } from './delivery-record';
import { DeliveryClaims } from './delivery-claims';
import type { DeliveryOutcome } from './delivery-report';
import type { HandlerRegistry } from './handler-registry';
import { DUPLICATE, RECEIVED, sendJsonAnswer } from './json-answer';
import { answerHandshake, receiveDelivery } from './receive-delivery';
import type { ResolvedSource, RouterConfig } from './router-options';
import { handlerFailed, runHandlers } from './run-handlers';
import type { WebhookEvent } from './webhook-event';
import { WebhooksError } from './webhooks-error';

/** What the router's routes share. */
export interface AcceptContext {
  readonly config: RouterConfig;
  readonly broker: Broker;
  readonly claims: DeliveryClaims | undefined;
  readonly registry: HandlerRegistry;
  readonly signal: AbortSignal;
}


/**
 * One delivery to a router's route: verify it, claim its id (a duplicate is answered 200 and goes
 * no further), in synchronous mode run the handlers, publish it on the source's topic, answer 200.
 * Publishing comes before the answer, so a delivery acknowledged is a delivery stored; if it cannot
 * be stored the answer is 503 and the claim is given back, so the provider's retry gets through.
 */
export async function acceptDelivery(context: AcceptContext, source: ResolvedSource, req: Request, res: Response): Promise<DeliveryOutcome> {
  const receipt = await receiveDelivery(source, req, false);
  if (receipt.event === undefined) {
    answerHandshake(res, receipt.handshake);
    return 'handshake';
  }
  const event = receipt.event;
  const { claims, config } = context;
  const key = claims !== undefined && event.id !== null ? DeliveryClaims.key(event) : undefined;
  if (key !== undefined && !(await claims!.claim(key, source.dedupeTtl))) {
    sendJsonAnswer(res, DUPLICATE);
    return 'duplicate';
  }
  let state: Record<string, string> | undefined;
  let reply: unknown;
  if (config.mode === 'sync') {
    const outcome = await runSync(context, event);
    state = outcome.state;
    reply = outcome.reply;
  }
  try {
    await context.broker.publish(source.topic, { key: event.id, value: event, headers: recordHeaders(event, state) });
  } catch (err) {
    const failed = new WebhooksError('ERR_WEBHOOKS_PUBLISH_FAILED', 503, `delivery ${event.id ?? '(no id)'} (${event.name}) could not be published on "${source.topic}"; retry later`,
      { cause: err, deliveryId: event.id, expose: true });
    config.onError(failed, event);
    // Handled already (synchronous mode, every handler succeeded): only the record is missing.
    if (state?.[HANDLED_HEADER] !== '1') {
      if (key !== undefined) await claims!.release(key, source.dedupeTtl).catch(() => undefined);
      throw failed;
    }
  }
  if (reply === undefined) sendJsonAnswer(res, RECEIVED);
  else res.status(200).json(reply);
  return 'accepted';
}

/** Synchronous mode: the first try of every handler, before the answer; what failed is left to the consumers. */
async function runSync(context: AcceptContext, event: WebhookEvent): Promise<{ state: Record<string, string>; reply: unknown }> {
  const entries = context.registry.match(event);
  const { failures, reply } = await runHandlers(entries, event, 1, context.signal);
  if (failures.length === 0) return { state: { [HANDLED_HEADER]: '1' }, reply };
  for (const failure of failures) context.config.onError(handlerFailed(failure, event, 1, context.config.retry.attempts), event);
  const failed = new Set(failures.map((f) => f.entry));
  const done = entries.filter((e) => !failed.has(e)).map((e) => e.index).join(',');
  return { state: { [ATTEMPTS_HEADER]: '1', [DONE_HEADER]: done, [ERROR_HEADER]: errorText(failures[0]!.error) }, reply: undefined };
}
