import assert from 'node:assert/strict';
import request from 'supertest';
import { createGateway, type Gateway } from '@agentway/gateway';
import { forEachExpress } from '@agentway/test-harness';
import { signWebhook } from '@agentway/testing';
import { WebhookRouter, type WebhookEvent } from '@agentway/webhooks';

forEachExpress('createGateway() with the webhooks feature', () => {
  let gateway: Gateway | undefined;
  let worker: WebhookRouter | undefined;

  afterEach(async () => {
    await worker?.close();
    await gateway?.close();
    gateway = worker = undefined;
  });

  const stripe = (secret: string, id = `evt_${Date.now()}_${Math.random()}`) =>
    signWebhook({ scheme: 'stripe', secret, payload: { id, type: 'invoice.paid', data: { object: { id: 'in_1' } } } });

  it('should mount each route, verify it and publish it on its topic, outside the API keys', async () => {
    gateway = await createGateway({
      apiKeys: ['sk-gw'],
      webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: 'whsec_cfg' }, { name: 'acme', scheme: 'hmac-sha256', secret: 'k', path: '/hooks/acme', topic: 'acme-in', signaturePrefix: 'sha256=' }] },
    }, { env: {} });
    assert.deepEqual(gateway.endpoints.filter((e) => e.includes('hook')), ['POST /webhooks/stripe (stripe)', 'POST /hooks/acme (hmac-sha256)']);
    const { headers, body } = stripe('whsec_cfg', 'evt_gw_1');
    await request(gateway.app).post('/webhooks/stripe').set(headers).send(body).expect(200, { received: true });
    await request(gateway.app).post('/webhooks/stripe').set(headers).send(body).expect(200, { received: true, duplicate: true });
    await request(gateway.app).post('/webhooks/stripe').set(stripe('whsec_other').headers).send(body).expect(401);
    const info = await gateway.broker.describe<WebhookEvent>('webhooks.stripe');
    assert.deepEqual([info?.length, info?.last?.value.name, info?.last?.value.id], [1, 'stripe.invoice.paid', 'evt_gw_1']);
    const acme = signWebhook({ scheme: 'hmac-sha256', secret: 'k', signaturePrefix: 'sha256=', payload: { type: 'order.created' } });
    await request(gateway.app).post('/hooks/acme').set(acme.headers).send(acme.body).expect(200);
    assert.equal((await gateway.broker.describe<WebhookEvent>('acme-in'))?.last?.value.name, 'acme.order.created');
  });

  it('should take secrets from AGENTWAY_WEBHOOK_<NAME>_SECRET(S) over the file', async () => {
    gateway = await createGateway({ webhooks: { routes: [{ name: 'gh-main', scheme: 'github', secret: 'from-file' }] } },
      { env: { AGENTWAY_WEBHOOK_GH_MAIN_SECRETS: 'new-one, old-one' } });
    for (const secret of ['new-one', 'old-one']) {
      const { headers, body } = signWebhook({ scheme: 'github', secret, payload: { zen: secret } });
      await request(gateway.app).post('/webhooks/gh-main').set(headers).send(body).expect(200);
    }
    const { headers, body } = signWebhook({ scheme: 'github', secret: 'from-file', payload: { zen: 'file' } });
    await request(gateway.app).post('/webhooks/gh-main').set(headers).send(body).expect(401);
    await gateway.close();
    gateway = await createGateway({ webhooks: { routes: [{ name: 'gh-main', scheme: 'github' }] } }, { env: { AGENTWAY_WEBHOOK_GH_MAIN_SECRET: 'single' } });
    const single = signWebhook({ scheme: 'github', secret: 'single', payload: { zen: 'one' } });
    await request(gateway.app).post('/webhooks/gh-main').set(single.headers).send(single.body).expect(200);
  });

  it('should leave the handlers to a WebhookRouter worker on the same broker', async () => {
    gateway = await createGateway({ webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: 'whsec_w' }] } }, { env: {} });
    worker = new WebhookRouter({ broker: gateway.broker, sources: [{ scheme: 'stripe', secret: 'whsec_w' }] });
    const handled = new Promise<string>((resolve) => worker!.on('stripe.invoice.paid', (event) => resolve(event.id!)));
    await worker.start();
    const { headers, body } = stripe('whsec_w', 'evt_worker');
    await request(gateway.app).post('/webhooks/stripe').set(headers).send(body).expect(200);
    assert.equal(await handled, 'evt_worker');
  });

  it('should reject a route without a secret, naming the environment variable', async () => {
    await assert.rejects(createGateway({ webhooks: { routes: [{ name: 'stripe', scheme: 'stripe' }] } }, { env: {} }), {
      code: 'ERR_GATEWAY_MISSING_OPTION',
      message: '[@agentway/gateway] option "webhooks.routes[0].secret" (or "webhooks.routes[0].secrets") is required (or set AGENTWAY_WEBHOOK_STRIPE_SECRET)',
    });
  });

  it('should reject a wrong webhooks section with the option\'s path', async () => {
    await assert.rejects(createGateway({ webhooks: { routes: [{ name: 'x', scheme: 'paypal', secret: 's' }] } }, { env: {} }), {
      code: 'ERR_GATEWAY_INVALID_OPTION', message: /^\[@agentway\/gateway\] option "webhooks\.routes\[0\]\.scheme" must be one of "stripe", /,
    });
    await assert.rejects(createGateway({ webhooks: { routes: [{ name: 'x', scheme: 'stripe', secrets: 's' }] } }, { env: {} }), {
      code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "webhooks.routes[0].secrets" must be a non-empty array, got "s"',
    });
    await assert.rejects(createGateway({ webhooks: { routes: [{ name: 'x', scheme: 'stripe', secret: 's', tolerence: 1 }] } }, { env: {} }), {
      code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "webhooks.routes[0].tolerence"; did you mean "tolerance"?',
    });
    await assert.rejects(createGateway({ webhooks: { routes: [{ name: 'x', scheme: 'github', secret: 's', tolerance: 60 }] } }, { env: {} }), {
      code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "webhooks.routes[0].tolerance" has no effect: this scheme signs no timestamp',
    });
  });

  it('should mount nothing without routes, and nothing when the feature is off', async () => {
    gateway = await createGateway({}, { env: {} });
    assert.equal(gateway.endpoints.some((e) => e.includes('webhooks')), false);
    await gateway.close();
    gateway = await createGateway({ features: { webhooks: false }, webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: 'whsec_x' }] } }, { env: {} });
    const { headers, body } = stripe('whsec_x');
    await request(gateway.app).post('/webhooks/stripe').set(headers).send(body).expect(404);
  });
});
