'use strict';

const { createServer } = require('node:http');
const express = require('express');
const { createMemoryBroker } = require('@agentway/broker');
const { createRuntime, echoAgent } = require('@agentway/agents');
const { apiKeyAuth } = require('@agentway/auth');
const { openaiCompat } = require('@agentway/openai-compat');
const { aguiStream } = require('@agentway/agui');
const { webhookVerify } = require('@agentway/webhooks');
const { a2aCard } = require('@agentway/a2a');
const { langstreamGateway } = require('@agentway/langstream-gateway');

const MANIFEST = `
gateways:
  - id: orders-in
    type: produce
    topic: orders
  - id: orders-out
    type: consume
    topic: orders
`;

/**
 * An Express 4 app as a CommonJS user writes it from the READMEs: one runtime on a memory broker
 * shared by the OpenAI-compatible API (behind an API key), AG-UI under /api, a verified Stripe
 * webhook route, an A2A card, and a LangStream gateway whose WebSockets ride on the same server.
 */
function createApp(options) {
  const broker = createMemoryBroker();
  const runtime = createRuntime({ broker, agents: [echoAgent()] });
  const langstream = langstreamGateway({ broker, manifest: MANIFEST, tenant: 'shop', application: 'orders' });

  const app = express();
  app.use(openaiCompat({ runtime, auth: apiKeyAuth({ keys: [options.apiKey] }) }));
  app.use('/api', aguiStream({ runtime }));
  app.post('/hooks/stripe', webhookVerify({ scheme: 'stripe', secret: options.stripeSecret }), function stripeHook(req, res) {
    res.json({ received: req.webhook.id, type: req.webhook.type, amount: req.body.data.object.amount });
  });
  app.use('/a2a/echo', a2aCard({ agent: runtime.agents.get('echo'), url: 'https://agents.example.com/a2a/echo/' }));
  app.use(langstream.router);

  const server = createServer(app);
  langstream.attach(server);
  return {
    app,
    server,
    async close() {
      await langstream.close();
      await runtime.close();
      await broker.close();
    },
  };
}

module.exports = { createApp };
