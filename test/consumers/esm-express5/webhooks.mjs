import express from 'express';
import { createMemoryBroker } from '@agentway/broker';
import { WebhookRouter } from '@agentway/webhooks';

/** An Express 5 app that takes Standard Webhooks deliveries at /webhooks/billing and hands them to `onPaid`. */
export function createWebhookApp({ secret, onPaid }) {
  const broker = createMemoryBroker();
  const webhooks = new WebhookRouter({ broker, sources: [{ scheme: 'standard-webhooks', name: 'billing', secret }] });
  webhooks.on('billing.invoice.paid', (event) => onPaid(event));
  const app = express();
  app.use('/webhooks', webhooks.router());
  app.use(express.json());
  app.get('/status', (req, res) => { res.json({ ok: true }); });
  return {
    app,
    async close() {
      await webhooks.close();
      await broker.close();
    },
  };
}
