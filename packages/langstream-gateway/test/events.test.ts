import assert from 'node:assert/strict';
import { forEachExpress } from '@agentway/test-harness';
import { forEachBroker, Harness } from './fixture';

const MANIFEST = {
  gateways: [{
    id: 'out', type: 'consume', topic: 'answers', parameters: ['session'], 'events-topic': 'gateway-events',
    authentication: { provider: 'http', configuration: { 'base-url': 'http://127.0.0.1:2', headers: { 'x-api-key': 'SECRET-KEY' } } },
    'consume-options': { filters: { headers: [{ key: 'session', 'value-from-parameters': 'session' }] } },
  }],
};

forEachExpress('langstreamGateway() events-topic', (express) => {
  forEachBroker((kind) => {
    let h: Harness;
    beforeEach(async () => {
      h = await Harness.start(express, kind, MANIFEST, {
        authProviders: { http: () => ({ authenticate: async () => ({ authenticated: true, principal: {} }) }) },
      });
    });
    afterEach(() => h.close());

    it('should write ClientConnected before the socket opens and ClientDisconnected after it closes, without secrets', async () => {
      const events = h.broker.subscribe<Record<string, any>>(h.topic('gateway-events'));
      await events.ready;
      const socket = await h.client.consume('t/app/out', { 'param:session': 's1', 'option:position': 'earliest', credentials: 'TOKEN-123' });
      const connected = await events.next();
      await socket.close();
      const disconnected = await events.next();
      await events.close();
      const event = connected!.value;
      assert.equal(event.category, 'Gateway');
      assert.equal(event.type, 'ClientConnected');
      assert.equal(disconnected!.value.type, 'ClientDisconnected');
      assert.equal(typeof event.timestamp, 'number');
      assert.deepEqual(event.source, {
        tenant: 't',
        applicationId: 'app',
        gateway: {
          id: 'out', type: 'consume', topic: 'answers', authentication: { provider: 'http', 'allow-test-mode': true }, parameters: ['session'],
          produceOptions: null, consumeOptions: { filters: { headers: [{ key: 'session', value: null, valueFromParameters: 'session', valueFromAuthentication: null }] } },
          'chat-options': null, 'service-options': null, 'events-topic': 'gateway-events',
        },
      });
      assert.deepEqual(event.data.userParameters, { session: 's1' });
      assert.deepEqual(event.data.options, { position: 'earliest' });
      assert.equal(event.data.httpRequestHeaders.upgrade, 'websocket');
      assert.equal(event.data.httpRequestHeaders['sec-websocket-key'], undefined);
      const text = JSON.stringify([connected!.value, disconnected!.value]);
      assert.ok(!text.includes('SECRET-KEY') && !text.includes('TOKEN-123'), text);
    });
  });
});
