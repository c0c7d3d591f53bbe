import assert from 'node:assert/strict';
import request from 'supertest';
import { clockAgent, echoAgent } from '@agentway/agents';
import { forEachExpress } from '@agentway/test-harness';
import { scriptedAgent } from '@agentway/testing';
import { serve, spyAgent, weatherAgent, type Served } from './helpers';

forEachExpress('openaiCompat() POST /v1/chat/completions', (express) => {
  let served: Served;

  afterEach(async () => {
    await served?.close();
  });

  describe('with stream unset', () => {
    it('should answer a chat.completion with the agent\'s text, the usage estimate and x-request-id', async () => {
      served = await serve(express, { agents: [echoAgent(), clockAgent()] });
      const { data, response, request_id } = await served.client.chat.completions
        .create({ model: 'echo', messages: [{ role: 'user', content: 'hello brave world' }] })
        .withResponse();
      assert.match(data.id, /^chatcmpl-[0-9a-f-]{36}$/);
      assert.ok(Math.abs(data.created - Date.now() / 1000) < 5);
      assert.deepEqual(data, {
        id: data.id,
        object: 'chat.completion',
        created: data.created,
        model: 'echo',
        choices: [{ index: 0, message: { role: 'assistant', content: 'hello brave world', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      });
      assert.match(request_id!, /^req_[0-9a-f]{32}$/);
      assert.equal(response.headers.get('x-should-retry'), 'false');
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    });

    it('should report the agent\'s own usage and finish_reason "length"', async () => {
      const agent = scriptedAgent('counted', ['cut sh', { type: 'usage', promptTokens: 11, completionTokens: 2 }, { type: 'finish', reason: 'length' }]);
      served = await serve(express, { agents: [agent] });
      const completion = await served.client.chat.completions.create({ model: 'counted', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
      assert.equal(completion.choices[0]!.finish_reason, 'length');
      assert.equal(completion.choices[0]!.message.content, 'cut sh');
      assert.deepEqual(completion.usage, { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 });
    });

    it('should map messages, text parts, tools, tool_choice and the token bound to the run input', async () => {
      const agent = spyAgent('spy');
      served = await serve(express, { agents: [agent] });
      await served.client.chat.completions.create({
        model: 'spy',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'first part' }, { type: 'text', text: 'second part' }], name: 'ann' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"found":true}' },
        ],
        tools: [{ type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
        tool_choice: { type: 'function', function: { name: 'lookup' } },
        max_completion_tokens: 50,
        max_tokens: 99,
        metadata: { team: 'blue' },
        temperature: 0.2,
        user: 'end-user-1',
      });
      assert.deepEqual(agent.calls.inputs, [{
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'first part\nsecond part', name: 'ann' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' }] },
          { role: 'tool', content: '{"found":true}', toolCallId: 'call_1' },
        ],
        tools: [{ name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
        toolChoice: { name: 'lookup' },
        maxTokens: 50,
        metadata: { team: 'blue' },
      }]);
    });

    it('should take max_tokens when max_completion_tokens is absent, and pass the caller as the run\'s principal', async () => {
      const agent = spyAgent('spy');
      served = await serve(express, { agents: [agent] }, (app) => {
        app.use((req, _res, next) => { (req as { user?: unknown }).user = { id: 'user-7', method: 'api-key', scopes: [] }; next(); });
      });
      await served.client.chat.completions.create({ model: 'spy', messages: [{ role: 'user', content: 'hi' }], max_tokens: 12 });
      assert.equal(agent.calls.inputs[0]!.maxTokens, 12);
      assert.deepEqual(agent.calls.contexts[0]!.principal, { id: 'user-7', method: 'api-key', scopes: [] });
    });

    it('should return a client tool call as tool_calls with finish_reason "tool_calls" and null content', async () => {
      served = await serve(express, { agents: [weatherAgent()] });
      const completion = await served.client.chat.completions.create({
        model: 'weather',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      });
      assert.deepEqual(completion.choices, [{
        index: 0,
        message: {
          role: 'assistant', content: null, refusal: null,
          tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      }]);
    });

    it('should keep the agent\'s own tool steps out of tool_calls (the clock agent\'s get_time)', async () => {
      const now = new Date('2026-01-02T03:04:05.000Z');
      served = await serve(express, { agents: [clockAgent({ now: () => now })] });
      const completion = await served.client.chat.completions.create({ model: 'clock', messages: [{ role: 'user', content: 'time?' }] });
      assert.deepEqual(completion.choices[0], {
        index: 0,
        message: { role: 'assistant', content: 'The time is 2026-01-02T03:04:05.000Z.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      });
    });

    it('should answer JSON whatever the Accept header says (body.stream alone decides)', async () => {
      served = await serve(express, { agents: [echoAgent()] });
      const res = await request(served.app).post('/v1/chat/completions').set('Accept', 'text/event-stream')
        .send({ model: 'echo', messages: [{ role: 'user', content: 'plain' }] })
        .expect(200).expect('Content-Type', 'application/json; charset=utf-8');
      assert.equal(res.body.choices[0].message.content, 'plain');
    });

    it('should parse a JSON body sent without a JSON content type', async () => {
      served = await serve(express, { agents: [echoAgent()] });
      const res = await request(served.app).post('/v1/chat/completions').set('Content-Type', 'text/plain')
        .send(JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'typed loosely' }] }))
        .expect(200);
      assert.equal(res.body.choices[0].message.content, 'typed loosely');
    });
  });

  describe('with runTools()', () => {
    it('should run the client\'s tool and send its result back until the agent answers', async () => {
      served = await serve(express, { agents: [weatherAgent()] });
      const calls: unknown[] = [];
      const runner = served.client.chat.completions.runTools({
        model: 'weather',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'The weather of a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            parse: JSON.parse,
            function: (args: { city: string }) => { calls.push(args); return { tempC: 21 }; },
          },
        }],
      });
      assert.equal(await runner.finalContent(), 'It is 21°C in Paris.');
      assert.deepEqual(calls, [{ city: 'Paris' }]);
      assert.deepEqual(runner.messages.map((m) => m.role), ['user', 'assistant', 'tool', 'assistant']);
    });

    it('should stream the same loop with stream: true', async () => {
      served = await serve(express, { agents: [weatherAgent()] });
      const runner = served.client.chat.completions.runTools({
        model: 'weather',
        stream: true,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{
          type: 'function',
          function: { name: 'get_weather', description: 'The weather', parameters: { type: 'object' }, parse: JSON.parse, function: () => ({ tempC: 18 }) },
        }],
      });
      const pieces: string[] = [];
      runner.on('content', (delta) => pieces.push(delta));
      assert.equal(await runner.finalContent(), 'It is 18°C in Paris.');
      assert.deepEqual(pieces, ['It is ', '18°C in Paris.']);
    });
  });
});
