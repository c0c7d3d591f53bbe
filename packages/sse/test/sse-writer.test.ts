import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import compression from 'compression';
import request from 'supertest';
import { SseWriter, sseFrame } from '@agentway/sse';
import { forEachExpress } from '@agentway/test-harness';
import { listen } from '@agentway/testing';

/** Counts the writes that reach the socket's response object. */
function countWrites(res: ServerResponse): { writes: number } {
  const counter = { writes: 0 };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((...args: unknown[]) => {
    counter.writes++;
    return write(...args);
  }) as typeof res.write;
  return counter;
}

forEachExpress('SseWriter', (express) => {
  it('should send the SSE headers and coalesce the frames of one tick into one write', async () => {
    let counted: { writes: number } | undefined;
    const app = express();
    app.get('/sse', (_req, res) => {
      counted = countWrites(res);
      const sse = new SseWriter(res, { heartbeat: 0, headers: { 'x-request-id': 'req-1' } });
      for (let i = 0; i < 100; i++) sse.write(sseFrame(String(i)));
      setImmediate(() => sse.end(sseFrame('done', { event: 'end', id: '7' })));
    });
    const res = await request(app).get('/sse').expect(200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(res.headers['x-accel-buffering'], 'no');
    assert.equal(res.headers['x-request-id'], 'req-1');
    assert.equal(res.text, [...Array(100).keys()].map((i) => `data: ${i}\n\n`).join('') + 'event: end\nid: 7\ndata: done\n\n');
    assert.equal(counted!.writes, 1, 'one write for the 100 frames; end() carries the last');
  });

  it('should send the headers at once even before the first frame', async () => {
    const app = express();
    let finish!: () => void;
    app.get('/sse', (_req, res) => {
      const sse = new SseWriter(res, { heartbeat: 0, retry: 3000 });
      finish = () => sse.end();
    });
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/sse`);
      assert.equal(res.status, 200);
      finish();
      assert.equal(await res.text(), 'retry: 3000\n\n');
    } finally {
      await server.close();
    }
  });

  it('should send the headers at the end of the first tick even with nothing to write (no retry, no heartbeat)', async () => {
    const app = express();
    let finish!: () => void;
    app.get('/sse', (_req, res) => {
      const sse = new SseWriter(res, { heartbeat: 0 });
      finish = () => sse.end();
    });
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/sse`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      finish();
      assert.equal(await res.text(), '');
    } finally {
      await server.close();
    }
  });

  it('should notice the client leaving, drop later writes and call onClose once', async () => {
    const app = express();
    let sse!: SseWriter;
    let closes = 0;
    const closed = new Promise<void>((resolve) => {
      app.get('/sse', (_req, res) => {
        sse = new SseWriter(res, { heartbeat: 0, onClose: () => { closes++; resolve(); } });
        sse.write(sseFrame('hello'));
      });
    });
    const server = await listen(app);
    try {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/sse`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await closed;
      assert.equal(sse.closed, true);
      assert.equal(sse.ended, false);
      sse.write(sseFrame('after'));
      sse.end(sseFrame('after'));
      assert.equal(closes, 1);
    } finally {
      await server.close();
    }
  });

  it('should pass through compression() untouched (no-transform), each frame arriving as it is written', async () => {
    const app = express();
    let sse!: SseWriter;
    app.use(compression({ threshold: 0 }));
    app.get('/sse', (_req, res) => {
      sse = new SseWriter(res, { heartbeat: 0 });
      sse.write(sseFrame('first'));
    });
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/sse`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.headers.get('content-encoding'), null);
      const reader = res.body!.getReader();
      const first = await reader.read(); // arrives while the stream is still open
      assert.equal(new TextDecoder().decode(first.value), 'data: first\n\n');
      sse.end(sseFrame('last'));
      assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: last\n\n');
    } finally {
      await server.close();
    }
  });

  it('should flush each write through compression() when the app lets it compress the stream', async () => {
    const app = express();
    let sse!: SseWriter;
    app.use(compression({ threshold: 0 }));
    app.get('/sse', (_req, res) => {
      sse = new SseWriter(res, { heartbeat: 0, headers: { 'Cache-Control': 'no-cache' } });
      sse.write(sseFrame('first'));
    });
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/sse`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.headers.get('content-encoding'), 'gzip');
      const reader = res.body!.getReader();
      assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: first\n\n');
      sse.end(sseFrame('last'));
      assert.equal(new TextDecoder().decode((await reader.read()).value), 'data: last\n\n');
    } finally {
      await server.close();
    }
  });
});

describe('sseFrame()', () => {
  it('should split data on every kind of line break into data lines (LF only)', () => {
    assert.equal(sseFrame('a\r\nb\rc\nd', { event: 'x\ny', id: '1' }), 'event: x y\nid: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
    assert.equal(sseFrame(''), 'data: \n\n');
  });
});

