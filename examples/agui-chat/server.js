'use strict';
const { join } = require('node:path');
const express = require('express');
const { createGateway } = require('@agentway/gateway');

/**
 * The gateway (every feature on, the demo agents `echo` and `clock`, AG-UI at /agui/…) with the
 * chat page at /chat/. `config` is a gateway config (agents, apiKeys, broker …); `env` the
 * environment overrides (PORT, AGENTWAY_*; default process.env).
 */
async function startChatServer({ port, host, config = {}, env = process.env } = {}) {
  const gateway = await createGateway(config, { env });
  gateway.app.use('/chat', express.static(join(__dirname, 'public'), { index: 'index.html' }));
  const { url } = await gateway.listen(port, host);
  return { url: `${url}/chat/`, gateway, close: () => gateway.close() };
}

module.exports = { startChatServer };

if (require.main === module) {
  startChatServer().then(({ url }) => {
    console.log(`agentway chat on ${url}`);
  }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
