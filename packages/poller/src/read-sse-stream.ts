import { readSse, SseError, type SseMessage } from '@agentway/sse';
import { PollerError } from './poller-error';

/** What `readSseStream()` reports as it reads. */
export interface SseStreamHandlers {
  /** One event; a returned promise is awaited before the next (back-pressure on the connection). */
  onEvent(event: SseMessage): void | Promise<void>;
  onRetry(ms: number): void;
}

/**
 * Reads an SSE response body until it ends or `signal` aborts, handing each event to the handlers
 * in turn (`readSse()` of @agentway/sse). An event still incomplete after `maxEventSize`
 * characters throws `ERR_POLLER_SSE_RESPONSE`, after the complete events before it were handled.
 */
export async function readSseStream(body: ReadableStream<Uint8Array>, signal: AbortSignal, maxEventSize: number,
  target: string, handlers: SseStreamHandlers): Promise<void> {
  try {
    for await (const event of readSse(body, { signal, maxEventSize, onRetry: handlers.onRetry })) {
      const pending = handlers.onEvent(event);
      if (pending) await pending;
    }
  } catch (err) {
    if (err instanceof SseError) {
      throw new PollerError('ERR_POLLER_SSE_RESPONSE', `an event from ${target} was still incomplete after ${maxEventSize} characters`, { cause: err });
    }
    throw err;
  }
}
