import { parseSse } from '@agentway/sse';

/**
 * The `data` of each event of a captured SSE body parsed as JSON, skipping OpenAI's `[DONE]`
 * terminator — for a quick look at any stream; the protocol readers (`parseChatCompletionStream()`,
 * `parseAguiStream()` …) type and check what they read.
 */
export function sseJson<T = unknown>(body: string | Buffer): T[] {
  return parseSse(body).events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as T);
}

/**
 * A supertest/superagent parser that buffers a `text/event-stream` body as a string, so that
 * `res.body` holds the raw stream: `request(app).get('/sse').buffer(true).parse(sseBody)`.
 * `readStream()` does that in one call.
 */
export function sseBody(res: unknown, callback: (err: Error | null, body: string) => void): void {
  const stream = res as NodeJS.ReadableStream & { setEncoding(encoding: BufferEncoding): void };
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => { body += chunk; });
  stream.on('end', () => callback(null, body));
  stream.on('error', (err: Error) => callback(err, body));
}
