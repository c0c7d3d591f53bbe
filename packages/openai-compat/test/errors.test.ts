import assert from 'node:assert/strict';
import request from 'supertest';
import OpenAI, { APIError, AuthenticationError, BadRequestError, InternalServerError, NotFoundError, RateLimitError } from 'openai';
import type { Express, NextFunction, Request, Response } from 'express';
import { createMemoryBroker } from '@agentway/broker';
import { createRuntime, defineAgent, echoAgent } from '@agentway/agents';
import { openaiCompat } from '@agentway/openai-compat';
import { apiKeyAuth } from '@agentway/auth';
import { forEachExpress } from '@agentway/test-harness';
import { deferred, serve, type Served } from './helpers';

const ask = (content: string, model = 'echo') => ({ model, messages: [{ role: 'user' as const, content }] });

/** Asserts an SDK error's class, status and envelope fields. */
function sdkError(type: new (...args: never[]) => APIError, status: number, fields: { message: string | RegExp; type: string; code: string | null; param: string | null }) {
  return (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${(err as Error).constructor.name}: ${(err as Error).message}`);
    assert.equal(err.status, status);
    if (typeof fields.message === 'string') assert.equal((err.error as { message: string }).message, fields.message);
    else assert.match((err.error as { message: string }).message, fields.message);
    assert.equal(err.type, fields.type);
    assert.equal(err.code, fields.code);
    assert.equal(err.param, fields.param);
    assert.match(err.requestID!, /^req_[0-9a-f]{32}$/);
    return true;
  };
}

forEachExpress('openaiCompat() errors', (express) => {
  let served: Served;

  afterEach(async () => {
    await served?.close();
  });

  describe('with a bad request', () => {
    beforeEach(async () => {
      served = await serve(express, { agents: [echoAgent()], limit: 2048 });
    });

    it('should 400 malformed JSON in the envelope', async () => {
      const res = await request(served.app).post('/v1/chat/completions').set('Content-Type', 'application/json').send('{"model":')
        .expect(400).expect('Content-Type', /application\/json/);
      assert.deepEqual(Object.keys(res.body.error), ['message', 'type', 'param', 'code']);
      assert.match(res.body.error.message, /^\[@agentway\/openai-compat\] We could not parse the JSON body of your request \(.+\)\.$/);
      assert.deepEqual({ ...res.body.error, message: '' }, { message: '', type: 'invalid_request_error', param: null, code: 'invalid_json' });
      assert.match(res.headers['x-request-id'] ?? '', /^req_[0-9a-f]{32}$/);
      assert.equal(res.headers['x-should-retry'], undefined);
    });

    it('should 413 a body over the limit', async () => {
      await assert.rejects(served.client.chat.completions.create(ask('x'.repeat(3000))), sdkError(APIError, 413, {
        message: '[@agentway/openai-compat] The request body is larger than the limit of 2048 bytes.', type: 'invalid_request_error', code: 'request_too_large', param: null,
      }));
    });

    it('should 400 a missing model, naming the param', async () => {
      await assert.rejects(served.client.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] } as never), sdkError(BadRequestError, 400, {
        message: "[@agentway/openai-compat] Missing required parameter: 'model'.", type: 'invalid_request_error', code: 'missing_required_parameter', param: 'model',
      }));
    });

    it('should 400 messages that are missing, empty or malformed', async () => {
      await assert.rejects(served.client.chat.completions.create({ model: 'echo' } as never),
        sdkError(BadRequestError, 400, { message: /Missing required parameter: 'messages'/, type: 'invalid_request_error', code: 'missing_required_parameter', param: 'messages' }));
      await assert.rejects(served.client.chat.completions.create({ model: 'echo', messages: [] }),
        sdkError(BadRequestError, 400, { message: /empty array/, type: 'invalid_request_error', code: 'empty_array', param: 'messages' }));
      await assert.rejects(served.client.chat.completions.create({ model: 'echo', messages: [{ role: 'robot', content: 'x' }] } as never),
        sdkError(BadRequestError, 400, { message: /'messages\[0\].role'/, type: 'invalid_request_error', code: 'invalid_value', param: 'messages[0].role' }));
      await assert.rejects(served.client.chat.completions.create({ model: 'echo', messages: [{ role: 'tool', content: 'x' }] } as never),
        sdkError(BadRequestError, 400, { message: /'messages\[0\].tool_call_id'/, type: 'invalid_request_error', code: 'missing_required_parameter', param: 'messages[0].tool_call_id' }));
    });

    it('should 400 an image part, naming messages[i].content[j]', async () => {
      await assert.rejects(served.client.chat.completions.create({
        model: 'echo',
        messages: [{ role: 'system', content: 'hi' }, { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
      }), sdkError(BadRequestError, 400, {
        message: '[@agentway/openai-compat] Content parts of type "image_url" are not supported in \'messages[1].content[1]\': agents take text only (parts of type "text").',
        type: 'invalid_request_error', code: 'unsupported_value', param: 'messages[1].content[1]',
      }));
    });

    it('should 400 n > 1', async () => {
      await assert.rejects(served.client.chat.completions.create({ ...ask('x'), n: 2 }), sdkError(BadRequestError, 400, {
        message: /only n = 1 is supported/, type: 'invalid_request_error', code: 'unsupported_value', param: 'n',
      }));
    });

    it('should 400 structured output in the words LangChain recognises', async () => {
      await assert.rejects(served.client.chat.completions.create({
        ...ask('x'), response_format: { type: 'json_schema', json_schema: { name: 'extract', schema: { type: 'object' } } },
      }), sdkError(BadRequestError, 400, {
        message: "[@agentway/openai-compat] 'response_format' of type 'json_schema' is not supported with this model.",
        type: 'invalid_request_error', code: 'unsupported_value', param: 'response_format',
      }));
    });

    it('should 400 a tool_choice naming a tool that was not declared, and a non-function tool', async () => {
      await assert.rejects(served.client.chat.completions.create({ ...ask('x'), tool_choice: 'required' }),
        sdkError(BadRequestError, 400, { message: /only allowed when 'tools' are given/, type: 'invalid_request_error', code: 'invalid_value', param: 'tool_choice' }));
      await assert.rejects(served.client.chat.completions.create({ ...ask('x'), tools: [{ type: 'custom', custom: { name: 'grammar' } }] } as never),
        sdkError(BadRequestError, 400, { message: /Tools of type "custom"/, type: 'invalid_request_error', code: 'unsupported_value', param: 'tools[0].type' }));
    });

    it('should 400 a stream flag that is not a boolean', async () => {
      const res = await request(served.app).post('/v1/chat/completions').send({ ...ask('x'), stream: 'yes' }).expect(400);
      assert.deepEqual(res.body, { error: { message: "[@agentway/openai-compat] Invalid type for 'stream': expected a boolean.", type: 'invalid_request_error', param: 'stream', code: 'invalid_type' } });
    });

    it('should 404 an unknown model, listing the models', async () => {
      await assert.rejects(served.client.chat.completions.create(ask('x', 'gpt-4o')), sdkError(NotFoundError, 404, {
        message: '[@agentway/openai-compat] The model "gpt-4o" does not exist or you do not have access to it. Available models: echo.',
        type: 'invalid_request_error', code: 'model_not_found', param: 'model',
      }));
    });

    it('should 404 every other path under /v1 in the envelope, and leave other paths to the app', async () => {
      await assert.rejects(served.client.embeddings.create({ model: 'echo', input: 'x' }), sdkError(NotFoundError, 404, {
        message: '[@agentway/openai-compat] Invalid URL (POST /v1/embeddings). Agents are not embedding models; point your embeddings client at a provider that serves them.',
        type: 'invalid_request_error', code: 'unknown_url', param: null,
      }));
      const res = await request(served.app).get('/v1/chat/completions').expect(404);
      assert.deepEqual(res.body, { error: { message: '[@agentway/openai-compat] Invalid URL (GET /v1/chat/completions).', type: 'invalid_request_error', param: null, code: 'unknown_url' } });
      const other = await request(served.app).get('/v2/models').expect(404);
      assert.equal(other.headers['x-request-id'], undefined);
    });
  });

  describe('with auth', () => {
    beforeEach(async () => {
      served = await serve(express, { agents: [echoAgent()], auth: apiKeyAuth({ keys: ['sk-good'] }) }, (app) => {
        app.get('/health', (_req, res) => { res.send('ok'); });
      });
    });

    it('should 401 a wrong key and a missing key in the envelope', async () => {
      const wrong = new OpenAI({ baseURL: `${served.server.url}/v1`, apiKey: 'sk-bad', maxRetries: 0 });
      await assert.rejects(wrong.chat.completions.create(ask('x')), sdkError(AuthenticationError, 401, {
        message: '[@agentway/openai-compat] the credential is not valid', type: 'invalid_request_error', code: 'invalid_api_key', param: null,
      }));
      const res = await request(served.app).get('/v1/models').expect(401);
      assert.deepEqual(res.body, { error: {
        message: '[@agentway/openai-compat] a credential is required: send "Authorization: Bearer <key>"', type: 'invalid_request_error', param: null, code: 'missing_api_key',
      } });
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="agentway"');
    });

    it('should serve a good key, and leave the app\'s own routes unauthenticated', async () => {
      const good = new OpenAI({ baseURL: `${served.server.url}/v1`, apiKey: 'sk-good', maxRetries: 0 });
      assert.equal((await good.chat.completions.create(ask('fine'))).choices[0]!.message.content, 'fine');
      await request(served.app).get('/health').expect(200, 'ok');
    });
  });

  describe('when the agent fails', () => {
    it('should 500 with x-should-retry: false, so that the SDK does not run the agent again', async () => {
      let runs = 0;
      const failing = defineAgent({ name: 'echo', run() { runs++; throw Object.assign(new Error('tool exploded'), { code: 'tool_failed' }); } });
      served = await serve(express, { agents: [failing] });
      const retrying = new OpenAI({ baseURL: `${served.server.url}/v1`, apiKey: 'k', maxRetries: 2 });
      await assert.rejects(retrying.chat.completions.create(ask('x')), sdkError(InternalServerError, 500, {
        message: '[@agentway/openai-compat] The run failed: tool exploded', type: 'server_error', code: 'tool_failed', param: null,
      }));
      assert.equal(runs, 1);
      const res = await request(served.app).post('/v1/chat/completions').send(ask('x')).expect(500);
      assert.equal(res.headers['x-should-retry'], 'false');
    });
  });

  describe('with an error that is not the protocol\'s', () => {
    /** The host app's own error handler, after openaiCompat(). */
    const hostHandler = (app: Express) => {
      app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
        res.status(500).type('text').send(`host: ${err.message}`);
      });
    };

    it('should pass an auth middleware\'s own failure to the app\'s error handler, with x-request-id', async () => {
      const app = express();
      const router = openaiCompat({ agents: [echoAgent()], auth: (_req, _res, next) => next(new Error('the key store is down')) });
      app.use(router);
      hostHandler(app);
      const res = await request(app).get('/v1/models').expect(500, 'host: the key store is down');
      assert.match(res.headers['x-request-id'] ?? '', /^req_[0-9a-f]{32}$/);
      await router.close();
    });

    it('should hand a failure after the run started to the app with x-should-retry: false', async () => {
      const broker = createMemoryBroker();
      const real = createRuntime({ broker, agents: [echoAgent()] });
      const broken = { ...real, result: () => Promise.reject(new Error('the broker went away')) };
      const app = express();
      const router = openaiCompat({ runtime: broken });
      app.use(router);
      hostHandler(app);
      const res = await request(app).post('/v1/chat/completions').send(ask('x')).expect(500, 'host: the broker went away');
      assert.equal(res.headers['x-should-retry'], 'false');
      assert.match(res.headers['x-request-id'] ?? '', /^req_[0-9a-f]{32}$/);
      await real.close();
      await broker.close();
    });
  });

  describe('when overloaded', () => {
    let gate = deferred();
    let started = deferred();
    const held = defineAgent({ name: 'echo', async run() { started.resolve(); await gate.promise; return 'done'; } });

    beforeEach(() => {
      gate = deferred();
      started = deferred();
    });

    afterEach(() => gate.resolve());

    it('should 503 with Retry-After over maxConcurrentRuns, then serve again once a run ends', async () => {
      served = await serve(express, { agents: [held, echoAgent({ name: 'quick' })], maxConcurrentRuns: 1, retryAfter: 2 });
      const first = served.client.chat.completions.create(ask('x'));
      await started.promise;
      const res = await request(served.app).post('/v1/chat/completions').send(ask('y', 'quick')).expect(503);
      assert.equal(res.headers['retry-after'], '2');
      assert.equal(res.headers['retry-after-ms'], '2000');
      assert.equal(res.headers['x-should-retry'], undefined);
      assert.deepEqual(res.body.error, {
        message: '[@agentway/openai-compat] The server is overloaded: too many runs in progress. Retry after a moment.', type: 'server_error', param: null, code: 'server_overloaded',
      });
      await assert.rejects(served.client.chat.completions.create(ask('y', 'quick')), sdkError(InternalServerError, 503, {
        message: /overloaded/, type: 'server_error', code: 'server_overloaded', param: null,
      }));
      gate.resolve();
      assert.equal((await first).choices[0]!.message.content, 'done');
      assert.equal((await served.client.chat.completions.create(ask('again', 'quick'))).choices[0]!.message.content, 'again');
    });

    it('should 429 with Retry-After over maxConcurrentRunsPerPrincipal, for that caller only', async () => {
      served = await serve(express, {
        agents: [held, echoAgent({ name: 'quick' })], maxConcurrentRunsPerPrincipal: 1, auth: apiKeyAuth({ keys: [{ key: 'k1', id: 'one' }, { key: 'k2', id: 'two' }] }),
      });
      const one = new OpenAI({ baseURL: `${served.server.url}/v1`, apiKey: 'k1', maxRetries: 0 });
      const two = new OpenAI({ baseURL: `${served.server.url}/v1`, apiKey: 'k2', maxRetries: 0 });
      const first = one.chat.completions.create(ask('x'));
      await started.promise;
      await assert.rejects(one.chat.completions.create(ask('y', 'quick')), (err: unknown) => {
        sdkError(RateLimitError, 429, { message: /at most 1 runs in progress at once per caller/, type: 'requests', code: 'rate_limit_exceeded', param: null })(err);
        assert.equal((err as RateLimitError).headers.get('retry-after'), '1');
        return true;
      });
      assert.equal((await two.chat.completions.create(ask('other', 'quick'))).choices[0]!.message.content, 'other');
      gate.resolve();
      await first;
    });
  });
});
