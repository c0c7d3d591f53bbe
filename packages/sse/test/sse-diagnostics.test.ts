import assert from 'node:assert/strict';
import { observe, type StreamCloseMessage, type StreamOpenMessage } from '@agentway/observability';
import { SseWriter } from '@agentway/sse';
import { forEachExpress } from '@agentway/test-harness';
import { listen } from '@agentway/testing';

forEachExpress('SseWriter diagnostics', (express) => {
  it('should publish agentway:sse:open and :close with its protocol, duration and whether it was ended', async () => {
    const seen: (StreamOpenMessage | StreamCloseMessage)[] = [];
    const stop = observe({ streamOpen: (m) => seen.push(m), streamClose: (m) => seen.push(m) });
    const app = express();
    let left!: SseWriter;
    app.get('/ended', (_req, res) => { new SseWriter(res, { heartbeat: 0, protocol: 'agui' }).end('data: x\n\n'); });
    app.get('/left', (_req, res) => { left = new SseWriter(res, { heartbeat: 0 }); });
    const server = await listen(app);
    try {
      assert.equal(await (await fetch(`${server.url}/ended`)).text(), 'data: x\n\n');
      const controller = new AbortController();
      const res = await fetch(`${server.url}/left`, { signal: controller.signal });
      assert.equal(res.status, 200);
      controller.abort();
      await new Promise<void>((resolve) => { const poll = () => (left.closed ? resolve() : setTimeout(poll, 5)); poll(); });
    } finally {
      stop();
      await server.close();
    }
    assert.equal(seen.length, 4);
    assert.deepEqual(seen[0], { protocol: 'agui' });
    const firstClose = seen[1] as StreamCloseMessage;
    assert.deepEqual({ ...firstClose, duration: 0 }, { protocol: 'agui', duration: 0, ended: true });
    assert.ok(firstClose.duration >= 0 && firstClose.duration < 5000);
    assert.deepEqual(seen[2], { protocol: 'sse' });
    assert.deepEqual({ ...seen[3], duration: 0 }, { protocol: 'sse', duration: 0, ended: false });
  });

  it('should publish no close for a stream opened while nobody listened', async () => {
    const app = express();
    let finish!: () => void;
    app.get('/sse', (_req, res) => {
      const sse = new SseWriter(res, { heartbeat: 0, protocol: 'openai' });
      finish = () => sse.end();
    });
    const server = await listen(app);
    const seen: unknown[] = [];
    let stop: (() => void) | undefined;
    try {
      const res = await fetch(`${server.url}/sse`);
      stop = observe({ streamOpen: (m) => seen.push(m), streamClose: (m) => seen.push(m) });
      finish();
      assert.equal(await res.text(), '');
    } finally {
      stop?.();
      await server.close();
    }
    assert.deepEqual(seen, []);
  });
});
