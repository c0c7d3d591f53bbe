import type { Request, RequestHandler, Response } from 'express';
import { loggerOf, loggerOption, silentLogger, type Logger } from '@agentway/observability';
import { checkOptions, satisfies } from '@agentway/options';
import { DeliveryClaims } from './delivery-claims';
import { reportDelivery, reportRefusal } from './delivery-report';
import { createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency-store';
import { DUPLICATE, sendJsonAnswer } from './json-answer';
import { answerError, answerHandshake, receiveDelivery } from './receive-delivery';
import { resolveSource, sourceSchema, type SourceConfig, type WebhookSourceOptions } from './source-config';
import type { WebhookEvent } from './webhook-event';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The exact bytes of the body, kept by `webhookVerify()` or by the host app's body parser. */
      rawBody?: Buffer;
      /** The verified delivery (`webhookVerify()`). */
      webhook?: WebhookEvent;
    }
  }
}

/** `webhookVerify()` options: one source, and where its delivery ids are claimed. */
export interface WebhookVerifyOptions extends WebhookSourceOptions {
  /** Where delivery ids are claimed: a Broker, any `{ claim(key, ttl) }`, or false for none. Default: an in-process store. */
  idempotency?: IdempotencyStore | false;
  /** Where refused deliveries (warn) and failures (error) are reported (pino-compatible; `req.log` first). Default: silent. */
  logger?: Logger;
}

/** Accepts `false`, a Broker or any object with `claim(key, ttl)`. */
export const idempotencyCheck = satisfies<IdempotencyStore | false>('false, a Broker, or an object with claim(key, ttl)',
  (v) => v === false || (typeof v === 'object' && v !== null && typeof (v as IdempotencyStore).claim === 'function'));

/**
 * Express middleware that verifies a signed webhook on its raw bytes and hands it on: `req.webhook`
 * (the verified event), `req.body` (its payload) and `req.rawBody`. A duplicate delivery is answered
 * 200 without calling the next handler; a claim is given back when the answer is a 5xx.
 *
 * ```ts
 * app.post('/hooks/stripe', webhookVerify({ scheme: 'stripe', secret: process.env.STRIPE_WEBHOOK_SECRET }), (req, res) => {
 *   if (req.webhook!.type === 'invoice.paid') markPaid(req.body.data.object);
 *   res.json({ received: true });
 * });
 * ```
 */
export function webhookVerify(options: Readonly<WebhookVerifyOptions>): RequestHandler {
  const { idempotency, logger = silentLogger, ...sourceOptions } = checkOptions('webhooks', options, { ...sourceSchema, idempotency: idempotencyCheck, logger: loggerOption });
  const source = resolveSource(sourceOptions, '');
  const claims = idempotency === false ? undefined : new DeliveryClaims(idempotency ?? createMemoryIdempotencyStore());
  return function webhookVerifyMiddleware(req, res, next) {
    verifyRequest(source, claims, req, res).then((outcome) => {
      reportDelivery(source, outcome, 200);
      if (outcome === 'accepted') next();
    }, (err) => {
      reportRefusal(source, err, loggerOf(req, logger));
      answerError(err, source, res, next);
    });
  };
}

/** `accepted`: verified and handed on (the app answers it). */
async function verifyRequest(source: SourceConfig, claims: DeliveryClaims | undefined, req: Request, res: Response): Promise<'accepted' | 'duplicate' | 'handshake'> {
  const receipt = await receiveDelivery(source, req, true);
  if (receipt.event === undefined) {
    answerHandshake(res, receipt.handshake);
    return 'handshake';
  }
  const event = receipt.event;
  if (claims !== undefined && event.id !== null) {
    const key = DeliveryClaims.key(event);
    if (!(await claims.claim(key, source.dedupeTtl))) {
      sendJsonAnswer(res, DUPLICATE);
      return 'duplicate';
    }
    res.on('close', () => { // 'close' comes once: no once() wrapper
      if (!res.writableFinished || res.statusCode >= 500) void claims.release(key, source.dedupeTtl).catch(() => undefined);
    });
  }
  req.webhook = event;
  req.body = event.payload;
  return 'accepted';
}
