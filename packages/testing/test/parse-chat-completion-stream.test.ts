import assert from 'node:assert/strict';
import request from 'supertest';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk as SdkChunk } from 'openai/resources/chat/completions';
import type { Express } from 'express';
import { openaiCompat, type OpenAICompatRouter } from '@agentway/openai-compat';
import { parseChatCompletionStream, readStream, scriptedAgent } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { replayServer, type ReplayServer } from './support/replay-server';

const messages = [{ role: 'user' as const, content: 'hi' }];
const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

forEachExpress('parseChatCompletionStream()', (express) => {
  let router: OpenAICompatRouter;
  let app: Express;
  let replay: ReplayServer;
  let sdk: OpenAI;

  before(async () => {
    router = openaiCompat({
      agents: [
        scriptedAgent('writer', ['Hello', ', ', 'world.']),
        scriptedAgent('weather', ['Let me look.', { type: 'tool_call', id: 'call_w1', name: 'get_weather', arguments: { city: 'Paris' } }]),
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

  /** What the openai SDK yields for the bytes the reader read, and the completion its stream() helper assembles. */
  async function throughSdk(text: string, model: string) {
    replay.body = text;
    const chunks: SdkChunk[] = [];
    for await (const chunk of await sdk.chat.completions.create({ model, messages, stream: true })) chunks.push(chunk);
    const final = await sdk.chat.completions.stream({ model, messages, stream: true }).finalChatCompletion();
    return { chunks, final };
  }

  it('should read text chunks, the usage chunk and [DONE] as the openai SDK does', async () => {
    const res = await readStream(request(app).post('/v1/chat/completions')
      .send({ model: 'writer', messages, stream: true, stream_options: { include_usage: true } }).expect(200));
    const parsed = parseChatCompletionStream(res);

    assert.deepEqual(parsed.chunks.map((c) => c.choices[0]?.delta), [
      { role: 'assistant', content: '', refusal: null }, { content: 'Hello' }, { content: ', ' }, { content: 'world.' }, {}, undefined,
    ]);
    assert.deepEqual([parsed.done, parsed.text, parsed.finishReason, parsed.toolCalls, parsed.error], [true, 'Hello, world.', 'stop', [], null]);
    assert.deepEqual(parsed.usage, { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 });
    assert.equal(res.events.at(-1)!.data, '[DONE]');

    const { chunks, final } = await throughSdk(res.text, 'writer');
    assert.deepEqual(chunks, parsed.chunks);
    assert.deepEqual([final.choices[0]!.message.content, final.choices[0]!.finish_reason], [parsed.text, parsed.finishReason]);
  });

  it('should put a client tool call together as the SDK\'s stream() helper does', async () => {
    const res = await readStream(request(app).post('/v1/chat/completions').send({ model: 'weather', messages, tools, stream: true }).expect(200));
    const parsed = parseChatCompletionStream(res);

    assert.deepEqual(parsed.toolCalls, [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    assert.deepEqual([parsed.text, parsed.finishReason, parsed.done], ['Let me look.', 'tool_calls', true]);

    const { chunks, final } = await throughSdk(res.text, 'weather');
    assert.deepEqual(chunks, parsed.chunks);
    assert.deepEqual(final.choices[0]!.message.tool_calls, parsed.toolCalls);
    assert.equal(final.choices[0]!.message.content, parsed.text);
  });

  it('should report the in-band error that ends a failed stream without [DONE], where the SDK throws', async () => {
    const res = await readStream(request(app).post('/v1/chat/completions').send({ model: 'failing', messages, stream: true }).expect(200));
    const parsed = parseChatCompletionStream(res);

    assert.deepEqual(parsed.error, { message: '[@agentway/openai-compat] The run failed: backend down', type: 'server_error', param: null, code: 'backend_down' });
    assert.deepEqual([parsed.done, parsed.text, parsed.finishReason], [false, 'so far', null]);

    replay.body = res.text;
    const seen: SdkChunk[] = [];
    await assert.rejects(async () => {
      for await (const chunk of await sdk.chat.completions.create({ model: 'failing', messages, stream: true })) seen.push(chunk);
    }, (err: unknown) => err instanceof APIError && err.message === parsed.error!.message && err.code === 'backend_down');
    assert.deepEqual(seen, parsed.chunks);
  });
});

describe('parseChatCompletionStream() on streams it cannot read', () => {
  const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
  const refused = (text: string, message: string) => assert.throws(() => parseChatCompletionStream(text), {
    name: 'TestingError', code: 'ERR_TESTING_INVALID_STREAM', message: `[@agentway/testing] ${message}`,
  });

  it('should refuse an event after [DONE] or after the error', () => {
    refused(`${chunk('a')}data: [DONE]\n\n${chunk('b')}`, 'event #2 of the chat completion stream: an event after [DONE]');
    refused(`data: {"error":{"message":"x"}}\n\n${chunk('b')}`, 'event #1 of the chat completion stream: an event after the error that ended the stream');
  });

  it('should refuse data that is not JSON, or neither a chunk nor an error', () => {
    refused('data: {"choices":\n\n', 'event #0 of the chat completion stream: its data is not JSON: "{\\"choices\\":"');
    refused('data: {"object":"chat.completion","choices":[]}\n\n', 'event #0 of the chat completion stream: neither a chat.completion.chunk (with "choices") nor an error');
    refused('data: {"error":"boom"}\n\n', 'event #0 of the chat completion stream: "error" must be an object with a string "message"');
  });

  it('should refuse a tool call that never got its id or name', () => {
    const piece = { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish_reason: null }] };
    refused(`data: ${JSON.stringify(piece)}\n\ndata: [DONE]\n\n`, 'event #0 of the chat completion stream: tool call #0 has no id, type "function" or name');
  });

  it('should read an empty body as no chunks, not done, and take bytes or { text }', () => {
    assert.deepEqual(parseChatCompletionStream(''), { chunks: [], done: false, text: '', toolCalls: [], finishReason: null, usage: null, error: null });
    assert.equal(parseChatCompletionStream(Buffer.from(`${chunk('é')}data: [DONE]\n\n`)).text, 'é');
    assert.equal(parseChatCompletionStream({ text: chunk('x') }).text, 'x');
    assert.throws(() => parseChatCompletionStream(42 as never), {
      name: 'TypeError', code: 'ERR_TESTING_INVALID_ARGUMENT',
      message: '[@agentway/testing] parseChatCompletionStream() takes the stream\'s text, its bytes or { text } (e.g. what readStream() resolves with), got number',
    });
  });
});
