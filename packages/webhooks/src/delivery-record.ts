import { SCHEME_NAMES } from './scheme';
import type { WebhookEvent } from './webhook-event';

/** Record header: the delivery's event name (`stripe.invoice.paid`), for consumers that filter. */
export const NAME_HEADER = 'webhook-name';
/** Record header: the source's name. */
export const SOURCE_HEADER = 'webhook-source';
/** Record header: the delivery id, when there is one (also the record's key). */
export const ID_HEADER = 'webhook-id';
/** Synchronous mode: the handlers ran and succeeded before the answer; consumers skip the record. */
export const HANDLED_HEADER = 'agentway-webhook-handled';
/** Tries made so far (synchronous mode's first try, dead letters). */
export const ATTEMPTS_HEADER = 'agentway-webhook-attempts';
/** Indexes of the handlers that already succeeded, comma-separated. */
export const DONE_HEADER = 'agentway-webhook-done';
/** Dead letters and hand-offs: the last failure's message. */
export const ERROR_HEADER = 'agentway-webhook-error';
/** Dead letters: the patterns of the handlers that kept failing, comma-separated. */
export const FAILED_HEADER = 'agentway-webhook-failed';

/** The headers of a delivery's record, plus processing state. */
export function recordHeaders(event: WebhookEvent, state?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { [NAME_HEADER]: event.name, [SOURCE_HEADER]: event.source };
  if (event.id !== null) headers[ID_HEADER] = event.id;
  return state === undefined ? headers : Object.assign(headers, state);
}

/** A record's value as a `WebhookEvent`, or undefined when something else was published on the topic. */
export function toEvent(value: unknown): WebhookEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const ok = typeof v.source === 'string' && typeof v.name === 'string' && typeof v.type === 'string'
    && (v.id === null || typeof v.id === 'string') && typeof v.receivedAt === 'number'
    && (SCHEME_NAMES as readonly unknown[]).includes(v.scheme) && 'payload' in v;
  return ok ? (value as WebhookEvent) : undefined;
}

/** The handler indexes of a `DONE_HEADER`. */
export function parseDone(header: string | undefined): Set<number> {
  const done = new Set<number>();
  if (header) for (const part of header.split(',')) if (/^\d+$/.test(part)) done.add(Number(part));
  return done;
}

/** A failure message fit for a header: one line, at most 500 characters. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/[\r\n]+/g, ' ').slice(0, 500);
}
