import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import request from 'supertest';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { forEachExpress } from '@agentway/test-harness';
import { signWebhook } from '@agentway/testing';
import { WebhookRouter, type WebhookRouterOptions } from '@agentway/webhooks';
import { Calls } from './support/calls';
import { fixtures, freshId } from './support/scheme-fixtures';

const SECRET = fixtures[0]!.secret;
const delivery = (id = freshId()) => signWebhook({ scheme: 'stripe', secret: SECRET, payload: { id, object: 'event', type: 'invoice.paid', data: {} } });

forEachExpress('WebhookRouter close()', (express) => {
  let broker: Broker;
  let routers: WebhookRouter[];

  beforeEach(() => {
    broker = createMemoryBroker();
    routers = [];
  });

  afterEach(async () => {
    await Promise.all(routers.map((r) => r.close()));
    await broker.close();
  });

  function mount(options: Partial<WebhookRouterOptions> = {}) {
    const webhooks = new WebhookRouter({ broker, sources: [{ scheme: 'stripe', secret: SECRET }], ...options });
    routers.push(webhooks);
    return { webhooks, app: express().use('/webhooks', webhooks.router()) };
  }

  it('should let a running handler finish, its delivery acked, before it resolves', async () => {
    const { webhooks, app } = mount();
    const started = new Calls<AbortSignal>();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    let abortedAtTheEnd: boolean | undefined;
    webhooks.on('*', async (_event, { signal }) => {
      started.push(signal);
      await done;
      abortedAtTheEnd = signal.aborted;
    });
    const { headers, body } = delivery();
    await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
    const [signal] = await started.until(1);
    let closed = false;
    const closing = webhooks.close().then(() => { closed = true; });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([closed, signal!.aborted], [false, false]);
    finish();
    await closing;
    assert.equal(abortedAtTheEnd, false, 'it finished on its own, its signal not aborted');
    const next = new WebhookRouter({ broker, sources: [{ scheme: 'stripe', secret: SECRET }] });
    routers.push(next);
    const redelivered = new Calls<string>();
    next.on('*', (event) => { redelivered.push(event.id!); });
    await next.start();
    const marker = delivery();
    await request(express().use('/webhooks', next.router())).post('/webhooks/stripe').set(marker.headers).send(marker.body).expect(200);
    assert.deepEqual(await redelivered.until(1), [(JSON.parse(String(marker.body)) as { id: string }).id], 'the finished delivery was acked, not handed out again');
  });

  it('should abort a handler still running after shutdownTimeout', async () => {
    const { webhooks, app } = mount({ shutdownTimeout: 5000 });
    const started = new Calls<AbortSignal>();
    webhooks.on('*', (_event, { signal }) => {
      started.push(signal);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const { headers, body } = delivery();
    await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
    const [signal] = await started.until(1);
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const closing = webhooks.close();
      await clock.tickAsync(4999);
      assert.equal(signal!.aborted, false);
      await clock.tickAsync(1);
      assert.equal(signal!.aborted, true);
      await closing;
    } finally {
      clock.uninstall();
    }
  });

  it('should finish a delivery being received (sync mode) and refuse new ones with 503 ERR_WEBHOOKS_SHUTTING_DOWN', async () => {
    const { webhooks, app } = mount({ mode: 'sync' });
    const started = new Calls<void>();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    webhooks.on('*', async () => {
      started.push();
      await done;
      return { handled: true };
    });
    const first = delivery();
    const answered = request(app).post('/webhooks/stripe').set(first.headers).send(first.body).then((res) => res);
    await started.until(1);
    const closing = webhooks.close();
    const second = delivery();
    const refused = await request(app).post('/webhooks/stripe').set(second.headers).send(second.body);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '30');
    assert.deepEqual(refused.body, { error: { code: 'ERR_WEBHOOKS_SHUTTING_DOWN', message: '[@agentway/webhooks] the server is shutting down; retry later' } });
    finish();
    const res = await answered;
    assert.deepEqual([res.status, res.body], [200, { handled: true }]);
    await closing;
  });
});
