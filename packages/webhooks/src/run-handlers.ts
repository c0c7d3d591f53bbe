import type { HandlerEntry } from './handler-registry';
import type { WebhookEvent } from './webhook-event';
import { WebhooksError } from './webhooks-error';
import { errorText } from './delivery-record';

/** A handler that threw or rejected, and why. */
export interface HandlerFailure {
  readonly entry: HandlerEntry;
  readonly error: unknown;
}

/** What one try of a delivery's handlers came to. */
export interface HandlerOutcome {
  readonly failures: readonly HandlerFailure[];
  /** The first value a succeeding handler returned (synchronous mode's answer), if any. */
  readonly reply: unknown;
}

/** Runs handlers on one delivery, side by side; a throw or a rejection fails only its own handler. */
export async function runHandlers(entries: readonly HandlerEntry[], event: WebhookEvent, attempt: number, signal: AbortSignal): Promise<HandlerOutcome> {
  const context = { attempt, signal };
  if (entries.length === 1) {
    // The common case, without allSettled's bookkeeping.
    try {
      return { failures: [], reply: await entries[0]!.handler(event, context) };
    } catch (error) {
      return { failures: [{ entry: entries[0]!, error }], reply: undefined };
    }
  }
  const settled = await Promise.allSettled(entries.map(async (entry) => entry.handler(event, context)));
  const failures: HandlerFailure[] = [];
  let reply: unknown;
  settled.forEach((result, i) => {
    if (result.status === 'rejected') failures.push({ entry: entries[i]!, error: result.reason });
    else if (reply === undefined) reply = result.value;
  });
  return { failures, reply };
}

/** The error reported (`onError`) when a handler fails: it names the delivery, the pattern and the attempt. */
export function handlerFailed(failure: HandlerFailure, event: WebhookEvent, attempt: number, attempts: number): WebhooksError {
  return new WebhooksError('ERR_WEBHOOKS_HANDLER_FAILED', 500,
    `handler for "${failure.entry.pattern}" failed on delivery ${event.id ?? '(no id)'} (${event.name}), attempt ${attempt} of ${attempts}: ${errorText(failure.error)}`,
    { cause: failure.error, deliveryId: event.id });
}
