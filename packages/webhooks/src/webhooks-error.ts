/** Every code a `WebhooksError` carries (the option codes come from `@agentway/options`). */
export type WebhooksErrorCode =
  | 'ERR_WEBHOOKS_MISSING_SIGNATURE'
  | 'ERR_WEBHOOKS_INVALID_SIGNATURE'
  | 'ERR_WEBHOOKS_STALE_TIMESTAMP'
  | 'ERR_WEBHOOKS_FUTURE_TIMESTAMP'
  | 'ERR_WEBHOOKS_MALFORMED_BODY'
  | 'ERR_WEBHOOKS_MISSING_HEADER'
  | 'ERR_WEBHOOKS_BODY_TOO_LARGE'
  | 'ERR_WEBHOOKS_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_WEBHOOKS_UNSUPPORTED_ENCODING'
  | 'ERR_WEBHOOKS_REQUEST_ABORTED'
  | 'ERR_WEBHOOKS_BODY_ALREADY_PARSED'
  | 'ERR_WEBHOOKS_PUBLISH_FAILED'
  | 'ERR_WEBHOOKS_STORE_FAILED'
  | 'ERR_WEBHOOKS_HANDLER_FAILED'
  | 'ERR_WEBHOOKS_DEAD_LETTERED'
  | 'ERR_WEBHOOKS_RECORDS_TRIMMED'
  | 'ERR_WEBHOOKS_CONSUMER_FAILED'
  | 'ERR_WEBHOOKS_INVALID_RECORD'
  | 'ERR_WEBHOOKS_INVALID_EVENT_PATTERN'
  | 'ERR_WEBHOOKS_CLOSED'
  | 'ERR_WEBHOOKS_SHUTTING_DOWN';

/**
 * An error of `@agentway/webhooks`: a stable `code`, the HTTP `status` it is answered with, and
 * `expose` (true: answered as `{ error: { code, message } }`; false: a configuration or internal
 * error passed to `next(err)`).
 * Messages never contain a secret or an expected signature.
 */
export class WebhooksError extends Error {
  readonly code: WebhooksErrorCode;
  readonly status: number;
  readonly statusCode: number;
  readonly expose: boolean;
  /** The delivery the error is about, when known (handler failures, dead letters). */
  readonly deliveryId: string | null;

  constructor(code: WebhooksErrorCode, status: number, message: string,
    options: { cause?: unknown; deliveryId?: string | null; expose?: boolean } = {}) {
    super(`[@agentway/webhooks] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WebhooksError';
    this.code = code;
    this.status = status;
    this.statusCode = status;
    this.expose = options.expose ?? status < 500;
    this.deliveryId = options.deliveryId ?? null;
  }
}
