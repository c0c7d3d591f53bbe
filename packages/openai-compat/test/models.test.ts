import assert from 'node:assert/strict';
import request from 'supertest';
import OpenAI, { NotFoundError } from 'openai';
import { clockAgent, echoAgent } from '@agentway/agents';
import { apiKeyAuth } from '@agentway/auth';
import { forEachExpress } from '@agentway/test-harness';
import { serve, type Served } from './helpers';

forEachExpress('openaiCompat() GET /v1/models', (express) => {
  let served: Served;

  afterEach(async () => {
    await served?.close();
  });

  it('should list the agents as models, in the runtime\'s order', async () => {
    served = await serve(express, { agents: [echoAgent(), clockAgent()] });
    const page = await served.client.models.list();
    const created = page.data[0]!.created;
    assert.ok(Math.abs(created - Date.now() / 1000) < 60);
    assert.deepEqual(page.data, [
      { id: 'echo', object: 'model', created, owned_by: 'agentway' },
      { id: 'clock', object: 'model', created, owned_by: 'agentway' },
    ]);
    const res = await request(served.app).get('/v1/models').expect(200).expect('Content-Type', 'application/json; charset=utf-8');
    assert.equal(res.body.object, 'list');
    assert.match(res.headers['x-request-id'] ?? '', /^req_[0-9a-f]{32}$/);
  });

  it('should retrieve one model, and 404 model_not_found for another', async () => {
    served = await serve(express, { agents: [echoAgent(), clockAgent()] });
    const model = await served.client.models.retrieve('clock');
    assert.deepEqual({ ...model }, { id: 'clock', object: 'model', created: model.created, owned_by: 'agentway' });
    await assert.rejects(served.client.models.retrieve('gpt-4o'), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.code, 'model_not_found');
      assert.equal(err.param, 'model');
      assert.equal((err.error as { message: string }).message,
        '[@agentway/openai-compat] The model "gpt-4o" does not exist or you do not have access to it. Available models: echo, clock.');
      return true;
    });
  });

  describe('with allowModel', () => {
    it('should show and serve each caller only the agents it allows, and 404 the others like unknown ones', async () => {
      served = await serve(express, {
        agents: [echoAgent(), clockAgent()],
        auth: apiKeyAuth({ keys: [{ key: 'k-all', id: 'admin' }, { key: 'k-echo', id: 'guest' }] }),
        allowModel: (principal, model) => principal?.id === 'admin' || model === 'echo',
      });
      const admin = new OpenAI({ baseURL: `${served.server.url}/v1`, apiKey: 'k-all', maxRetries: 0 });
      const guest = new OpenAI({ baseURL: `${served.server.url}/v1`, apiKey: 'k-echo', maxRetries: 0 });
      assert.deepEqual((await admin.models.list()).data.map((m) => m.id), ['echo', 'clock']);
      assert.deepEqual((await guest.models.list()).data.map((m) => m.id), ['echo']);
      await assert.rejects(guest.models.retrieve('clock'), NotFoundError);
      await assert.rejects(guest.chat.completions.create({ model: 'clock', messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
        assert.ok(err instanceof NotFoundError);
        assert.match((err.error as { message: string }).message, /Available models: echo\.$/);
        return true;
      });
      assert.match((await admin.chat.completions.create({ model: 'clock', messages: [{ role: 'user', content: 'x' }] })).choices[0]!.message.content!, /^The time is /);
    });
  });

  describe('when mounted under a path', () => {
    it('should serve the API under that path, and name the whole path in its 404s', async () => {
      served = await serve(express, { agents: [echoAgent()] });
      const app = express();
      app.use('/openai', served.router);
      const res = await request(app).post('/openai/v1/chat/completions').send({ model: 'echo', messages: [{ role: 'user', content: 'mounted' }] }).expect(200);
      assert.equal(res.body.choices[0].message.content, 'mounted');
      const missing = await request(app).get('/openai/v1/files').expect(404);
      assert.equal(missing.body.error.message, '[@agentway/openai-compat] Invalid URL (GET /openai/v1/files).');
    });
  });

  describe('with basePath', () => {
    it('should serve the API under that path only', async () => {
      served = await serve(express, { agents: [echoAgent()], basePath: '/openai/v1' });
      const client = new OpenAI({ baseURL: `${served.server.url}/openai/v1`, apiKey: 'k', maxRetries: 0 });
      assert.deepEqual((await client.models.list()).data.map((m) => m.id), ['echo']);
      assert.equal((await client.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'moved' }] })).choices[0]!.message.content, 'moved');
      await request(served.app).get('/v1/models').expect(404).expect((res) => assert.equal(res.headers['x-request-id'], undefined));
    });
  });
});
