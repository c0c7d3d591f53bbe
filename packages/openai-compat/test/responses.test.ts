import assert from 'node:assert/strict';
import request from 'supertest';
import { BadRequestError, InternalServerError } from 'openai';
import { echoAgent } from '@agentway/agents';
import { readStream, scriptedAgent } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { serve, spyAgent, weatherAgent, type Served } from './helpers';

const ID = /^resp_[0-9a-f-]{36}$/;

forEachExpress('openaiCompat() POST /v1/responses', (express) => {
  let served: Served;

  afterEach(async () => {
    await served?.close();
  });

  it('should answer a completed response with one message item and the usage', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const response = await served.client.responses.create({ model: 'echo', input: 'hello there' });
    assert.match(response.id, ID);
    const uuid = response.id.slice(5);
    assert.equal(response.output_text, 'hello there');
    assert.deepEqual({ ...response, output_text: undefined, created_at: 0 }, {
      id: response.id, object: 'response', created_at: 0, status: 'completed', background: false, error: null, incomplete_details: null,
      model: 'echo', previous_response_id: null, reasoning: { effort: null, summary: null }, service_tier: 'default', store: false,
      text: { format: { type: 'text' } }, truncation: 'disabled', user: null, instructions: null, max_output_tokens: null, metadata: {},
      parallel_tool_calls: true, temperature: 1, tool_choice: 'auto', tools: [], top_p: 1, output_text: undefined,
      output: [{
        id: `msg_${uuid}_0`, type: 'message', role: 'assistant', status: 'completed',
        content: [{ type: 'output_text', text: 'hello there', annotations: [], logprobs: [] }],
      }],
      usage: { input_tokens: 3, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 6 },
    });
  });

  it('should map instructions, message items, function calls and their outputs to the run input', async () => {
    const agent = spyAgent('spy');
    served = await serve(express, { agents: [agent] });
    await served.client.responses.create({
      model: 'spy',
      instructions: 'Be brief.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'weather?' }, { type: 'input_text', text: 'in Paris' }] },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'c1', output: '{"tempC":20}' },
        { role: 'assistant', content: 'It is 20°C.' },
        { type: 'message', role: 'user', content: 'thanks' },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: false }],
      tool_choice: 'auto',
      max_output_tokens: 64,
    });
    assert.deepEqual(agent.calls.inputs, [{
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'weather?\nin Paris' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
        { role: 'tool', content: '{"tempC":20}', toolCallId: 'c1' },
        { role: 'assistant', content: 'It is 20°C.' },
        { role: 'user', content: 'thanks' },
      ],
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      toolChoice: 'auto',
      maxTokens: 64,
    }]);
  });

  it('should stream the events in the order the SDK accumulates, without [DONE]', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const { events } = await readStream(request(served.app).post('/v1/responses')
      .send({ model: 'echo', input: 'hi you', stream: true }).expect(200).expect('Content-Type', 'text/event-stream; charset=utf-8'));
    assert.deepEqual(events.map((e) => e.event), [
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done',
      'response.output_item.done', 'response.completed',
    ]);
    const data = events.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    assert.deepEqual(data.map((d) => [d.type, d.sequence_number]), events.map((e, i) => [e.event, i]));
    const itemId = (data[2]!.item as { id: string }).id;
    assert.deepEqual(data.slice(4, 7).map(({ type: _t, sequence_number: _s, ...rest }) => rest), [
      { item_id: itemId, output_index: 0, content_index: 0, delta: 'hi', logprobs: [] },
      { item_id: itemId, output_index: 0, content_index: 0, delta: ' you', logprobs: [] },
      { item_id: itemId, output_index: 0, content_index: 0, text: 'hi you', logprobs: [] },
    ]);
    assert.equal((data[0]!.response as { status: string }).status, 'in_progress');
    assert.equal((data[9]!.response as { status: string }).status, 'completed');
  });

  it('should be read by the SDK\'s responses.stream()', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const stream = served.client.responses.stream({ model: 'echo', input: 'streamed words here' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    assert.deepEqual(deltas, ['streamed', ' words', ' here']);
    assert.equal(final.output_text, 'streamed words here');
    assert.equal(final.status, 'completed');
  });

  it('should return a client tool call as a function_call item, streamed and not', async () => {
    served = await serve(express, { agents: [weatherAgent()] });
    const params = { model: 'weather', input: 'Weather?', tools: [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object' }, strict: false }] };
    const response = await served.client.responses.create(params);
    assert.deepEqual(response.output, [{
      id: `fc_${response.id.slice(5)}_0`, type: 'function_call', call_id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed',
    }]);
    const stream = served.client.responses.stream(params);
    const types: string[] = [];
    stream.on('event', (event) => types.push(event.type));
    const final = await stream.finalResponse();
    assert.deepEqual(types, [
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.function_call_arguments.delta',
      'response.function_call_arguments.done', 'response.output_item.done', 'response.completed',
    ]);
    assert.deepEqual(final.output.map((item) => item.type === 'function_call' && [item.name, item.arguments]), [['get_weather', '{"city":"Paris"}']]);
  });

  it('should mark a response cut at max_output_tokens incomplete', async () => {
    const agent = scriptedAgent('long', ['cut', { type: 'finish', reason: 'length' }]);
    served = await serve(express, { agents: [agent] });
    const response = await served.client.responses.create({ model: 'long', input: 'x', max_output_tokens: 16 });
    assert.equal(response.status, 'incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(response.max_output_tokens, 16);
  });

  it('should end a failing stream with error and response.failed, and answer 500 without streaming', async () => {
    const agent = scriptedAgent('echo', ['so far', { type: 'fail', message: 'backend down' }]);
    served = await serve(express, { agents: [agent] });
    const { events } = await readStream(request(served.app).post('/v1/responses').send({ model: 'echo', input: 'x', stream: true }).expect(200));
    assert.deepEqual(events.slice(-2).map((e) => e.event), ['error', 'response.failed']);
    const [error, failed] = events.slice(-2).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    assert.deepEqual({ ...error, sequence_number: 0 }, {
      type: 'error', sequence_number: 0, code: 'agent_error', message: '[@agentway/openai-compat] The run failed: backend down', param: null,
    });
    assert.deepEqual((failed!.response as { status: string; error: unknown }).error, { code: 'server_error', message: 'backend down' });
    await assert.rejects(served.client.responses.create({ model: 'echo', input: 'x' }), InternalServerError);
  });

  it('should 400 what it cannot honour, naming the field', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    await assert.rejects(served.client.responses.create({ model: 'echo', input: 'x', previous_response_id: 'resp_1' }), (err: unknown) => {
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.param, 'previous_response_id');
      assert.equal(err.code, 'unsupported_parameter');
      return true;
    });
    await assert.rejects(served.client.responses.create({
      model: 'echo', input: [{ role: 'user', content: [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: 'https://x/y.png', detail: 'auto' }] }],
    }), (err: unknown) => {
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.param, 'input[0].content[1]');
      assert.equal(err.code, 'unsupported_value');
      return true;
    });
    const res = await request(served.app).post('/v1/responses').send({ model: 'echo' }).expect(400);
    assert.deepEqual(res.body.error, { message: "[@agentway/openai-compat] Missing required parameter: 'input'.", type: 'invalid_request_error', param: 'input', code: 'missing_required_parameter' });
  });
});
