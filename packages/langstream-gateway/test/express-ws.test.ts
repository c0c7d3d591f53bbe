import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { forEachExpress } from '@agentway/test-harness';
import { langstreamClient, listen, type LangStreamClient, type Listening } from '@agentway/testing';
import { langstreamGateway, type LangStreamGateway } from '@agentway/langstream-gateway';

const expressWs = createRequire(__filename)('express-ws') as (app: unknown, server: unknown) => unknown;

const MANIFEST = {
  gateways: [
    { id: 'in', type: 'produce', topic: 'x', parameters: ['session'], 'produce-options': { headers: [{ key: 'session', 'value-from-parameters': 'session' }] } },
    { id: 'out', type: 'consume', topic: 'x' },
  ],
};

forEachExpress('langstreamGateway().wsHandler with express-ws 5.0.2', (express) => {
  let broker: Broker;
  let gateway: LangStreamGateway;
  let listening: Listening;
  let client: LangStreamClient;

  beforeEach(async () => {
    broker = createMemoryBroker();
    gateway = langstreamGateway({ broker, manifest: MANIFEST, tenant: 't', application: 'app', pingInterval: 0 });
    const app = express() as unknown as { ws(path: string, handler: unknown): void; use(h: unknown): void };
    const server = createServer(app as never);
    expressWs(app, server);
    app.ws('/v1/:type/:tenant/:application/:gateway', gateway.wsHandler);
    app.use(gateway.router);
    listening = await listen(server);
    client = langstreamClient(listening.url);
  });
  afterEach(async () => {
    await client.close();
    await gateway.close();
    await listening.close();
    await broker.close();
  });

  it('should serve produce and consume through app.ws, keeping frames sent before the socket was ready', async () => {
    const consumer = await client.consume('t/app/out');
    const producer = await client.produce('t/app/in', { 'param:session': 's1' });
    producer.send({ value: 'first' });
    producer.send({ value: 'second' });
    assert.deepEqual([await producer.nextResponse(), await producer.nextResponse()], [{ status: 'OK', reason: null }, { status: 'OK', reason: null }]);
    assert.deepEqual((await consumer.records(2)).map((m) => m.record), [
      { key: null, value: 'first', headers: { session: 's1' } },
      { key: null, value: 'second', headers: { session: 's1' } },
    ]);
  });

  it('should close a refused socket with 1008 and LangStream\'s reason (the handshake is already done)', async () => {
    const socket = await client.produce('t/app/in');
    assert.deepEqual(await socket.closed, {
      code: 1008, reason: 'Error for gateway in (tenant: t, appId: app): missing required parameter session. Required parameters: [session]',
    });
  });
});
