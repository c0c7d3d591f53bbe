import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { SseError } from './sse-error';

/** One event as a client reads it: its `event:` type (default `message`), `id:` and joined `data:` lines. */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

export interface ReadSseOptions {
  /** Aborting it ends the read (the body is cancelled). */
  signal?: AbortSignal;
  /** An event still incomplete after this many characters ends the read with `ERR_SSE_EVENT_TOO_LARGE`. Default 1 MiB. */
  maxEventSize?: number;
  /** The server's `retry:` hint, in ms. */
  onRetry?: (ms: number) => void;
}

/**
 * Reads Server-Sent Events from a fetch body as they arrive, parsed by eventsource-parser (LF,
 * CRLF or CR; comments skipped). The consumer's pace is the read's pace: nothing is read ahead
 * of what it takes. The body is read by hand, racing the abort, because on Node 20 undici's body
 * iterator can wait forever once its request is aborted. Complete events before an oversized one
 * are yielded before the error.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, options: ReadSseOptions = {}): AsyncGenerator<SseMessage> {
  const { signal, maxEventSize = 1024 * 1024, onRetry } = options;
  const events: EventSourceMessage[] = [];
  let tooBig: Error | undefined;
  const parser = createParser({
    onEvent: (event) => { events.push(event); },
    onRetry,
    onError: (error) => { if (error.type === 'max-buffer-size-exceeded') tooBig = error; },
    maxBufferSize: maxEventSize,
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let onAbort!: () => void;
  const aborted = new Promise<undefined>((resolve) => { onAbort = () => resolve(undefined); });
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const next = signal?.aborted ? undefined : await Promise.race([reader.read(), aborted]);
      if (next === undefined) return;
      parser.feed(next.done ? decoder.decode() : decoder.decode(next.value, { stream: true }));
      for (let i = 0; i < events.length; i++) {
        if (signal?.aborted) return;
        const { event = 'message', data, id } = events[i]!;
        yield { event, data, id };
      }
      events.length = 0;
      if (tooBig) throw new SseError('ERR_SSE_EVENT_TOO_LARGE', `an event was still incomplete after ${maxEventSize} characters`, { cause: tooBig });
      if (next.done) return;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => undefined); // not awaited: see above
  }
}
