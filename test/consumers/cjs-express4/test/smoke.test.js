'use strict';

const assert = require('node:assert/strict');
const { realpathSync } = require('node:fs');
const { join } = require('node:path');
const request = require('supertest');
const { langstreamClient, listen, parseSse, signWebhook } = require('@agentway/testing');
const { createApp } = require('../app');

const API_KEY = 'consumer-key';
const STRIPE_SECRET = 'whsec_consumer_secret';
const PACKAGES = ['a2a', 'agents', 'agui', 'auth', 'broker', 'langstream-gateway', 'openai-compat', 'webhooks', 'testing'];

describe('cjs-express4', () => {
  let consumer;
  let server;

  before(async () => {
    consumer = createApp({ apiKey: API_KEY, stripeSecret: STRIPE_SECRET });
    server = await listen(consumer.server);
  });

  after(async () => {
    await server.close();
    await consumer.close();
  });

  it('should load every package from its tarball, on Express 4.22.3', () => {
    assert.equal(require('express/package.json').version, '4.22.3');
    for (const name of PACKAGES) {
      const resolved = require.resolve(`@agentway/${name}`);
      assert.equal(resolved, join(__dirname, '..', 'node_modules', '@agentway', name, 'dist', 'index.js'));
      assert.equal(realpathSync(resolved), resolved, `@agentway/${name} is a link, not an installed tarball`);
    }
  });

  describe('openaiCompat()', () => {
    it('should 200 a chat completion with the echo agent', async () => {
      const res = await request(consumer.app).post('/v1/chat/completions').set('Authorization', `Bearer ${API_KEY}`)
        .send({ model: 'echo', messages: [{ role: 'user', content: 'hello from a tarball' }] })
        .expect(200).expect('Content-Type', 'application/json; charset=utf-8');
      const { id, created, ...rest } = res.body;
      assert.match(id, /^chatcmpl-[0-9a-f-]{36}$/);
      assert.equal(typeof created, 'number');
      assert.deepEqual(rest, {
        object: 'chat.completion',
        model: 'echo',
        choices: [{ index: 0, message: { role: 'assistant', content: 'hello from a tarball', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      });
    });

    it('should 401 without an API key, in the OpenAI error envelope', async () => {
      await request(consumer.app).post('/v1/chat/completions').send({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] })
        .expect(401, {
          error: { message: '[@agentway/openai-compat] a credential is required: send "Authorization: Bearer <key>"', type: 'invalid_request_error', param: null, code: 'missing_api_key' },
        });
    });
  });

  describe('aguiStream()', () => {
    it('should stream a run as AG-UI events', async () => {
      const res = await request(consumer.app).post('/api/agui/runs/echo').set('Accept', 'text/event-stream')
        .send({ threadId: 'thread-1', runId: 'run-1', messages: [{ id: 'm1', role: 'user', content: 'streamed from a tarball' }], tools: [], context: [], state: {}, forwardedProps: {} })
        .expect(200).expect('Content-Type', 'text/event-stream; charset=utf-8');
      const events = parseSse(res.text).events.map((e) => JSON.parse(e.data));
      const messageId = events[1].messageId;
      assert.match(messageId, /^msg_[0-9a-f-]{36}$/);
      assert.deepEqual(events, [
        { type: 'RUN_STARTED', threadId: 'thread-1', runId: 'run-1', metadata: { agentName: 'echo' } },
        { type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: 'streamed' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: ' from' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: ' a' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: ' tarball' },
        { type: 'TEXT_MESSAGE_END', messageId },
        { type: 'RUN_FINISHED', threadId: 'thread-1', runId: 'run-1', result: 'streamed from a tarball' },
      ]);
    });
  });

  describe('webhookVerify()', () => {
    const payload = { id: 'evt_consumer_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1', amount: 4200 } } };

    it('should 200 a Stripe delivery signed by signWebhook()', async () => {
      const { headers, body } = signWebhook({ scheme: 'stripe', secret: STRIPE_SECRET, payload });
      await request(consumer.app).post('/hooks/stripe').set(headers).send(body)
        .expect(200, { received: 'evt_consumer_1', type: 'payment_intent.succeeded', amount: 4200 });
    });

    it('should 401 a delivery whose body was changed', async () => {
      const { headers, body } = signWebhook({ scheme: 'stripe', secret: STRIPE_SECRET, payload });
      await request(consumer.app).post('/hooks/stripe').set(headers).send(body.replace('4200', '4300'))
        .expect(401, { error: { code: 'ERR_WEBHOOKS_INVALID_SIGNATURE', message: '[@agentway/webhooks] the signature does not verify: no signature matches the body' } });
    });
  });

  describe('a2aCard()', () => {
    it('should 200 the A2A 1.0 card of the echo agent', async () => {
      await request(consumer.app).get('/a2a/echo/.well-known/agent-card.json').set('A2A-Version', '1.0')
        .expect(200).expect('Content-Type', 'application/json; charset=utf-8')
        .expect({
          name: 'echo',
          description: 'Answers with exactly the text of the last user message, streamed word by word.',
          version: '1.0.0',
          supportedInterfaces: [
            { url: 'https://agents.example.com/a2a/echo/', protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
            { url: 'https://agents.example.com/a2a/echo/', protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
          ],
          capabilities: { streaming: true, pushNotifications: false },
          defaultInputModes: ['text/plain', 'application/json'],
          defaultOutputModes: ['text/plain'],
          skills: [{ id: 'echo', name: 'Echo', description: 'Repeats the last user message.', tags: ['demo', 'echo'], examples: ['hello world'] }],
        });
    });
  });

  describe('langstreamGateway()', () => {
    it('should push a record produced over WebSocket to a consumer', async () => {
      const client = langstreamClient(server.url);
      try {
        const reader = await client.consume('shop/orders/orders-out');
        const writer = await client.produce('shop/orders/orders-in');
        assert.deepEqual(await writer.produce({ key: 'order-1', value: 'two teas', headers: { source: 'cjs' } }), { status: 'OK', reason: null });
        const { record, offset } = await reader.nextRecord();
        assert.deepEqual(record, { key: 'order-1', value: 'two teas', headers: { source: 'cjs' } });
        assert.match(offset, /^[A-Za-z0-9_-]+$/);
      } finally {
        await client.close();
      }
    });
  });
});
