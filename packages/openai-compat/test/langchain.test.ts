import assert from 'node:assert/strict';
import { ChatOpenAI } from '@langchain/openai';
import { AIMessageChunk, HumanMessage, SystemMessage, ToolMessage, type AIMessage } from '@langchain/core/messages';
import { echoAgent } from '@agentway/agents';
import { forEachExpress } from '@agentway/test-harness';
import { serve, spyAgent, weatherAgent, type Served } from './helpers';

forEachExpress('openaiCompat() with LangChain ChatOpenAI', (express) => {
  let served: Served;

  afterEach(async () => {
    await served?.close();
  });

  const chat = (model: string, extra: Record<string, unknown> = {}) =>
    new ChatOpenAI({ model, apiKey: 'sk-test', configuration: { baseURL: `${served.server.url}/v1` }, maxRetries: 0, ...extra });

  it('should invoke(), with the usage in usage_metadata and the model in response_metadata', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const message = await chat('echo').invoke([new SystemMessage('Be brief.'), new HumanMessage('hello from langchain')]);
    assert.equal(message.content, 'hello from langchain');
    const { input_tokens, output_tokens, total_tokens } = message.usage_metadata!;
    assert.deepEqual({ input_tokens, output_tokens, total_tokens }, { input_tokens: 8, output_tokens: 5, total_tokens: 13 });
    assert.equal(message.response_metadata.model_name, 'echo');
    assert.equal(message.response_metadata.finish_reason, 'stop');
  });

  it('should stream() the pieces in order, with the usage chunk it asks for', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const pieces: string[] = [];
    let final: AIMessageChunk | undefined;
    for await (const chunk of await chat('echo').stream('one two three')) {
      if (typeof chunk.content === 'string' && chunk.content !== '') pieces.push(chunk.content);
      final = final ? final.concat(chunk) : chunk;
    }
    assert.deepEqual(pieces, ['one', ' two', ' three']);
    assert.equal(final!.content, 'one two three');
    assert.equal(final!.usage_metadata?.total_tokens, 8);
  });

  it('should bindTools(): the agent sees the tools and LangChain parses its tool call, then the answer', async () => {
    served = await serve(express, { agents: [weatherAgent()] });
    const tool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
    const model = chat('weather').bindTools([tool]);
    const question = new HumanMessage('Weather in Paris?');
    const call = await model.invoke([question]) as AIMessage;
    assert.deepEqual(call.tool_calls, [{ name: 'get_weather', args: { city: 'Paris' }, id: 'call_weather_1', type: 'tool_call' }]);
    const answer = await model.invoke([question, call, new ToolMessage({ tool_call_id: 'call_weather_1', content: '{"tempC":19}' })]);
    assert.equal(answer.content, 'It is 19°C in Paris.');
    let streamed: AIMessageChunk | undefined;
    for await (const chunk of await model.stream([question])) streamed = streamed ? streamed.concat(chunk) : chunk;
    assert.deepEqual(streamed!.tool_calls, [{ name: 'get_weather', args: { city: 'Paris' }, id: 'call_weather_1', type: 'tool_call' }]);
  });

  it('should pass the tools LangChain sends to the agent', async () => {
    const agent = spyAgent('spy');
    served = await serve(express, { agents: [agent] });
    await chat('spy').bindTools([{ type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object' } } }]).invoke('x');
    assert.deepEqual(agent.calls.inputs[0]!.tools, [{ name: 'lookup', description: 'Looks up', parameters: { type: 'object' } }]);
  });

  it('should work through the Responses API (useResponsesApi), invoke and stream', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const model = chat('echo', { useResponsesApi: true });
    const message = await model.invoke('answer via responses');
    assert.deepEqual((message.content as { type: string; text: string }[]).map(({ type, text }) => ({ type, text })), [{ type: 'text', text: 'answer via responses' }]);
    let text = '';
    for await (const chunk of await model.stream('streamed via responses')) {
      for (const block of Array.isArray(chunk.content) ? chunk.content : []) if (block.type === 'text') text += (block as { text: string }).text;
    }
    assert.equal(text, 'streamed via responses');
  });
});
