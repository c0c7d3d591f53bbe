import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import FakeTimers from '@sinonjs/fake-timers';
import { SseWriter, sseFrame } from '@agentway/sse';

/** The part of a ServerResponse the writer uses, recording what goes out. */
class RecordingResponse extends EventEmitter {
  written: string[] = [];
  headersSent = false;
  writableEnded = false;
  writableNeedDrain = false;
  writeHead() { return this; }
  flushHeaders() { this.headersSent = true; }
  write(chunk: string | Buffer) { this.headersSent = true; this.written.push(String(chunk)); return true; }
  end(chunk: string) { this.writableEnded = true; if (chunk) this.written.push(chunk); this.emit('close'); return this; }
}

describe('SseWriter heartbeats and back-pressure', () => {
  let clock: ReturnType<typeof FakeTimers.install>;

  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  afterEach(() => clock.uninstall());

  it('should send a comment after each quiet period, and none while frames flow', async () => {
    const res = new RecordingResponse();
    const sse = new SseWriter(res as unknown as ServerResponse, { heartbeat: 1000 });
    await clock.tickAsync(999);
    sse.write(sseFrame('busy'));
    await clock.tickAsync(999); // 999 ms after the last frame: not quiet long enough
    assert.deepEqual(res.written, ['data: busy\n\n']);
    await clock.tickAsync(1);
    assert.deepEqual(res.written, ['data: busy\n\n', ': ping\n\n']);
    await clock.tickAsync(1000);
    assert.deepEqual(res.written, ['data: busy\n\n', ': ping\n\n', ': ping\n\n']);
    sse.end();
    await clock.tickAsync(5000);
    assert.equal(res.written.length, 3, 'no heartbeat after the end');
    assert.equal(clock.countTimers(), 0);
  });

  it('should send none with heartbeat 0', async () => {
    const res = new RecordingResponse();
    const sse = new SseWriter(res as unknown as ServerResponse, { heartbeat: 0 });
    await clock.tickAsync(60_000);
    assert.deepEqual(res.written, []);
    sse.end();
  });

  it('should say full while the socket needs a drain, and resolve drained() on drain or close', async () => {
    const res = new RecordingResponse();
    const sse = new SseWriter(res as unknown as ServerResponse, { heartbeat: 0 });
    assert.equal(sse.full, false);
    res.writableNeedDrain = true;
    assert.equal(sse.full, true);
    let drained = false;
    const waiting = sse.drained().then(() => { drained = true; });
    await clock.tickAsync(0);
    assert.equal(drained, false);
    res.writableNeedDrain = false;
    res.emit('drain');
    await waiting;
    assert.equal(drained, true);
    res.writableNeedDrain = true;
    const onClose = sse.drained();
    res.emit('close');
    await onClose;
    assert.equal(sse.full, false, 'a closed stream is never full');
  });
});
