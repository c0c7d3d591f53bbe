import type { IncomingHttpHeaders } from 'node:http';
import { parseSse, type SseEvent } from '@agentway/sse';
import { sseBody } from './sse';
import { excerpt } from './stream-body';
import { invalidArgument, TestingError } from './testing-error';

/**
 * A supertest request before it is awaited — `request(app).post('/v1/chat/completions').send(body)`,
 * with any `.set()` or `.expect()` — or anything with superagent's `buffer()` and `parse()`.
 */
export interface StreamRequest extends PromiseLike<{ readonly status: number; readonly headers: unknown; readonly body: unknown }> {
  buffer(value?: boolean): unknown;
  parse(parser: typeof sseBody): unknown;
}

/** A whole event-stream response, read to its end. */
export interface StreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as it came: pass the response itself to `parseChatCompletionStream()`, `parseAguiStream()` … */
  readonly text: string;
  /** Its events, parsed by `parseSse()` (an unterminated last event is dropped, as a browser does). */
  readonly events: SseEvent[];
  /** Its comment lines (heartbeats such as `: ping`), without the colon. */
  readonly comments: string[];
}

/**
 * Sends a supertest request and reads its `text/event-stream` answer to the end (superagent does
 * not buffer event streams by itself): one call instead of `.buffer(true).parse(sseBody)`.
 * Throws `ERR_TESTING_NOT_AN_EVENT_STREAM`, with the status and the start of the body, when the
 * answer is something else (an error in JSON, say) — test those with plain supertest.
 *
 * ```ts
 * const res = await readStream(request(app).post('/v1/chat/completions').send({ model: 'echo', stream: true, messages }));
 * assert.equal(parseChatCompletionStream(res).text, 'hi');
 * ```
 */
export async function readStream(request: StreamRequest): Promise<StreamResponse> {
  if (typeof request !== 'object' || request === null || typeof request.buffer !== 'function' || typeof request.parse !== 'function') {
    throw invalidArgument('readStream() takes a supertest request before it is awaited: readStream(request(app).post(path).send(body))');
  }
  request.buffer(true);
  request.parse(sseBody);
  const res = await request;
  const headers = res.headers as IncomingHttpHeaders;
  const text = typeof res.body === 'string' ? res.body : '';
  const type = headers['content-type'] ?? '';
  if (!/^text\/event-stream\s*(;|$)/i.test(type)) {
    throw new TestingError('ERR_TESTING_NOT_AN_EVENT_STREAM',
      `expected a text/event-stream response, got ${res.status} ${type === '' ? 'without a Content-Type' : type}: ${excerpt(text)}`);
  }
  const { events, comments } = parseSse(text);
  return { status: res.status, headers, text, events, comments };
}
