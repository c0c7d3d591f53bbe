import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { createGateway, loadConfigFile } from '@agentway/gateway';
import { langstreamClient, parseSse } from '@agentway/testing';

const AUTH = { Authorization: 'Bearer consumer-key' };
const PACKAGES = ['agents', 'broker', 'gateway', 'webhooks', 'testing', 'openai-compat', 'agui', 'langstream-gateway', 'a2a', 'auth', 'poller', 'options'];

describe('esm-express5', () => {
  it('should import every package from its tarball, on Express 5.3.0', async () => {
    const require = createRequire(import.meta.url);
    assert.equal(require('express/package.json').version, '5.3.0');
    for (const name of PACKAGES) {
      const resolved = fileURLToPath(import.meta.resolve(`@agentway/${name}`));
      assert.equal(resolved, fileURLToPath(new URL(`../node_modules/@agentway/${name}/dist/index.js`, import.meta.url)));
      assert.equal(realpathSync(resolved), resolved, `@agentway/${name} is a link, not an installed tarball`);
    }
    const { createGateway: fromDefault } = (await import('@agentway/gateway')).default;
    assert.equal(fromDefault, createGateway, 'the CommonJS exports object is the default export');
  });

  describe('createGateway() from a YAML file', () => {
    let gateway;
    let url;

    before(async () => {
      gateway = await createGateway(await loadConfigFile(fileURLToPath(new URL('../gateway.yaml', import.meta.url))), { env: {} });
      ({ url } = await gateway.listen(0, '127.0.0.1'));
    });

    after(() => gateway.close());

    it('should 200 / with its agents and endpoints, and /healthz', async () => {
      await request(url).get('/').expect(200, {
        name: 'agentway',
        agents: [{ name: 'shout', description: 'Says the last user message back in capitals, word by word.' }],
        defaultAgent: 'shout',
        endpoints: [
          'GET /', 'GET /healthz',
          'POST /agui/runs', 'POST /agui/runs/:agent', 'GET /agui/ws',
          'WS /v1/produce/shop/orders/orders-in', 'POST /api/gateways/produce/shop/orders/orders-in', 'WS /v1/consume/shop/orders/orders-out',
          'POST /v1/chat/completions', 'POST /v1/responses', 'GET /v1/models', 'GET /v1/models/:model',
        ],
      });
      await request(url).get('/healthz').expect(200, { status: 'ok' });
    });

    it('should stream a chat completion with the agent of agents.mjs', async () => {
      const res = await request(url).post('/v1/chat/completions').set(AUTH)
        .send({ model: 'shout', stream: true, messages: [{ role: 'user', content: 'quiet words' }] })
        .expect(200).expect('Content-Type', 'text/event-stream; charset=utf-8');
      const frames = parseSse(res.text).events.map((e) => e.data);
      assert.equal(frames.pop(), '[DONE]');
      const chunks = frames.map((data) => JSON.parse(data));
      const [{ id, created }] = chunks;
      assert.match(id, /^chatcmpl-[0-9a-f-]{36}$/);
      const chunk = (delta, finish_reason = null) => ({ id, object: 'chat.completion.chunk', created, model: 'shout', choices: [{ index: 0, delta, logprobs: null, finish_reason }] });
      assert.deepEqual(chunks, [
        chunk({ role: 'assistant', content: '', refusal: null }),
        chunk({ content: 'QUIET' }),
        chunk({ content: ' WORDS' }),
        chunk({}, 'stop'),
      ]);
    });

    it('should stream an AG-UI run', async () => {
      await request(url).post('/agui/runs/shout').set('Accept', 'text/event-stream')
        .send({ threadId: 't1', runId: 'r0', messages: [{ id: 'm1', role: 'user', content: 'no key' }] })
        .expect(401, { error: { code: 'ERR_AUTH_MISSING_CREDENTIALS', message: '[@agentway/auth] a credential is required: send "Authorization: Bearer <key>"' } });
      const res = await request(url).post('/agui/runs/shout').set(AUTH).set('Accept', 'text/event-stream')
        .send({ threadId: 't1', runId: 'r1', messages: [{ id: 'm1', role: 'user', content: 'quiet words' }] })
        .expect(200).expect('Content-Type', 'text/event-stream; charset=utf-8');
      const events = parseSse(res.text).events.map((e) => JSON.parse(e.data));
      const { messageId } = events[1];
      assert.deepEqual(events, [
        { type: 'RUN_STARTED', threadId: 't1', runId: 'r1', metadata: { agentName: 'shout' } },
        { type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: 'QUIET' },
        { type: 'TEXT_MESSAGE_CONTENT', messageId, delta: ' WORDS' },
        { type: 'TEXT_MESSAGE_END', messageId },
        { type: 'RUN_FINISHED', threadId: 't1', runId: 'r1', result: 'QUIET WORDS' },
      ]);
    });

    it('should produce and consume over its LangStream WebSocket gateway', async () => {
      const client = langstreamClient(url);
      try {
        const reader = await client.consume('shop/orders/orders-out');
        const writer = await client.produce('shop/orders/orders-in');
        assert.deepEqual(await writer.produce({ key: 'o-1', value: 'first' }), { status: 'OK', reason: null });
        assert.deepEqual(await writer.produce({ key: 'o-2', value: 'second', headers: { via: 'esm' } }), { status: 'OK', reason: null });
        const records = (await reader.records(2)).map((r) => r.record);
        assert.deepEqual(records, [{ key: 'o-1', value: 'first', headers: {} }, { key: 'o-2', value: 'second', headers: { via: 'esm' } }]);
      } finally {
        await client.close();
      }
    });
  });
});
