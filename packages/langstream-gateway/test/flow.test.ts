import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import FakeTimers from '@sinonjs/fake-timers';
import WebSocket from 'ws';
import { BrokerError, type Broker } from '@agentway/broker';
import request from 'supertest';
import { forEachExpress } from '@agentway/test-harness';
import { forEachBroker, Harness } from './fixture';

const MANIFEST = { gateways: [{ id: 'in', type: 'produce', topic: 'stream' }, { id: 'out', type: 'consume', topic: 'stream' }] };

/** Wraps a broker to count the records its subscriptions to `topic` hand out. */
function counting(topic: () => string, counter: { reads: number }) {
  return (broker: Broker): Broker => ({
    ...broker,
    publish: broker.publish.bind(broker),
    subscribe(name, options) {
      const subscription = broker.subscribe(name, options);
      if (name === topic()) {
        const next = subscription.next.bind(subscription);
        Object.assign(subscription, { next: async () => { const r = await next(); if (r) counter.reads++; return r; } });
      }
      return subscription;
    },
  }) as Broker;
}

/** Resolves once `read()` has not changed for a while (the server stopped reading). */
async function settled(read: () => number): Promise<number> {
  let last = -1;
  let stable = 0;
  while (stable < 4) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = read();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

forEachExpress('langstreamGateway() flow control', (express) => {
  forEachBroker((kind) => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('should stop reading the topic for a consumer that reads slowly, bounded by highWaterMark, and lose nothing', async function () {
      this.timeout(30_000);
      const counter = { reads: 0 };
      const highWaterMark = 64 * 1024;
      let prefix = '';
      h = await Harness.start(express, kind, MANIFEST, { highWaterMark, wrapBroker: counting(() => `${prefix}stream`, counter) });
      prefix = h.prefix;
      const serverSockets: Duplex[] = [];
      h.listening.server.on('upgrade', (_req, socket: Duplex) => serverSockets.push(socket));
      const slow = await h.client.consume('t/app/out');
      const fast = await h.client.consume('t/app/out');
      slow.ws.pause();
      const total = 6_000;
      const padding = 'x'.repeat(4000);
      const published = [];
      for (let i = 0; i < total; i++) published.push(h.broker.publish(h.topic('stream'), { value: `${i}:${padding}` }));
      await Promise.all(published);
      const fastRecords = await fast.records(total);
      assert.equal(fastRecords.at(-1)!.record.value, `${total - 1}:${padding}`);
      const readForSlow = (await settled(() => counter.reads)) - total;
      assert.ok(readForSlow < total / 2, `the slow consumer's reader went on: ${readForSlow} of ${total} records read`);
      const slowServerSocket = serverSockets[0]!;
      assert.ok(slowServerSocket.writableLength <= highWaterMark + 2 * 4100, `buffered ${slowServerSocket.writableLength} bytes`);
      slow.ws.resume();
      const slowRecords = await slow.records(total);
      slowRecords.forEach((m, i) => assert.equal(m.record.value, `${i}:${padding}`));
      assert.equal(counter.reads, 2 * total);
    });

    it('should stop reading a producer\'s frames while 1024 publishes are unacknowledged, then answer all in order', async function () {
      this.timeout(20_000);
      const held: (() => void)[] = [];
      let calls = 0;
      let holding = true;
      h = await Harness.start(express, kind, MANIFEST, {
        wrapBroker: (broker) => ({
          ...broker,
          subscribe: broker.subscribe.bind(broker),
          publish(topic, message) {
            calls++;
            if (!holding) return broker.publish(topic, message);
            return new Promise((resolve, reject) => held.push(() => broker.publish(topic, message).then(resolve, reject)));
          },
        }) as Broker,
      });
      const producer = await h.client.produce('t/app/in');
      const total = 3000;
      const padding = 'y'.repeat(2000);
      for (let i = 0; i < total; i++) producer.send({ value: `${i}:${padding}` });
      const stalledAt = await settled(() => calls);
      assert.ok(stalledAt >= 1024 && stalledAt < 1024 + 100, `${stalledAt} publishes before the producer was paused`);
      holding = false;
      for (const release of held.splice(0)) release();
      for (let i = 0; i < total; i++) assert.deepEqual(await producer.nextResponse(), { status: 'OK', reason: null });
      const reader = await h.client.consume('t/app/out', { 'option:position': 'earliest' });
      (await reader.records(total)).forEach((m, i) => assert.equal(m.record.value, `${i}:${padding}`));
    });

    it('should answer PRODUCER_ERROR (HTTP: 500) when the broker refuses a record, in order, and go on', async () => {
      h = await Harness.start(express, kind, MANIFEST, {
        wrapBroker: (broker) => ({
          ...broker,
          subscribe: broker.subscribe.bind(broker),
          publish: (topic, message) => (message.value === 'boom'
            ? Promise.reject(new BrokerError('ERR_BROKER_UNAVAILABLE', 'the broker is down')) : broker.publish(topic, message)),
        }) as Broker,
      });
      const producer = await h.client.produce('t/app/in');
      producer.send({ value: 'one' });
      producer.send({ value: 'boom' });
      producer.send({ value: 'two' });
      assert.deepEqual([await producer.nextResponse(), await producer.nextResponse(), await producer.nextResponse()], [
        { status: 'OK', reason: null }, { status: 'PRODUCER_ERROR', reason: 'the broker is down' }, { status: 'OK', reason: null },
      ]);
      const res = await request(h.listening.url).post('/api/gateways/produce/t/app/in').set('Content-Type', 'text/plain').send('boom').expect(500);
      assert.equal(res.body.detail, 'the broker is down');
    });

    it('should close a consumer that fell behind retention with 1011 and the reason', async () => {
      h = await Harness.start(express, kind, MANIFEST);
      await h.broker.setRetention(h.topic('stream'), { maxLength: 5 });
      const first = await h.broker.publish(h.topic('stream'), { value: 'first' });
      await Promise.all(Array.from({ length: 300 }, (_, i) => h!.broker.publish(h!.topic('stream'), { value: i })));
      const late = await h.client.consume('t/app/out', { 'option:position': Buffer.from(first.offset).toString('base64url') });
      const closed = await late.closed;
      assert.equal(closed.code, 1011);
      assert.match(closed.reason, /fell behind retention/);
    });

    it('should ping every pingInterval and drop a socket that did not answer the last ping', async () => {
      const clock = FakeTimers.install({ toFake: ['setInterval', 'clearInterval'] });
      try {
        h = await Harness.start(express, kind, MANIFEST, { pingInterval: 30_000 });
        const url = `${h.listening.url.replace('http', 'ws')}/v1/produce/t/app/in`;
        const open = (autoPong: boolean) => new Promise<WebSocket>((resolve) => {
          const ws = new WebSocket(url, { autoPong });
          ws.once('open', () => resolve(ws));
        });
        const alive = await open(true);
        const mute = await open(false);
        const pings = { alive: 0, mute: 0 };
        alive.on('ping', () => pings.alive++);
        mute.on('ping', () => pings.mute++);
        const roundTrip = (ws: WebSocket) => new Promise((resolve) => {
          ws.once('message', resolve);
          ws.send(JSON.stringify({ value: 'sync' }));
        });
        clock.tick(30_000);
        await Promise.all([roundTrip(alive), roundTrip(mute)]);
        assert.deepEqual(pings, { alive: 1, mute: 1 });
        const muteClosed = new Promise<number>((resolve) => mute.once('close', resolve));
        clock.tick(30_000);
        assert.equal(await muteClosed, 1006);
        await roundTrip(alive);
        assert.deepEqual(pings, { alive: 2, mute: 1 });
        alive.close();
        await new Promise((resolve) => alive.once('close', resolve));
      } finally {
        clock.uninstall();
      }
    });
  });
});
