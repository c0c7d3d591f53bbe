import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import request from 'supertest';
import OpenAI, { NotFoundError } from 'openai';
import type { Express } from 'express';
import { listen, type Listening } from '@agentway/testing';
import { describeOnExpress } from '@agentway/test-harness';

const requireHere = createRequire(__filename);
const { createApp } = requireHere('../app.js') as { createApp(): { app: Express; close(): Promise<void> } };

describeOnExpress(4, 'examples/legacy-express4', () => {
  let app: Express;
  let close: () => Promise<void>;
  let server: Listening;
  let client: OpenAI;

  before(async () => {
    ({ app, close } = createApp());
    server = await listen(app);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
  });

  after(async () => {
    await server.close();
    await close();
  });

  it('should run on Express 4', () => {
    assert.match((requireHere('express/package.json') as { version: string }).version, /^4\./);
  });

  it('should keep the app\'s own routes, parsers and error page as they were', async () => {
    await request(app).post('/greet').type('form').send({ name: 'Ada' }).expect(200, 'Hello, Ada!');
    const order = await request(app).get('/api/orders/42').expect(200, { id: '42', status: 'shipped' });
    assert.equal(order.headers['x-request-id'], undefined);
    await request(app).get('/api/broken').expect(500, 'Something went wrong.');
  });

  it('should answer the openai SDK: models, a completion and a stream', async () => {
    assert.deepEqual((await client.models.list()).data.map((m) => m.id), ['echo', 'clock']);
    const completion = await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'from a legacy app' }] });
    assert.equal(completion.choices[0]!.message.content, 'from a legacy app');
    const stream = await client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'streamed on Express 4' }] });
    const pieces: unknown[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]!.delta.content);
    assert.deepEqual(pieces, ['', 'streamed', ' on', ' Express', ' 4', undefined]);
  });

  it('should answer its own errors in the OpenAI envelope, not with the app\'s error page', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.code, 'model_not_found');
      return true;
    });
    const res = await request(app).post('/v1/chat/completions').type('json').send('{"model":').expect(400);
    assert.equal(res.body.error.code, 'invalid_json');
  });
});
