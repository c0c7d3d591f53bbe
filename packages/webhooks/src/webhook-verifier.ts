import { checkOptions } from '@agentway/options';
import { headerValue, type WebhookHeaders } from './header-value';
import { parseBody } from './parse-body';
import { tooLarge } from './read-raw-body';
import { resolveSource, sourceSchema, type SourceConfig, type WebhookSourceOptions } from './source-config';
import { checkTimestamp } from './timestamp-window';
import type { WebhookEvent } from './webhook-event';

/**
 * Verifies one delivery against a source: the signature over the raw bytes, the timestamp window,
 * then the body and its event type and id. Throws a `WebhooksError` (401, 400 or 415).
 */
export function verifyDelivery(source: SourceConfig, raw: Buffer, headers: WebhookHeaders, now: number): WebhookEvent {
  const timestamp = source.scheme.verify(raw, headers);
  if (timestamp !== null && source.tolerance !== null) checkTimestamp(timestamp, now, source.tolerance);
  const { type, id, payload } = source.scheme.identify(parseBody(raw, headerValue(headers, 'content-type')), headers);
  return { source: source.name, scheme: source.scheme.name, id, type, name: `${source.name}.${type}`, payload, timestamp, receivedAt: now };
}

/** Verifies a delivery outside Express: raw bytes, the request's headers, and the time to check against (default now). */
export type WebhookVerifierFunction = (body: Buffer | string, headers: WebhookHeaders, now?: number) => WebhookEvent;

/**
 * The verification of `webhookVerify()` without Express or de-duplication (a serverless function,
 * a queue consumer): returns the verified event or throws a `WebhooksError`.
 *
 * ```ts
 * const verify = webhookVerifier({ scheme: 'stripe', secret: process.env.STRIPE_WEBHOOK_SECRET });
 * const event = verify(rawBody, request.headers);
 * ```
 */
export function webhookVerifier(options: Readonly<WebhookSourceOptions>): WebhookVerifierFunction {
  const source = resolveSource(checkOptions('webhooks', options, sourceSchema), '');
  return function verifyWebhook(body, headers, now = Date.now()) {
    const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (raw.length > source.limit) throw tooLarge(source.limit);
    return verifyDelivery(source, raw, headers, now);
  };
}
