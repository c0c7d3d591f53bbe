'use strict';

const express = require('express');
const { createMemoryBroker } = require('@agentway/broker');
const { createRuntime } = require('@agentway/agents');
const { openaiCompat } = require('@agentway/openai-compat');
const { aguiStream } = require('@agentway/agui');
const { WebhookRouter } = require('@agentway/webhooks');
const { langstreamGateway } = require('@agentway/langstream-gateway');

/** Dashboards follow triage outcomes over a LangStream consume gateway. */
const MANIFEST = `
gateways:
  - id: triage
    type: consume
    topic: triage
`;

/**
 * A support desk: its own JSON API, plus agents on the wire — an OpenAI-compatible API and AG-UI
 * streams for its chat UI, a GitHub webhook whose opened issues the `triage` agent labels, and a
 * LangStream gateway that pushes each label to dashboards. The agents come in as an option, so
 * that tests give it scripted ones.
 *
 * @param {{ agents: import('@agentway/agents').Agent[], githubSecret: string }} options
 */
function createApp(options) {
  const broker = createMemoryBroker();
  const runtime = createRuntime({ broker, agents: options.agents });
  const gateway = langstreamGateway({ broker, manifest: MANIFEST, tenant: 'desk', application: 'support' });
  // sync: the handler runs before GitHub gets its answer (it takes one short agent run).
  const webhooks = new WebhookRouter({ broker, mode: 'sync', sources: [{ scheme: 'github', secret: options.githubSecret }] });

  webhooks.on('github.issues.opened', async function triageIssue(event) {
    const { number, title } = event.payload.issue;
    const run = await runtime.start({ agent: 'triage', input: { messages: [{ role: 'user', content: title }] } });
    const result = await runtime.result(run.runId);
    const label = result.status === 'completed' ? result.output : 'needs-human';
    await broker.publish('triage', { key: String(number), value: { issue: number, label: label } });
    return { issue: number, label: label };
  });

  const app = express();
  app.set('x-powered-by', false);
  app.use('/webhooks', webhooks.router());
  app.use(openaiCompat({ runtime: runtime }));
  app.use(aguiStream({ runtime: runtime }));
  app.use(gateway.router);
  app.get('/api/health', function health(req, res) {
    res.json({ ok: true, agents: options.agents.map(function (agent) { return agent.name; }) });
  });

  return {
    app: app,
    /** Serves the LangStream WebSockets on the app's HTTP server. */
    attach: function attach(server) { gateway.attach(server); },
    close: async function close() {
      await webhooks.close();
      await gateway.close();
      await runtime.close();
      await broker.close();
    },
  };
}

module.exports = { createApp: createApp };
