import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { WebhookRouter, webhookVerify } from '@agentway/webhooks';

export const BENCH_SECRET = 'whsec_bench_0123456789';

/**
 * `baseline`: what a developer writes by hand — `express.raw()`, parse `Stripe-Signature`, HMAC of
 * `t.body`, `timingSafeEqual`, a 300 s window, `JSON.parse`, `res.json()`.
 * `router`: `WebhookRouter` in its default mode — verify, claim the id, publish on `webhooks.stripe`
 * (memory broker), answer, and dispatch to a handler from the topic.
 * `verify`: the `webhookVerify()` middleware (verify and claim) before a route that answers.
 */
export async function createApp(side: string) {
  const app = express();
  app.disable('x-powered-by');
  if (side === 'router') {
    const webhooks = new WebhookRouter({ sources: [{ scheme: 'stripe', secret: BENCH_SECRET }] });
    let handled = 0;
    webhooks.on('stripe.*', () => { handled++; });
    app.use('/webhooks', webhooks.router());
    return app;
  }
  if (side === 'verify') {
    app.post('/webhooks/stripe', webhookVerify({ scheme: 'stripe', secret: BENCH_SECRET }), (_req, res) => { res.json({ received: true }); });
    return app;
  }
  app.post('/webhooks/stripe', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
    const header = req.get('stripe-signature') ?? '';
    let t = '';
    const signatures: Buffer[] = [];
    for (const item of header.split(',')) {
      const [key, value = ''] = item.split('=');
      if (key === 't') t = value;
      else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
    }
    const expected = createHmac('sha256', BENCH_SECRET).update(`${t}.`).update(req.body as Buffer).digest();
    if (!signatures.some((s) => timingSafeEqual(s, expected)) || Math.abs(Date.now() / 1000 - Number(t)) > 300) {
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    const event = JSON.parse((req.body as Buffer).toString('utf8')) as { type?: unknown };
    if (typeof event.type !== 'string') {
      res.status(400).json({ error: 'malformed' });
      return;
    }
    res.json({ received: true });
  });
  return app;
}
