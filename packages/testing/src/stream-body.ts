import { parseSse, type SseEvent } from '@agentway/sse';
import { invalidArgument, TestingError } from './testing-error';

/**
 * A captured SSE body: its text, its bytes, or anything with a `text` — what `readStream()`
 * resolves with, a supertest response, or `{ text: await fetchResponse.text() }`.
 */
export type StreamBody = string | Buffer | { readonly text: string };

/** The events of a captured body, parsed by `parseSse()` (an unterminated last event is dropped). */
export function streamEvents(body: StreamBody, reader: string): SseEvent[] {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return parseSse(body).events;
  if (typeof body === 'object' && body !== null && typeof body.text === 'string') return parseSse(body.text).events;
  throw invalidArgument(`${reader}() takes the stream's text, its bytes or { text } (e.g. what readStream() resolves with), got ${describe(body)}`);
}

/** The JSON `data` of the event at `index`, or an `ERR_TESTING_INVALID_STREAM` naming it. */
export function eventData(event: SseEvent, index: number, stream: string): unknown {
  try {
    return JSON.parse(event.data);
  } catch {
    throw invalidStream(stream, index, `its data is not JSON: ${excerpt(event.data)}`);
  }
}

/** `ERR_TESTING_INVALID_STREAM`: event `index` of a `stream` is not what that protocol sends. */
export function invalidStream(stream: string, index: number, why: string): TestingError {
  return new TestingError('ERR_TESTING_INVALID_STREAM', `event #${index} of the ${stream} stream: ${why}`);
}

/** The first 120 characters of a text, for messages. */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object without a string "text"' : typeof value;
}
