import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import type { Express } from 'express';
import request from 'supertest';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRuntime, echoAgent, type RunHandle } from '@agentway/agents';
import { forEachExpress } from '@agentway/test-harness';
import { signWebhook } from '@agentway/testing';
import {
  ATTEMPTS_HEADER, ERROR_HEADER, FAILED_HEADER, HANDLED_HEADER, WebhookRouter, type WebhookEvent, type WebhookRouterOptions, type WebhooksError,
} from '@agentway/webhooks';
import { Calls } from './support/calls';
import { fixtures, freshId, nowSeconds } from './support/scheme-fixtures';

const STRIPE_SECRET = fixtures[0]!.secret;
const stripeDelivery = (id = freshId(), type = 'payment_intent.succeeded') =>
  signWebhook({ scheme: 'stripe', secret: STRIPE_SECRET, payload: { id, object: 'event', type, data: { object: { id: 'pi_42', amount: 2000 } } } });

forEachExpress('WebhookRouter', (express) => {
  let broker: Broker;
  let routers: WebhookRouter[];
  let errors: WebhooksError[];

  beforeEach(() => {
    broker = createMemoryBroker();
    routers = [];
    errors = [];
  });

  afterEach(async () => {
    await Promise.all(routers.map((r) => r.close()));
    await broker.close();
  });

  function mount(options: Partial<WebhookRouterOptions> = {}): { webhooks: WebhookRouter; app: Express } {
    const webhooks = new WebhookRouter({
      broker,
      sources: [{ scheme: 'stripe', secret: STRIPE_SECRET }, ...fixtures.filter((f) => f.scheme !== 'stripe').map((f) => ({ scheme: f.scheme, secret: f.secret, ...f.options }))],
      onError: (error) => { errors.push(error); },
      ...options,
    } as WebhookRouterOptions);
    routers.push(webhooks);
    const app = express();
    app.use('/webhooks', webhooks.router());
    return { webhooks, app };
  }

  describe('in async mode (the default)', () => {
    it('should answer 200 and run the handler from the topic', async () => {
      const { webhooks, app } = mount();
      const calls = new Calls<[WebhookEvent, number]>();
      webhooks.on('stripe.payment_intent.succeeded', (event, { attempt }) => { calls.push([event, attempt]); });
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200, { received: true });
      const [[event, attempt]] = (await calls.until(1)) as [[WebhookEvent, number]];
      assert.deepEqual([event.source, event.scheme, event.id, event.type, event.name, event.payload.data.object.id, attempt],
        ['stripe', 'stripe', id, 'payment_intent.succeeded', 'stripe.payment_intent.succeeded', 'pi_42', 1]);
    });

    it('should publish each verified delivery on webhooks.<source> with its name and id in the headers', async () => {
      const { app } = mount();
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
      const info = await broker.describe<WebhookEvent>('webhooks.stripe');
      assert.equal(info?.length, 1);
      assert.equal(info!.last!.key, id);
      assert.deepEqual(info!.last!.headers, { 'webhook-name': 'stripe.payment_intent.succeeded', 'webhook-source': 'stripe', 'webhook-id': id });
      assert.deepEqual(info!.last!.value.payload, JSON.parse(body));
    });

    for (const f of fixtures) {
      it(`should take a ${f.scheme} delivery on /webhooks/${f.scheme} once, and answer its duplicate 200`, async () => {
        const { webhooks, app } = mount();
        const calls = new Calls<string>();
        webhooks.on('*', (event) => { calls.push(event.name); });
        const id = freshId();
        const body = f.body(id);
        const first = await f.sign(body, { secret: f.secret, timestamp: nowSeconds(), id });
        await request(app).post(`/webhooks/${f.scheme}`).set(first).send(body).expect(200, { received: true });
        const retry = await f.sign(body, { secret: f.secret, timestamp: nowSeconds(), id });
        await request(app).post(`/webhooks/${f.scheme}`).set(retry).send(body).expect(200, { received: true, duplicate: true });
        assert.deepEqual(await calls.until(1), [f.name]);
        assert.equal((await broker.describe(`webhooks.${f.scheme}`))?.length, 1);
      });
    }

    it('should publish nothing and run nothing for a delivery it refuses', async () => {
      const { webhooks, app } = mount();
      let called = false;
      webhooks.on('*', () => { called = true; });
      const { headers, body } = stripeDelivery();
      await request(app).post('/webhooks/stripe').set(headers).send(body.replace('2000', '2001'))
        .expect(401).expect((res) => assert.equal(res.body.error.code, 'ERR_WEBHOOKS_INVALID_SIGNATURE'));
      assert.equal(await broker.describe('webhooks.stripe'), undefined);
      assert.equal(called, false);
    });

    it('should answer Slack\'s url_verification without publishing it', async () => {
      const { app } = mount();
      const slack = fixtures.find((f) => f.scheme === 'slack')!;
      const { headers, body } = signWebhook({ scheme: 'slack', secret: slack.secret, payload: { type: 'url_verification', challenge: 'c-1' } });
      await request(app).post('/webhooks/slack').set(headers).send(body).expect(200, { challenge: 'c-1' });
      assert.equal(await broker.describe('webhooks.slack'), undefined);
    });
  });

  describe('dispatching by event type', () => {
    it('should call handlers on exact names, prefix wildcards, "*" and GitHub events without their action', async () => {
      const { webhooks, app } = mount({ mode: 'sync' });
      const seen: string[] = [];
      for (const pattern of ['stripe.payment_intent.succeeded', 'stripe.*', 'stripe.payment_intent.*', '*', 'stripe.invoice.paid', 'github.issues', 'github.*', 'github.issues.closed', 'slack.*']) {
        webhooks.on(pattern, (event) => { seen.push(`${pattern} <- ${event.name}`); });
      }
      const stripe = stripeDelivery();
      await request(app).post('/webhooks/stripe').set(stripe.headers).send(stripe.body).expect(200);
      const gh = fixtures.find((f) => f.scheme === 'github')!;
      const body = gh.body('x');
      await request(app).post('/webhooks/github').set(await gh.sign(body, { secret: gh.secret, timestamp: nowSeconds(), id: freshId() })).send(body).expect(200);
      assert.deepEqual(seen, [
        'stripe.payment_intent.succeeded <- stripe.payment_intent.succeeded',
        'stripe.* <- stripe.payment_intent.succeeded',
        'stripe.payment_intent.* <- stripe.payment_intent.succeeded',
        '* <- stripe.payment_intent.succeeded',
        '* <- github.issues.opened',
        'github.issues <- github.issues.opened',
        'github.* <- github.issues.opened',
      ]);
    });

    it('should refuse a malformed pattern or a handler that is not a function', () => {
      const { webhooks } = mount();
      for (const pattern of ['', 'stripe.*.paid', '*.paid', 'stripe.**', 'a b', 42]) {
        assert.throws(() => webhooks.on(pattern as string, () => undefined), { name: 'TypeError', code: 'ERR_WEBHOOKS_INVALID_EVENT_PATTERN' }, String(pattern));
      }
      assert.throws(() => webhooks.on('stripe.*', 'handler' as never), { name: 'TypeError', message: '[@agentway/webhooks] the handler for "stripe.*" must be a function, got string' });
    });
  });

  describe('when a handler fails', () => {
    let clock: FakeTimers.Clock;
    beforeEach(() => { clock = FakeTimers.install({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }); });
    afterEach(() => clock.uninstall());

    it('should retry only the failed handler after the back-off, and log each failure with the delivery id', async () => {
      const { webhooks, app } = mount({ retry: { attempts: 5, delay: 1000, factor: 4 } });
      const flaky = new Calls<number>();
      const steady = new Calls<number>();
      webhooks.on('stripe.*', (_event, { attempt }) => {
        flaky.push(attempt);
        if (attempt < 3) throw new Error(`flaky ${attempt}`);
      });
      webhooks.on('*', (_event, { attempt }) => { steady.push(attempt); });
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
      await flaky.until(1);
      await clock.tickAsync(999);
      assert.deepEqual(flaky.items, [1]);
      await clock.tickAsync(1);
      await flaky.until(2);
      await clock.tickAsync(4000);
      await flaky.until(3);
      await clock.tickAsync(120_000); // past the ack timeout: a settled delivery is not handed out again
      assert.deepEqual(flaky.items, [1, 2, 3]);
      assert.deepEqual(steady.items, [1]);
      assert.deepEqual(errors.map((e) => [e.code, e.deliveryId, e.message]), [1, 2].map((n) => ['ERR_WEBHOOKS_HANDLER_FAILED', id,
        `[@agentway/webhooks] handler for "stripe.*" failed on delivery ${id} (stripe.payment_intent.succeeded), attempt ${n} of 5: Error: flaky ${n}`]));
    });

    it('should move the delivery to the dead-letter topic after the last attempt', async () => {
      const { webhooks, app } = mount({ retry: { attempts: 3, delay: 100, factor: 2 } });
      const calls = new Calls<number>();
      webhooks.on('stripe.payment_intent.succeeded', (_event, { attempt }) => {
        calls.push(attempt);
        return Promise.reject(new Error('card service down'));
      });
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
      await calls.until(1);
      await clock.tickAsync(100);
      await calls.until(2);
      await clock.tickAsync(200);
      await calls.until(3);
      await clock.tickAsync(1000);
      const dead = await broker.describe<WebhookEvent>('webhooks.stripe.dead-letter');
      assert.equal(dead?.length, 1);
      assert.equal(dead!.last!.value.id, id);
      assert.deepEqual(dead!.last!.headers, {
        'webhook-name': 'stripe.payment_intent.succeeded', 'webhook-source': 'stripe', 'webhook-id': id,
        [ATTEMPTS_HEADER]: '3', [ERROR_HEADER]: 'Error: card service down', [FAILED_HEADER]: 'stripe.payment_intent.succeeded',
      });
      assert.deepEqual(calls.items, [1, 2, 3]);
      assert.deepEqual(errors.map((e) => e.code), ['ERR_WEBHOOKS_HANDLER_FAILED', 'ERR_WEBHOOKS_HANDLER_FAILED', 'ERR_WEBHOOKS_HANDLER_FAILED', 'ERR_WEBHOOKS_DEAD_LETTERED']);
      assert.equal(errors[3]!.message, `[@agentway/webhooks] delivery ${id} (stripe.payment_intent.succeeded) moved to "webhooks.stripe.dead-letter" after 3 attempt(s): Error: card service down`);
    });

    it('should keep a delivery whose handler outlives the ack timeout from going to another instance', async () => {
      const { webhooks, app } = mount({ ackTimeout: 300 });
      const started = new Calls<() => void>();
      webhooks.on('*', () => new Promise<void>((resolve) => started.push(resolve)));
      const { headers, body } = stripeDelivery();
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
      const [finish] = await started.until(1);
      const other = new WebhookRouter({ broker, ackTimeout: 300, sources: [{ scheme: 'stripe', secret: STRIPE_SECRET }] });
      routers.push(other);
      let stolen = 0;
      other.on('*', () => { stolen++; });
      await other.start();
      await clock.tickAsync(3000);
      finish!();
      await clock.tickAsync(3000);
      assert.equal(stolen, 0);
      assert.equal(started.items.length, 1);
    });

    it('should dead-letter a record on the topic that is not a delivery', async () => {
      mount();
      await broker.publish('webhooks.stripe', { value: { hello: 'world' } });
      await clock.tickAsync(10);
      const dead = await broker.describe('webhooks.stripe.dead-letter');
      assert.deepEqual(dead?.last?.value, { hello: 'world' });
      assert.equal(errors[0]!.code, 'ERR_WEBHOOKS_INVALID_RECORD');
    });
  });

  describe('in sync mode', () => {
    it('should run the handlers before answering, answer with what they return, and not run them again', async () => {
      const { webhooks, app } = mount({ mode: 'sync' });
      const calls = new Calls<string>();
      webhooks.on('stripe.payment_intent.succeeded', (event) => { calls.push(event.id!); return { fulfilled: event.payload.data.object.id }; });
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200, { fulfilled: 'pi_42' });
      assert.deepEqual(calls.items, [id]);
      const info = await broker.describe('webhooks.stripe');
      assert.equal(info!.last!.headers[HANDLED_HEADER], '1');
      // A consumer group reading the topic from its start skips the handled delivery and runs the probe after it.
      const other = new WebhookRouter({ broker, group: 'probe', sources: [{ scheme: 'stripe', secret: STRIPE_SECRET }] });
      routers.push(other);
      const again = new Calls<string>();
      other.on('*', (event) => { again.push(event.id!); });
      await other.start();
      await broker.publish('webhooks.stripe', { value: { ...(info!.last!.value as WebhookEvent), id: 'probe' } });
      assert.deepEqual(await again.until(1), ['probe']);
    });

    it('should answer 200 when a handler fails and leave the retry to the consumers, without rerunning those that succeeded', async () => {
      const clock = FakeTimers.install({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      try {
        const { webhooks, app } = mount({ mode: 'sync' });
        const ok = new Calls<number>();
        const flaky = new Calls<number>();
        webhooks.on('stripe.*', (_e, { attempt }) => { ok.push(attempt); return 'ignored when another fails'; });
        webhooks.on('stripe.payment_intent.succeeded', (_e, { attempt }) => {
          flaky.push(attempt);
          if (attempt === 1) throw new Error('not yet');
        });
        const { headers, body } = stripeDelivery();
        await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200, { received: true });
        assert.deepEqual([ok.items, flaky.items], [[1], [1]]);
        await clock.tickAsync(1000);
        await flaky.until(2);
        await clock.tickAsync(60_000);
        assert.deepEqual([ok.items, flaky.items], [[1], [1, 2]]);
        assert.deepEqual(errors.map((e) => e.code), ['ERR_WEBHOOKS_HANDLER_FAILED']);
      } finally {
        clock.uninstall();
      }
    });
  });

  describe('when the broker fails', () => {
    it('should answer 503 and let the provider\'s retry through (not as a duplicate)', async () => {
      let failures = 1;
      const flaky: Broker = {
        ...broker,
        publish: async (topic, message) => {
          if (failures-- > 0) throw new Error('connection reset');
          return broker.publish(topic, message);
        },
      };
      const { webhooks, app } = mount({ broker: flaky });
      const calls = new Calls<string>();
      webhooks.on('*', (event) => { calls.push(event.id!); });
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      const res = await request(app).post('/webhooks/stripe').set(headers).send(body).expect(503).expect('Retry-After', '30');
      assert.equal(res.body.error.code, 'ERR_WEBHOOKS_PUBLISH_FAILED');
      assert.equal(res.text.includes('connection reset'), false);
      assert.equal(errors[0]!.code, 'ERR_WEBHOOKS_PUBLISH_FAILED');
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200, { received: true });
      assert.deepEqual(await calls.until(1), [id]);
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200, { received: true, duplicate: true });
    });
  });

  describe('when the broker fails on one of two instances sharing it', () => {
    it('should let the retry through on the other instance (the claim was released on the broker)', async () => {
      let failures = 1;
      const flaky: Broker = {
        ...broker,
        publish: async (topic, message) => {
          if (failures-- > 0) throw new Error('connection reset');
          return broker.publish(topic, message);
        },
      };
      const a = mount({ broker: flaky });
      const b = mount({ broker });
      const calls = new Calls<string>();
      for (const instance of [a, b]) instance.webhooks.on('*', (event) => { calls.push(event.id!); });
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(a.app).post('/webhooks/stripe').set(headers).send(body).expect(503);
      await request(b.app).post('/webhooks/stripe').set(headers).send(body).expect(200, { received: true });
      assert.deepEqual(await calls.until(1), [id]);
    });
  });

  describe('with a bounded topic', () => {
    it('should report deliveries the broker\'s retention trimmed before they were handled', async () => {
      const { webhooks, app } = mount({ retention: { maxLength: 2 }, concurrency: 1 });
      const seen = new Calls<string>();
      let release!: () => void;
      const blocked = new Promise<void>((resolve) => { release = resolve; });
      webhooks.on('*', async (event) => {
        seen.push(event.id!);
        if (seen.items.length === 1) await blocked;
      });
      const ids = Array.from({ length: 5 }, () => freshId());
      const first = stripeDelivery(ids[0]);
      await request(app).post('/webhooks/stripe').set(first.headers).send(first.body).expect(200);
      await seen.until(1);
      for (const id of ids.slice(1)) {
        const { headers, body } = stripeDelivery(id);
        await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
      }
      release();
      assert.deepEqual(await seen.until(3), [ids[0], ids[3], ids[4]]);
      assert.deepEqual(errors.map((e) => [e.code, e.message]), [['ERR_WEBHOOKS_RECORDS_TRIMMED',
        '[@agentway/webhooks] 2 deliveries on "webhooks.stripe" were trimmed by the broker\'s retention before they were handled']]);
    });
  });

  describe('across restarts and instances', () => {
    it('should hand a delivery whose handler was interrupted by close() to the next instance', async () => {
      const first = mount({ shutdownTimeout: 0 }).webhooks;
      const { app } = { app: express().use('/webhooks', first.router()) };
      const started = new Calls<AbortSignal>();
      first.on('*', (_event, { signal }) => {
        started.push(signal);
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      });
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
      const [signal] = await started.until(1);
      await first.close();
      assert.equal(signal!.aborted, true);
      const second = new WebhookRouter({ broker, sources: [{ scheme: 'stripe', secret: STRIPE_SECRET }] });
      routers.push(second);
      const resumed = new Calls<[string, number]>();
      second.on('*', (event, { attempt }) => { resumed.push([event.id!, attempt]); });
      await second.start();
      assert.deepEqual(await resumed.until(1), [[id, 1]]);
    });

    it('should only receive with consume: false, leaving the handlers to the instances that consume', async () => {
      const receiver = mount({ consume: false });
      let ranHere = false;
      receiver.webhooks.on('*', () => { ranHere = true; });
      const worker = new WebhookRouter({ broker, sources: [{ scheme: 'stripe', secret: STRIPE_SECRET }] });
      routers.push(worker);
      const calls = new Calls<string>();
      worker.on('*', (event) => { calls.push(event.id!); });
      await worker.start();
      const id = freshId();
      const { headers, body } = stripeDelivery(id);
      await request(receiver.app).post('/webhooks/stripe').set(headers).send(body).expect(200);
      assert.deepEqual(await calls.until(1), [id]);
      assert.equal(ranHere, false);
    });
  });

  describe('the original design\'s example', () => {
    it('should start an agent run for stripe.payment_intent.succeeded', async () => {
      const runtime = createRuntime({ broker, agents: [echoAgent()] });
      try {
        const { webhooks, app } = mount();
        const runs = new Calls<RunHandle>();
        webhooks.on('stripe.payment_intent.succeeded', async (event) => {
          const run = await runtime.start({ input: { messages: [{ role: 'user', content: `Payment ${event.payload.data.object.id} succeeded` }] } });
          runs.push(run);
        });
        const { headers, body } = stripeDelivery();
        await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
        const [run] = await runs.until(1);
        const result = await runtime.result(run!.runId);
        assert.deepEqual([result.status, result.output], ['completed', 'Payment pi_42 succeeded']);
      } finally {
        await runtime.close();
      }
    });
  });

  describe('options', () => {
    it('should check its options once, at construction', () => {
      const bad = (options: unknown, expected: { code: string; message: string | RegExp }) =>
        assert.throws(() => new WebhookRouter(options as WebhookRouterOptions), { name: 'TypeError', ...expected });
      bad({}, { code: 'ERR_WEBHOOKS_MISSING_OPTION', message: '[@agentway/webhooks] option "sources" is required' });
      bad({ sources: [{ scheme: 'stripe', secert: 'x' }] }, { code: 'ERR_WEBHOOKS_UNKNOWN_OPTION', message: '[@agentway/webhooks] unknown option "sources[0].secert"; did you mean "secret"?' });
      bad({ sources: [{ scheme: 'stripe' }] }, { code: 'ERR_WEBHOOKS_MISSING_OPTION', message: '[@agentway/webhooks] option "sources[0].secret" (or "sources[0].secrets") is required' });
      bad({ sources: [{ scheme: 'stripe', secret: 'a' }, { scheme: 'stripe', secret: 'b' }] },
        { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "sources[1].name" repeats "stripe"; give each source its own name and path' });
      bad({ sources: [{ scheme: 'stripe', secret: 'a', path: '/hooks/*' }] }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: /option "sources\[0\]\.path" must be a path of literal and :param segments/ });
      bad({ sources: [{ scheme: 'stripe', secret: 'a' }], mode: 'later' }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "mode" must be one of "async", "sync", got "later"' });
      bad({ sources: [{ scheme: 'stripe', secret: 'a' }], retry: { attempt: 3 } }, { code: 'ERR_WEBHOOKS_UNKNOWN_OPTION', message: '[@agentway/webhooks] unknown option "retry.attempt"; did you mean "attempts"?' });
      bad({ sources: [{ scheme: 'stripe', secret: 'a' }], broker: {} }, { code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "broker" must be a Broker, got an object' });
    });

    it('should mount sources at their own paths and publish on their own topics', async () => {
      const { app } = mount({ sources: [{ scheme: 'stripe', secret: STRIPE_SECRET, name: 'billing', path: '/pay/:account', topic: 'billing-events' }] });
      const { headers, body } = stripeDelivery();
      await request(app).post('/webhooks/pay/acct_1').set(headers).send(body).expect(200);
      assert.equal((await broker.describe<WebhookEvent>('billing-events'))?.last?.value.name, 'billing.payment_intent.succeeded');
      await request(app).post('/webhooks/stripe').set(headers).send(body).expect(404);
      await request(app).post('/webhooks/pay/').set(headers).send(body).expect(404);
      await request(app).post('/webhooks/pay/acct_1/more').set(headers).send(body).expect(404);
    });

    it('should match paths as an Express router does: any case, one trailing slash, POST only, the rest passed on', async () => {
      const { app } = mount();
      app.use((req, res) => { res.status(404).json({ passedOn: `${req.method} ${req.originalUrl}` }); });
      const first = stripeDelivery();
      await request(app).post('/webhooks/Stripe/').set(first.headers).send(first.body).expect(200, { received: true });
      await request(app).get('/webhooks/stripe').expect(404, { passedOn: 'GET /webhooks/stripe' });
      await request(app).post('/webhooks/paypal').send({}).expect(404, { passedOn: 'POST /webhooks/paypal' });
      await request(app).post('/elsewhere/stripe').send({}).expect(404, { passedOn: 'POST /elsewhere/stripe' });
    });

    it('should refuse router() and start() once closed', async () => {
      const webhooks = new WebhookRouter({ sources: [{ scheme: 'github', secret: 's' }] });
      await webhooks.close();
      assert.throws(() => webhooks.router(), { code: 'ERR_WEBHOOKS_CLOSED', message: '[@agentway/webhooks] the WebhookRouter is closed' });
      assert.throws(() => webhooks.start(), { code: 'ERR_WEBHOOKS_CLOSED' });
    });
  });
});
