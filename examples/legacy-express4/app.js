'use strict';

const express = require('express');
const { openaiCompat } = require('@agentway/openai-compat');
const { clockAgent, echoAgent } = require('@agentway/agents');

/**
 * The app as it was before agentway — a form, a JSON API, its own error page — plus one line:
 * `app.use(openaiCompat({ agents }))`. Nothing else changes: openaiCompat brings its own body
 * parser and error handling, and only answers under /v1.
 */
function createApp() {
  const app = express();
  app.set('x-powered-by', false);

  app.use(express.urlencoded({ extended: false }));
  app.get('/', function home(req, res) {
    res.send('<form method="post" action="/greet"><input name="name"><button>Greet</button></form>');
  });
  app.post('/greet', function greet(req, res) {
    res.send('Hello, ' + String(req.body.name || 'stranger') + '!');
  });
  app.get('/api/orders/:id', function order(req, res) {
    res.json({ id: req.params.id, status: 'shipped' });
  });
  app.get('/api/broken', function broken() {
    throw new Error('this route is broken');
  });

  // The one line that puts agents on the wire for every OpenAI client:
  const openai = openaiCompat({ agents: [echoAgent(), clockAgent()] });
  app.use(openai);

  // eslint-disable-next-line no-unused-vars
  app.use(function legacyErrorPage(err, req, res, next) {
    res.status(500).send('Something went wrong.');
  });

  return { app: app, close: function close() { return openai.close(); } };
}

module.exports = { createApp: createApp };
