import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { observe, type Logger, type SocketCloseMessage, type SocketOpenMessage } from '@agentway/observability';
import { forEachExpress } from '@agentway/test-harness';
import { BROKERS, Harness } from './fixture';

const MANIFEST = `
gateways:
  - id: in
    type: produce
    topic: t
  - id: out
    type: consume
    topic: t
`;

/** A logger that keeps what it is told: [level, fields, message]. */
function recordingLogger(): Logger & { lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message ?? '']); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

forEachExpress('langstreamGateway() close()', (express) => {
  let h: Harness | undefined;
  let stop: (() => void) | undefined;

  afterEach(async () => {
    stop?.();
    stop = undefined;
    await h?.close();
    h = undefined;
  });

  it('should close open sockets with 1001, publish their open and close, and refuse new ones with 503', async () => {
    const seen: (SocketOpenMessage | SocketCloseMessage)[] = [];
    stop = observe({ socketOpen: (m) => seen.push(m), socketClose: (m) => seen.push(m) });
    h = await Harness.start(express, BROKERS[0]!, MANIFEST);
    const producer = await h.client.produce('t/app/in');
    const consumer = await h.client.consume('t/app/out');
    assert.deepEqual((await producer.produce({ value: 'hi' })).status, 'OK');
    // The consumer's client stops reading: the close waits for its answer, and a handshake meanwhile is refused.
    const tcp = (consumer.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const closing = h.gateway.close();
    assert.deepEqual(await producer.closed, { code: 1001, reason: 'the gateway is shutting down' });
    const refused = await h.client.refused('consume', 't/app/out');
    assert.equal(refused.status, 503);
    assert.deepEqual(JSON.parse(refused.body), { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the gateway is shutting down', instance: '/v1/consume/t/app/out' });
    tcp.resume();
    await closing;
    assert.deepEqual(await consumer.closed, { code: 1001, reason: 'the gateway is shutting down' });
    const http = await fetch(`${h.listening.url}/api/gateways/produce/t/app/in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"value":1}' });
    assert.equal(http.status, 503);
    assert.equal(http.headers.get('retry-after'), '1');
    assert.deepEqual(await http.json(), { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the gateway is shutting down', instance: '/api/gateways/produce/t/app/in' });
    assert.deepEqual(seen.map((m) => ('code' in m ? [m.kind, m.code, m.duration >= 0] : [m.protocol, m.kind])), [
      ['langstream', 'produce'], ['langstream', 'consume'], ['produce', 1001, true], ['consume', 1001, true],
    ]);
  });

  it('should terminate a socket that does not answer the close within 5 s', async () => {
    h = await Harness.start(express, BROKERS[0]!, MANIFEST);
    const consumer = await h.client.consume('t/app/out');
    const tcp = (consumer.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    let closed = false;
    try {
      const closing = h.gateway.close().then(() => { closed = true; });
      await clock.tickAsync(4_999);
      assert.equal(closed, false);
      await clock.tickAsync(1);
      await closing;
    } finally {
      clock.uninstall();
      tcp.resume();
    }
    assert.equal((await consumer.closed).code, 1001, 'its close frame had been sent; the socket was cut before the answer');
  });

  it('should report a refused handshake to its logger', async () => {
    const logger = recordingLogger();
    h = await Harness.start(express, BROKERS[0]!, MANIFEST, { logger });
    const refused = await h.client.refused('consume', 't/app/nope');
    assert.equal(refused.status, 500);
    assert.deepEqual(logger.lines.map(([level, fields]) => [level, fields.status, fields.path]), [['warn', 500, '/v1/consume/t/app/nope']]);
  });
});
