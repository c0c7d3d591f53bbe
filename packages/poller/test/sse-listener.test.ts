import assert from 'node:assert/strict';
import { EventSource } from 'eventsource';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { ListenerManager, type SseMessage } from '@agentway/poller';
import { recordingLogger } from './helpers';
import { collector, sseServer, until, type Behaviour } from './sse-server';

const fast = { initial: 5, max: 20 };
const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ id: String(from + i), data: `{"n":${from + i}}` }));

describe('ListenerManager.onSse()', () => {
  let server: Awaited<ReturnType<typeof sseServer>>;
  let listeners: ListenerManager[];
  let broker: Broker | undefined;

  beforeEach(() => { listeners = []; broker = undefined; });

  afterEach(async () => {
    await Promise.all(listeners.map((l) => l.stop()));
    await server?.close();
    await broker?.close();
  });

  describe('when the stream drops, then answers 500 for a while, then recovers', () => {
    const script = (n: number): Behaviour => (n === 1 ? 'stream-and-drop' : n <= 4 ? { status: 500 } : 'stream');

    it('should reconnect with Last-Event-ID and lose or repeat nothing, events sent during the outage included', async () => {
      server = await sseServer((n) => {
        if (n === 2) server.push(...ids(2, 4)); // published while the listener cannot connect
        return script(n);
      });
      server.push(...ids(3));
      const logger = recordingLogger();
      const manager = new ListenerManager({ backoff: fast, logger });
      listeners.push(manager);
      const got = collector<SseMessage>();
      const handle = manager.onSse(server.url, (m) => { got.add(m); }, { name: 'orders' });
      manager.start();
      await got.until(5);
      server.push(...ids(1, 6));
      await got.until(6);
      await until(() => handle.status().handled === 6);

      assert.deepEqual(got.items.map((m) => [m.id, m.event, m.data]), [1, 2, 3, 4, 5, 6].map((n) => [String(n), 'message', `{"n":${n}}`]));
      assert.deepEqual(server.connections.map((c) => [c.status, c.lastEventId]), [[200, null], [500, '3'], [500, '3'], [500, '3'], [200, '3']]);
      assert.equal(server.connections[0]!.accept, 'text/event-stream');
      const status = handle.status();
      assert.equal(status.state, 'open');
      assert.equal(status.reconnects, 4);
      assert.equal(status.received, 6);
      assert.equal(status.handled, 6);
      assert.equal(status.duplicates, 0);
      assert.equal(status.lastEventId, '6');
      assert.deepEqual(status.lastError && { code: status.lastError.code, message: status.lastError.message }, {
        code: 'ERR_POLLER_SSE_RESPONSE', message: `[@agentway/poller] ${server.url} answered 500 text/plain`,
      });
      assert.equal(logger.lines.filter((l) => l.includes('could not connect')).length, 3);
    });

    it('should be what the bare eventsource@4.1.1 client gives up on', async () => {
      server = await sseServer(script);
      server.push(...ids(3));
      const es = new EventSource(server.url);
      const got: string[] = [];
      es.onmessage = (e) => { got.push(e.lastEventId); };
      const closed = new Promise<number>((resolve) => { es.onerror = (e) => { if (es.readyState === EventSource.CLOSED) resolve((e as { code?: number }).code ?? -1); }; });
      assert.equal(await closed, 500);
      es.close();
      assert.deepEqual(got, ['1', '2', '3']);
      assert.deepEqual(server.connections.map((c) => c.status), [200, 500]);
    });
  });

  describe('with a server that replays from the start (ignores Last-Event-ID)', () => {
    it('should drop the events it has seen and count them as duplicates', async () => {
      server = await sseServer((n) => (n === 1 ? 'stream-and-drop' : 'replay-all'));
      server.push(...ids(3));
      const manager = new ListenerManager({ backoff: fast });
      listeners.push(manager);
      const got = collector<SseMessage>();
      const handle = manager.onSse(server.url, (m) => { got.add(m); });
      manager.start();
      await got.until(3);
      server.push(...ids(1, 4));
      await got.until(4);
      assert.deepEqual(got.items.map((m) => m.id), ['1', '2', '3', '4']);
      assert.equal(handle.status().duplicates, 3);
      assert.equal(handle.name, `sse ${server.url}`);
    });
  });

  describe('events', () => {
    it('should deliver named events, multi-line data and events without id, one at a time in order', async () => {
      server = await sseServer(() => 'stream');
      const manager = new ListenerManager({ backoff: fast });
      listeners.push(manager);
      const got = collector<string>();
      let inHandler = 0;
      manager.onSse(server.url, async (m) => {
        assert.equal(++inHandler, 1);
        await new Promise((resolve) => setImmediate(resolve));
        got.add(`${m.event}|${m.id}|${m.data}`);
        inHandler--;
      });
      manager.start();
      await manager.ready();
      server.raw('event: order.created\nid: a1\ndata: line 1\ndata: line 2\n\n: keep-alive\n\ndata: no id\n\nevent: order.paid\r\nid: a2\r\ndata: {"x":1}\r\n\r\n');
      await got.until(3);
      assert.deepEqual(got.items, ['order.created|a1|line 1\nline 2', 'message|undefined|no id', 'order.paid|a2|{"x":1}']);
    });

    it('should drop a connection whose event exceeds maxEventSize and reconnect after the last good id', async () => {
      server = await sseServer(() => 'stream');
      const manager = new ListenerManager({ backoff: fast, maxEventSize: 64 });
      listeners.push(manager);
      const got = collector<string>();
      const handle = manager.onSse(server.url, (m) => { got.add(m.id!); });
      manager.start();
      await manager.ready();
      server.raw('id: ok\ndata: fine\n\n');
      server.raw(`id: big\ndata: ${'x'.repeat(100)}`); // and the rest never comes
      await got.until(1);
      await until(() => server.connections.length === 2);
      assert.deepEqual(got.items, ['ok']);
      assert.equal(server.connections[1]!.lastEventId, 'ok');
      assert.equal(handle.status().lastError!.message, `[@agentway/poller] an event from ${server.url} was still incomplete after 64 characters`);
    });
  });

  describe('responses that are not a stream', () => {
    it('should retry a 200 that is not text/event-stream', async () => {
      server = await sseServer((n) => (n === 1 ? { status: 200, contentType: 'text/html', body: '<html>' } : 'stream'));
      server.push(...ids(1));
      const manager = new ListenerManager({ backoff: fast });
      listeners.push(manager);
      const got = collector<string>();
      manager.onSse(server.url, (m) => { got.add(m.id!); });
      manager.start();
      await got.until(1);
      assert.deepEqual(server.connections.map((c) => c.status), [200, 200]);
    });

    it('should stop for good on 204 (the SSE way to say "do not reconnect")', async () => {
      server = await sseServer(() => ({ status: 204 }));
      const manager = new ListenerManager({ backoff: fast });
      listeners.push(manager);
      const handle = manager.onSse(server.url, () => {});
      manager.start();
      await handle.ready;
      const status = handle.status();
      assert.equal(status.state, 'closed');
      assert.equal(status.reconnects, 0);
      assert.equal(status.lastError!.code, 'ERR_POLLER_SSE_RESPONSE');
    });
  });

  describe('with the headers option', () => {
    it('should send fixed headers, or call the function again at each connection', async () => {
      server = await sseServer((n) => (n === 1 ? 'stream-and-drop' : 'stream'));
      server.push(...ids(1));
      const manager = new ListenerManager({ backoff: fast });
      listeners.push(manager);
      let token = 0;
      const got = collector<string>();
      manager.onSse(server.url, (m) => { got.add(m.id!); }, { headers: async () => ({ authorization: `Bearer t${++token}` }) });
      manager.start();
      await got.until(1);
      server.push(...ids(1, 2));
      await got.until(2);
      assert.deepEqual(server.connections.map((c) => c.authorization), ['Bearer t1', 'Bearer t2']);
    });
  });

  describe('with republish', () => {
    it('should publish each event to the topic, and a new manager should resume after the last one', async () => {
      server = await sseServer(() => 'stream');
      server.push(...ids(2));
      broker = createMemoryBroker();
      const first = new ListenerManager({ broker, backoff: fast });
      listeners.push(first);
      const h = first.onSse(server.url, null, { name: 'feed', republish: 'feed.events' });
      first.start();
      await until(() => h.status().republished === 2);
      await first.stop();
      const info = await broker.describe('feed.events');
      assert.equal(info!.length, 2);
      assert.deepEqual([info!.last!.value, info!.last!.headers], ['{"n":2}', { listener: 'feed', 'sse-event': 'message', 'sse-id': '2' }]);

      server.push(...ids(1, 3));
      const second = new ListenerManager({ broker, backoff: fast });
      listeners.push(second);
      const h2 = second.onSse(server.url, null, { name: 'feed', republish: { topic: 'feed.events', map: (m) => ({ key: m.id!, value: JSON.parse(m.data) }) } });
      second.start();
      await until(() => h2.status().republished === 1);
      assert.equal(server.connections.at(-1)!.lastEventId, '2');
      const last = (await broker.describe('feed.events'))!.last!;
      assert.deepEqual([last.key, last.value], ['3', { n: 3 }]);
    });
  });

  describe('with republish to a slow broker', () => {
    it('should keep at most 256 publishes in flight, in order, and stop() should wait for them', async () => {
      server = await sseServer(() => 'stream');
      server.load(ids(600));
      const published: string[] = [];
      const waiting: Array<() => void> = [];
      let inFlight = 0;
      let maxInFlight = 0;
      const slow = {
        publish: (_topic: string, record: { value: unknown }) => {
          published.push(record.value as string);
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          return new Promise((resolve) => waiting.push(() => { inFlight--; resolve({}); }));
        },
        subscribe: () => { throw new Error('not used'); },
      } as unknown as Broker;
      const manager = new ListenerManager({ broker: slow, backoff: fast });
      listeners.push(manager);
      const handle = manager.onSse(server.url, null, { republish: 'out' });
      manager.start();
      await until(() => published.length === 256);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(published.length, 256); // the reader waits for room
      waiting.splice(0, 128).forEach((release) => release());
      await until(() => published.length === 256 + 128);
      let stopped = false;
      const stopping = manager.stop().then(() => { stopped = true; });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(stopped, false);
      while (!stopped) {
        waiting.splice(0).forEach((release) => release());
        await new Promise((resolve) => setImmediate(resolve));
      }
      await stopping;
      assert.equal(handle.status().republished, published.length);
      assert.deepEqual(published, ids(published.length).map((e) => e.data));
      assert.equal(maxInFlight, 256);
    });
  });

  describe('with a lock shared by two instances', () => {
    it('should handle each event id on one instance only', async () => {
      server = await sseServer(() => 'stream');
      broker = createMemoryBroker();
      const handled = collector<string>();
      const managers = [0, 1].map(() => new ListenerManager({ lock: broker, backoff: fast }));
      listeners.push(...managers);
      managers.forEach((m, i) => { m.onSse(server.url, (e) => { handled.add(`${e.id} by ${i}`); }, { name: 'shared' }); m.start(); });
      await Promise.all(managers.map((m) => m.ready()));
      server.push(...ids(10));
      await handled.until(10);
      await until(() => managers.reduce((n, m) => n + m.status()[0]!.received, 0) === 20);
      assert.deepEqual(handled.items.map((h) => h.split(' ')[0]).sort((a, b) => Number(a) - Number(b)), ids(10).map((e) => e.id));
      assert.equal(managers.reduce((n, m) => n + m.status()[0]!.duplicates, 0), 10);
    });
  });

  describe('stop()', () => {
    it('should resolve right after the last event of a long stream that ended (undici can hang an aborted body)', async () => {
      server = await sseServer((n) => (n === 1 ? 'stream-and-end' : { status: 503 }));
      server.load(ids(100_000));
      const manager = new ListenerManager({ backoff: fast });
      const last = collector<void>();
      manager.onSse(server.url, (m) => { if (m.id === '100000') last.add(); });
      manager.start();
      await last.until(1);
      await manager.stop();
      assert.equal(manager.status()[0]!.state, 'stopped');
      assert.equal(manager.status()[0]!.received, 100_000);
    });

    it('should close the stream and abort the handler signal', async () => {
      server = await sseServer(() => 'stream');
      const manager = new ListenerManager({ backoff: fast });
      let signal: AbortSignal | undefined;
      const inHandler = collector<void>();
      manager.onSse(server.url, (_m, ctx) => { signal = ctx.signal; inHandler.add(); return new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)); });
      manager.start();
      await manager.ready();
      server.push(...ids(1));
      await inHandler.until(1);
      await manager.stop();
      assert.equal(signal!.aborted, true);
      await until(() => server.openStreams() === 0);
      assert.equal(manager.status()[0]!.state, 'stopped');
    });
  });
});
