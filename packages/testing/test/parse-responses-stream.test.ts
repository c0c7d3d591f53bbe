import assert from 'node:assert/strict';
import request from 'supertest';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Express } from 'express';
import { openaiCompat, type OpenAICompatRouter } from '@agentway/openai-compat';
import { parseResponsesStream, readStream, scriptedAgent } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { replayServer, type ReplayServer } from './support/replay-server';

const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];

forEachExpress('parseResponsesStream()', (express) => {
  let router: OpenAICompatRouter;
  let app: Express;
  let replay: ReplayServer;
  let sdk: OpenAI;

  before(async () => {
    router = openaiCompat({
      agents: [
        scriptedAgent('weather', ['Checking.', { type: 'tool_call', id: 'call_w1', name: 'get_weather', arguments: { city: 'Paris' } }]),
        scriptedAgent('writer', ['Hello', ' world']),
        scriptedAgent('failing', ['so far', { type: 'fail', message: 'backend down', code: 'backend_down' }]),
      ],
    });
    app = express();
    app.use(router);
    replay = await replayServer();
    sdk = new OpenAI({ baseURL: replay.url, apiKey: 'unused', maxRetries: 0 });
  });

  after(async () => {
    await replay.close();
    await router.close();
  });

  it('should read the typed events, text and function calls that the SDK\'s responses.stream() accumulates', async () => {
    const res = await readStream(request(app).post('/v1/responses').send({ model: 'weather', input: 'Paris?', tools, stream: true }).expect(200));
    const parsed = parseResponsesStream(res);

    assert.deepEqual(parsed.events.map((e) => e.type), [
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
    assert.deepEqual(parsed.events.map((e) => e.sequence_number), [...Array(13).keys()]);
    assert.equal(parsed.text, 'Checking.');
    assert.deepEqual(parsed.functionCalls, [{ callId: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    assert.deepEqual([parsed.response?.status, parsed.error], ['completed', null]);

    replay.body = res.text;
    const events: ResponseStreamEvent[] = [];
    for await (const event of await sdk.responses.create({ model: 'weather', input: 'Paris?', stream: true })) events.push(event);
    assert.deepEqual(events, parsed.events);
    const final = await sdk.responses.stream({ model: 'weather', input: 'Paris?' }).finalResponse();
    assert.equal(final.output_text, parsed.text);
    assert.deepEqual(final.output.flatMap((item) => (item.type === 'function_call' ? [{ callId: item.call_id, name: item.name, arguments: item.arguments }] : [])),
      parsed.functionCalls);
  });

  it('should end a failed run with its error event and response.failed, as the SDK sees them', async () => {
    const res = await readStream(request(app).post('/v1/responses').send({ model: 'failing', input: 'x', stream: true }).expect(200));
    const parsed = parseResponsesStream(res);

    assert.deepEqual(parsed.error, { code: 'backend_down', message: '[@agentway/openai-compat] The run failed: backend down', param: null });
    assert.deepEqual([parsed.response?.status, parsed.response?.error, parsed.text], ['failed', { code: 'server_error', message: 'backend down' }, 'so far']);
    assert.deepEqual(parsed.events.slice(-2).map((e) => e.type), ['error', 'response.failed']);

    replay.body = res.text;
    const events: ResponseStreamEvent[] = [];
    for await (const event of await sdk.responses.create({ model: 'failing', input: 'x', stream: true })) events.push(event);
    assert.deepEqual(events, parsed.events);
    // responses.stream() rejects with the error event itself
    await assert.rejects(sdk.responses.stream({ model: 'failing', input: 'x' }).finalResponse(), (err: unknown) => {
      assert.deepEqual(err, parsed.events.at(-2));
      return true;
    });
  });
});

describe('parseResponsesStream() on streams it cannot read', () => {
  const frame = (type: string, fields: object = {}, name = type) => `event: ${name}\ndata: ${JSON.stringify({ type, sequence_number: 0, ...fields })}\n\n`;
  const refused = (text: string, message: string) => assert.throws(() => parseResponsesStream(text), {
    name: 'TestingError', code: 'ERR_TESTING_INVALID_STREAM', message: `[@agentway/testing] event #${message}`,
  });
  const response = { id: 'resp_1', object: 'response', status: 'completed', output: [] };

  it('should refuse an event after response.completed', () => {
    refused(frame('response.completed', { response }) + frame('response.output_text.delta', { delta: 'x' }), '1 of the Responses stream: an event after response.completed');
  });

  it('should refuse an unknown type, an event name that is not its type, and a missing sequence_number', () => {
    refused(frame('response.reasoning.delta'), '0 of the Responses stream: not an event openaiCompat() sends: "response.reasoning.delta"');
    refused(frame('response.output_text.delta', { delta: 'x' }, 'delta'), '0 of the Responses stream: its "event:" name "delta" is not its type "response.output_text.delta"');
    refused('event: error\ndata: {"type":"error","message":"x"}\n\n', '0 of the Responses stream: no numeric "sequence_number"');
  });
});
