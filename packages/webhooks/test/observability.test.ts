import assert from 'node:assert/strict';
import type { Request } from 'express';
import request from 'supertest';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { observe, type BrokerLagMessage, type Logger, type WebhookDeliveryMessage } from '@agentway/observability';
import { forEachExpress } from '@agentway/test-harness';
import { signWebhook } from '@agentway/testing';
import { WebhookRouter, webhookVerify } from '@agentway/webhooks';
import { Calls } from './support/calls';
import { fixtures, freshId } from './support/scheme-fixtures';

const SECRET = fixtures[0]!.secret;
const delivery = (id = freshId()) => signWebhook({ scheme: 'stripe', secret: SECRET, payload: { id, object: 'event', type: 'invoice.paid', data: {} } });

/** A logger that keeps what it is told: [level, fields, message]. */
function recordingLogger(): Logger & { lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message ?? '']); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

forEachExpress('webhooks observability', (express) => {
  let broker: Broker;
  let stop: (() => void) | undefined;
  const routers: WebhookRouter[] = [];

  beforeEach(() => {
    broker = createMemoryBroker();
  });

  afterEach(async () => {
    stop?.();
    stop = undefined;
    await Promise.all(routers.splice(0).map((r) => r.close()));
    await broker.close();
  });

  it('should publish each delivery\'s result on agentway:webhook:delivery and the handlers\' broker lag', async () => {
    const deliveries: WebhookDeliveryMessage[] = [];
    const lags: BrokerLagMessage[] = [];
    stop = observe({ webhookDelivery: (m) => deliveries.push(m), brokerLag: (m) => lags.push(m) });
    let failPublish = false;
    const flaky: Broker = Object.create(broker);
    flaky.publish = (topic, message) => (failPublish ? Promise.reject(new Error('redis is down')) : broker.publish(topic, message));
    const webhooks = new WebhookRouter({ broker: flaky, sources: [{ scheme: 'stripe', secret: SECRET, name: 'shop' }], onError: () => undefined });
    routers.push(webhooks);
    const handled = new Calls<string>();
    webhooks.on('*', (event) => { handled.push(event.id!); });
    const app = express().use('/webhooks', webhooks.router());
    const ok = delivery();
    await request(app).post('/webhooks/shop').set(ok.headers).send(ok.body).expect(200);
    await request(app).post('/webhooks/shop').set(ok.headers).send(ok.body).expect(200, { received: true, duplicate: true });
    await request(app).post('/webhooks/shop').set({ ...ok.headers, 'stripe-signature': 't=1,v1=00' }).send(ok.body).expect(401);
    failPublish = true;
    const lost = delivery();
    await request(app).post('/webhooks/shop').set(lost.headers).send(lost.body).expect(503);
    await handled.until(1);
    assert.deepEqual(deliveries, [
      { source: 'shop', scheme: 'stripe', result: 'accepted', status: 200 },
      { source: 'shop', scheme: 'stripe', result: 'duplicate', status: 200 },
      { source: 'shop', scheme: 'stripe', result: 'rejected', status: 401 },
      { source: 'shop', scheme: 'stripe', result: 'failed', status: 503 },
    ]);
    assert.deepEqual(lags.map((m) => [m.kind, m.topic, m.lag >= 0 && m.lag < 5000]), [['webhook_deliveries', 'webhooks.shop', true]]);
  });

  it('should log refusals as warnings through req.log, and handler failures through its logger when there is no onError', async () => {
    const logger = recordingLogger();
    const requestLog = recordingLogger();
    const webhooks = new WebhookRouter({ broker, sources: [{ scheme: 'stripe', secret: SECRET }], logger, retry: { attempts: 1 } });
    routers.push(webhooks);
    const failed = new Calls<void>();
    webhooks.on('*', () => {
      failed.push();
      throw new Error('the CRM is down');
    });
    const app = express();
    app.use((req, _res, next) => { (req as Request & { log: Logger }).log = requestLog; next(); });
    app.use('/webhooks', webhooks.router());
    const { headers, body } = delivery();
    await request(app).post('/webhooks/stripe').set({ ...headers, 'stripe-signature': 't=1,v1=00' }).send(body).expect(401);
    await request(app).post('/webhooks/stripe').set(headers).send(body).expect(200);
    await failed.until(1);
    await webhooks.close();
    assert.deepEqual(requestLog.lines.map(([level, fields]) => [level, fields.source, fields.code, fields.status]), [['warn', 'stripe', 'ERR_WEBHOOKS_INVALID_SIGNATURE', 401]]);
    assert.deepEqual(logger.lines.map(([level, fields]) => [level, fields.code]), [['error', 'ERR_WEBHOOKS_HANDLER_FAILED'], ['error', 'ERR_WEBHOOKS_DEAD_LETTERED']]);
  });

  it('should publish webhookVerify()\'s results too, accepted meaning verified and handed on', async () => {
    const deliveries: WebhookDeliveryMessage[] = [];
    stop = observe({ webhookDelivery: (m) => deliveries.push(m) });
    const app = express();
    app.post('/hooks', webhookVerify({ scheme: 'stripe', secret: SECRET }), (_req, res) => { res.json({ ok: true }); });
    const { headers, body } = delivery();
    await request(app).post('/hooks').set(headers).send(body).expect(200, { ok: true });
    await request(app).post('/hooks').set({}).send(body).expect(401);
    assert.deepEqual(deliveries.map((m) => [m.result, m.status]), [['accepted', 200], ['rejected', 401]]);
  });

  it('should refuse a logger or a shutdownTimeout that is not one', () => {
    assert.throws(() => new WebhookRouter({ sources: [{ scheme: 'stripe', secret: SECRET }], logger: {} as Logger }), { code: 'ERR_WEBHOOKS_INVALID_OPTION' });
    assert.throws(() => new WebhookRouter({ sources: [{ scheme: 'stripe', secret: SECRET }], shutdownTimeout: -1 }), {
      code: 'ERR_WEBHOOKS_INVALID_OPTION', message: '[@agentway/webhooks] option "shutdownTimeout" must be a number >= 0, got -1',
    });
    assert.throws(() => webhookVerify({ scheme: 'stripe', secret: SECRET, logger: 'x' as never }), { code: 'ERR_WEBHOOKS_INVALID_OPTION' });
  });
});
