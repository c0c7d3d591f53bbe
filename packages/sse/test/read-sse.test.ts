import assert from 'node:assert/strict';
import { parseSse, readSse, type SseMessage } from '@agentway/sse';

/** A fetch-like body that delivers the given pieces one by one. */
function body(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(encoder.encode(pieces[i++]));
      else controller.close();
    },
  });
}

async function all(stream: AsyncIterable<SseMessage>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of stream) out.push(message);
  return out;
}

describe('readSse()', () => {
  it('should read events split anywhere, with LF, CRLF or CR, skipping comments', async () => {
    const retries: number[] = [];
    const messages = await all(readSse(body([': ping\n\nretry: 500\nevent: up', 'date\r\nid: 4\r\ndata: a\r', '\ndata: b\r\rdata: c\n', '\n']), { onRetry: (ms) => retries.push(ms) }));
    assert.deepEqual(messages, [
      { event: 'update', data: 'a\nb', id: '4' },
      { event: 'message', data: 'c', id: undefined },
    ]);
    assert.deepEqual(retries, [500]);
  });

  it('should strip exactly one space after the colon, and none when there is none', async () => {
    assert.deepEqual((await all(readSse(body(['data:y\ndata:  z\n\n'])))).map((m) => m.data), ['y\n z']);
  });

  it('should drop an unterminated last event, as a browser does', async () => {
    assert.deepEqual(await all(readSse(body(['data: done\n\ndata: cut']))), [{ event: 'message', data: 'done', id: undefined }]);
  });

  it('should yield the complete events, then fail with ERR_SSE_EVENT_TOO_LARGE on an oversized one', async () => {
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const { data } of readSse(body(['data: ok\n\n', `data: ${'x'.repeat(200)}`]), { maxEventSize: 100 })) seen.push(data);
    }, { code: 'ERR_SSE_EVENT_TOO_LARGE', message: '[@agentway/sse] an event was still incomplete after 100 characters' });
    assert.deepEqual(seen, ['ok']);
  });

  it('should stop at once when its signal aborts, even on a body that never ends', async () => {
    const controller = new AbortController();
    const never = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('data: 1\n\n')); } });
    const seen: string[] = [];
    for await (const { data } of readSse(never, { signal: controller.signal })) {
      seen.push(data);
      controller.abort();
    }
    assert.deepEqual(seen, ['1']);
  });
});

describe('parseSse()', () => {
  it('should return the events with their fields and the comments', () => {
    assert.deepEqual(parseSse(': ping\n\nretry: 10\nid: 1\nevent: a\ndata: x\ndata: y\n\ndata: z\n\ndata: unterminated'), {
      events: [{ event: 'a', data: 'x\ny', id: '1', retry: 10 }, { data: 'z' }],
      comments: ['ping'],
    });
  });
});
