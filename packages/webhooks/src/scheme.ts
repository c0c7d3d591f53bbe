import type { WebhookHeaders } from './header-value';
import type { ParsedBody } from './parse-body';
import { WebhooksError } from './webhooks-error';

/** The signature schemes `webhookVerify()` checks. */
export const SCHEME_NAMES = ['stripe', 'slack', 'github', 'standard-webhooks', 'hmac-sha256'] as const;
/** One of `SCHEME_NAMES`. */
export type SchemeName = (typeof SCHEME_NAMES)[number];

/** What a scheme reads from a verified delivery. */
export interface Identified {
  /** The provider's own event type (`payment_intent.succeeded`, `issues.opened`, `app_mention`). */
  readonly type: string;
  /** The delivery id de-duplication keys on, or null when the provider sends none. */
  readonly id: string | null;
  /** What handlers receive: the JSON body (Slack forms: their fields, or the JSON of `payload`). */
  readonly payload: unknown;
}

/** One signature scheme, built once per source with its decoded keys. */
export interface Scheme {
  readonly name: SchemeName;
  /**
   * Checks the signature over the raw bytes and returns the signed Unix time (seconds), or null
   * when the scheme signs none. Throws a 401 `WebhooksError` when it does not hold.
   */
  verify(raw: Buffer, headers: WebhookHeaders): number | null;
  /** Event type, delivery id and payload of a verified delivery; throws a 400 when they are missing. */
  identify(body: ParsedBody, headers: WebhookHeaders): Identified;
}

/** 401: a signature (or a header it needs) is absent. */
export function missingSignature(what: string): WebhooksError {
  return new WebhooksError('ERR_WEBHOOKS_MISSING_SIGNATURE', 401, `the delivery has no ${what}`);
}

/** 401: the signature is malformed or matches no secret. */
export function invalidSignature(why = 'no signature matches the body'): WebhooksError {
  return new WebhooksError('ERR_WEBHOOKS_INVALID_SIGNATURE', 401, `the signature does not verify: ${why}`);
}

/** 400: a verified body that cannot be read. */
export function malformedBody(why: string): WebhooksError {
  return new WebhooksError('ERR_WEBHOOKS_MALFORMED_BODY', 400, why);
}

/** 400: a verified delivery without a header it needs (X-GitHub-Event, say). */
export function missingHeader(name: string): WebhooksError {
  return new WebhooksError('ERR_WEBHOOKS_MISSING_HEADER', 400, `the delivery has no ${name} header`);
}

const MAX_ID_LENGTH = 256;

/** A delivery id as a de-duplication key: a non-empty string of at most 256 characters. */
export function deliveryId(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw malformedBody(`the delivery id (${where}) must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  return value;
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON body as an object, or a 400 when the scheme needs one and got a form or something else. */
export function jsonObject(body: ParsedBody, scheme: string): Record<string, unknown> {
  if (body.form || !isObject(body.value)) throw malformedBody(`a ${scheme} delivery must be a JSON object`);
  return body.value;
}

/** Comma-separated signature entries (a repeated header arrives joined with `, `). */
export function splitEntries(header: string): string[] {
  return header.split(',').map((entry) => entry.trim());
}
