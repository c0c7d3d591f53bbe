import assert from 'node:assert/strict';
import request from 'supertest';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { ListenerManager } from '@agentway/poller';
import { forEachExpress } from '@agentway/test-harness';
import { until } from './sse-server';

forEachExpress('listeners.router()', (express) => {
  let broker: Broker;
  let listeners: ListenerManager;

  beforeEach(async () => {
    broker = createMemoryBroker();
    listeners = new ListenerManager({ broker });
    listeners.onTopic('orders', () => {}, { name: 'orders' });
    listeners.start();
    await listeners.ready();
    await broker.publish('orders', { value: 1 });
    await until(() => listeners.listener('orders')!.handled === 1);
  });

  afterEach(async () => {
    await listeners.stop();
    await broker.close();
  });

  it('should 200 with every listener and one by name, and 404 in JSON for another', async () => {
    const app = express();
    app.use('/listeners', listeners.router());
    const list = await request(app).get('/listeners').expect(200);
    const lastEventAt = String((list.body as { listeners: Array<{ lastEventAt: unknown }> }).listeners[0]?.lastEventAt);
    const offset = (await broker.describe('orders'))!.last!.offset;
    assert.deepEqual(list.body, {
      listeners: [{
        name: 'orders', kind: 'topic', target: 'orders', state: 'open', received: 1, handled: 1, failed: 0, duplicates: 0,
        dropped: 0, republished: 0, reconnects: 0, lastEventId: offset, lastEventAt, lastError: null,
      }],
    });
    assert.match(lastEventAt, /^\d{4}-\d\d-\d\dT/);
    await request(app).get('/listeners/orders').expect(200);
    const missing = await request(app).get('/listeners/nope').expect(404);
    assert.deepEqual(missing.body, { error: { code: 'ERR_POLLER_NOT_FOUND', message: '[@agentway/poller] no listener named "nope"' } });
  });
});
