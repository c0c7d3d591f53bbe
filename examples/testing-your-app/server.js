'use strict';

const { createServer } = require('node:http');
const { defineAgent, echoAgent } = require('@agentway/agents');
const { createApp } = require('./app');

/** A stand-in for a model: labels an issue by its title. */
const triage = defineAgent({
  name: 'triage',
  description: 'Labels a GitHub issue: bug or question.',
  run: function (input) {
    const title = input.messages[input.messages.length - 1].content;
    return /crash|broken|error|fail/i.test(title) ? 'bug' : 'question';
  },
});

const port = Number(process.env.PORT || 3000);
const { app, attach, close } = createApp({ agents: [echoAgent(), triage], githubSecret: process.env.GITHUB_WEBHOOK_SECRET || 'dev-secret' });
const server = createServer(app);
attach(server);
server.listen(port, '127.0.0.1', function () {
  console.log('support desk on http://127.0.0.1:' + port);
});

function stop() {
  server.close();
  close().then(function () { process.exit(0); });
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
