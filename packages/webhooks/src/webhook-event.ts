import type { SchemeName } from './scheme';

/**
 * A verified delivery: what `webhookVerify()` puts on `req.webhook`, what is published on the
 * source's topic, and what handlers receive.
 */
export interface WebhookEvent<P = any> {
  /** The source's name (`stripe`, or the name given to it). */
  readonly source: string;
  readonly scheme: SchemeName;
  /** The delivery id (`evt_…`, `X-GitHub-Delivery`, `webhook-id`, Slack `event_id`), or null when there is none. */
  readonly id: string | null;
  /** The provider's event type: `payment_intent.succeeded`, `issues.opened`, `app_mention`. */
  readonly type: string;
  /** `<source>.<type>`: what handlers subscribe to (`stripe.payment_intent.succeeded`). */
  readonly name: string;
  /** The parsed body (Slack forms: their fields, or the JSON of `payload`; GitHub forms: the JSON of `payload`). */
  readonly payload: P;
  /** The signed Unix time in seconds, or null when the scheme signs none. */
  readonly timestamp: number | null;
  /** When this instance verified it (ms since the epoch). */
  readonly receivedAt: number;
}
