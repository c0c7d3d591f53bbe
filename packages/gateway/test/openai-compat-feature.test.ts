import assert from 'node:assert/strict';
import request from 'supertest';
import OpenAI, { AuthenticationError } from 'openai';
import { createGateway, type Gateway } from '@agentway/gateway';
import { forEachExpress } from '@agentway/test-harness';

forEachExpress('createGateway() with the openaiCompat feature', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('should serve the gateway\'s agents as OpenAI models by default', async () => {
    gateway = await createGateway({}, { env: {} });
    assert.deepEqual(gateway.endpoints.filter((e) => e.includes('/v1/')), [
      'POST /v1/chat/completions', 'POST /v1/responses', 'GET /v1/models', 'GET /v1/models/:model',
    ]);
    const { url } = await gateway.listen(0);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    assert.deepEqual((await client.models.list()).data.map((m) => m.id), ['echo', 'clock']);
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'via the gateway' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'via the gateway');
    const clock = await client.chat.completions.create({ model: 'clock', messages: [{ role: 'user', content: 'time?' }] });
    assert.match(clock.choices[0]!.message.content!, /^The time is \d{4}-\d\d-\d\dT[\d:.]+Z\.$/);
  });

  it('should take its options from the openaiCompat section', async () => {
    gateway = await createGateway({ openaiCompat: { basePath: '/openai/v1', limit: '1kb', heartbeat: 0, maxConcurrentRuns: 4, retryAfter: 3 } }, { env: {} });
    assert.ok(gateway.endpoints.includes('POST /openai/v1/chat/completions'));
    const res = await request(gateway.app).post('/openai/v1/chat/completions').send({ model: 'echo', messages: [{ role: 'user', content: 'moved' }] }).expect(200);
    assert.equal(res.body.choices[0].message.content, 'moved');
    const big = await request(gateway.app).post('/openai/v1/chat/completions').send({ model: 'echo', messages: [{ role: 'user', content: 'x'.repeat(2000) }] }).expect(413);
    assert.equal(big.body.error.code, 'request_too_large');
    await request(gateway.app).get('/v1/models').expect(404);
  });

  it('should drop answered runs from the broker unless openaiCompat.keepFinishedRuns is true', async () => {
    const ask = { model: 'echo', messages: [{ role: 'user', content: 'once' }] };
    const topicOf = (id: string) => `runs.run_${id.slice('chatcmpl-'.length)}`;
    gateway = await createGateway({}, { env: {} });
    const dropped = await request(gateway.app).post('/v1/chat/completions').send(ask).expect(200);
    for (let i = 0; i < 100 && (await gateway.broker.describe(topicOf(dropped.body.id))); i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(await gateway.broker.describe(topicOf(dropped.body.id)), undefined);
    await gateway.close();
    gateway = await createGateway({ openaiCompat: { keepFinishedRuns: true } }, { env: {} });
    const kept = await request(gateway.app).post('/v1/chat/completions').send(ask).expect(200);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await gateway.broker.describe(topicOf(kept.body.id)))?.length, 3);
  });

  it('should reject a wrong openaiCompat section with the option\'s path', async () => {
    await assert.rejects(createGateway({ openaiCompat: { basePath: 'v1' } }, { env: {} }), {
      code: 'ERR_GATEWAY_INVALID_OPTION', message: '[@agentway/gateway] option "openaiCompat.basePath" must be a literal path such as "/v1", got "v1"',
    });
    await assert.rejects(createGateway({ openaiCompat: { maxConcurentRuns: 2 } }, { env: {} }), {
      code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "openaiCompat.maxConcurentRuns"; did you mean "maxConcurrentRuns"?',
    });
  });

  it('should require the gateway\'s API keys', async () => {
    gateway = await createGateway({ apiKeys: ['sk-gw'] }, { env: {} });
    const { url } = await gateway.listen(0);
    const anonymous = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(anonymous.models.list(), AuthenticationError);
    const keyed = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-gw', maxRetries: 0 });
    assert.equal((await keyed.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'allowed' }] })).choices[0]!.message.content, 'allowed');
  });

  it('should not mount it when the feature is off', async () => {
    gateway = await createGateway({ features: { openaiCompat: false } }, { env: {} });
    assert.equal(gateway.endpoints.some((e) => e.includes('/v1/')), false);
    const res = await request(gateway.app).get('/v1/models').expect(404);
    assert.match(res.text, /Cannot GET \/v1\/models/, 'Express\'s own 404, not the OpenAI envelope');
  });
});
