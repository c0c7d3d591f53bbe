import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createClient } from 'redis';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { forEachExpress } from '@agentway/test-harness';
import { redisPrefix, signWebhook } from '@agentway/testing';
import { WebhookRouter, type IdempotencyStore } from '@agentway/webhooks';
import { Calls } from './support/calls';

forEachExpress('WebhookRouter with a Redis idempotency store', (express) => {
  const redis = redisPrefix('webhooks');
  const { prefix } = redis;
  const client = createClient({ url: redis.url });
  // What a user writes for their own store: SET NX PX, as the Redis broker's claim() does.
  const store: IdempotencyStore = {
    async claim(key, ttl) {
      return (await client.set(prefix + key, '1', { condition: 'NX', expiration: { type: 'PX', value: ttl } })) === 'OK';
    },
  };
  const brokers: Broker[] = [];
  const routers: WebhookRouter[] = [];

  before(async () => { await client.connect(); });
  after(async () => {
    await Promise.all(routers.map((r) => r.close()));
    await Promise.all(brokers.map((b) => b.close()));
    await redis.cleanup();
    client.destroy();
  });

  function instance(calls: Calls<string>) {
    const broker = createMemoryBroker();
    brokers.push(broker);
    const webhooks = new WebhookRouter({ broker, idempotency: store, sources: [{ scheme: 'github', secret: 'octo', dedupeTtl: 90_000 }] });
    routers.push(webhooks);
    webhooks.on('github.*', (event) => { calls.push(event.id!); });
    return express().use('/webhooks', webhooks.router());
  }

  it('should take a delivery once across two instances, claiming its id with an expiry', async () => {
    const a = new Calls<string>();
    const b = new Calls<string>();
    const [first, second] = [instance(a), instance(b)];
    const id = randomUUID();
    const { headers, body } = signWebhook({ scheme: 'github', secret: 'octo', payload: { action: 'opened' }, event: 'issues', id });
    await request(first).post('/webhooks/github').set(headers).send(body).expect(200, { received: true });
    // GitHub's manual redelivery, landing on the other instance: same X-GitHub-Delivery.
    await request(second).post('/webhooks/github').set(headers).send(body).expect(200, { received: true, duplicate: true });
    assert.deepEqual(await a.until(1), [id]);
    assert.deepEqual(b.items, []);
    const ttl = await client.pTTL(`${prefix}webhooks:github:${id}`);
    assert.ok(ttl > 80_000 && ttl <= 90_000, `PTTL ${ttl}`);
  });
});
