export { webhookVerify } from './webhook-verify';
export type { WebhookVerifyOptions } from './webhook-verify';
export { WebhookRouter } from './webhook-router';
export type { WebhookRouterOptions, WebhookRouterSource, WebhookErrorListener } from './router-options';
export { webhookVerifier } from './webhook-verifier';
export type { WebhookVerifierFunction } from './webhook-verifier';
export type { WebhookSourceOptions } from './source-config';
export type { WebhookEvent } from './webhook-event';
export type { WebhookHandler, WebhookHandlerContext } from './handler-registry';
export type { RetryOptions } from './retry-policy';
export { createMemoryIdempotencyStore } from './idempotency-store';
export type { IdempotencyStore } from './idempotency-store';
export { SCHEME_NAMES } from './scheme';
export type { SchemeName } from './scheme';
export type { SignatureEncoding } from './signature-match';
export type { WebhookHeaders } from './header-value';
export { WebhooksError } from './webhooks-error';
export type { WebhooksErrorCode } from './webhooks-error';
export {
  ATTEMPTS_HEADER, DONE_HEADER, ERROR_HEADER, FAILED_HEADER, HANDLED_HEADER, ID_HEADER, NAME_HEADER, SOURCE_HEADER,
} from './delivery-record';
