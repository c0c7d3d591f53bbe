import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import OpenAI from 'openai';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRuntime, defineAgent, echoAgent, openaiUpstream, type Agent, type RunContext, type RunEvent, type RunInput, type Runtime } from '@agentway/agents';
import { openaiCompat, type OpenAICompatRouter } from '@agentway/openai-compat';
import { listen, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { deferred } from './helpers';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'openai-upstream', name), 'utf8');
const ask = (text: string): RunInput => ({ messages: [{ role: 'user', content: text }] });

/** Strips the ids the runtime makes up, so that events compare exactly. */
const shape = (events: RunEvent[]) => events.map((e) => {
  if (e.type === 'run_started') return { type: e.type };
  if (e.type === 'text_delta') return { type: e.type, delta: e.delta };
  if (e.type === 'run_completed' || e.type === 'run_error') return { ...e, run_id: 'R' };
  return e;
});

forEachExpress('openaiUpstream()', (express) => {
  let broker: Broker;
  let runtime: Runtime | undefined;
  let upstream: (Agent & { close(): Promise<void> }) | undefined;
  const servers: Listening[] = [];
  const routers: OpenAICompatRouter[] = [];

  beforeEach(() => {
    broker = createMemoryBroker();
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await upstream?.close();
    upstream = undefined;
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all(routers.splice(0).map((r) => r.close()));
    await broker.close();
  });

  /** Runs `input` through the upstream agent on a runtime; resolves with all its events. */
  async function run(agent: Agent & { close(): Promise<void> }, input: RunInput): Promise<{ runId: string; events: RunEvent[] }> {
    upstream = agent;
    runtime = createRuntime({ broker, agents: [agent] });
    const { runId } = await runtime.start({ input });
    return { runId, events: [...(await runtime.result(runId)).events] };
  }

  /** An openaiCompat() server for `agents`. */
  async function compatServer(agents: Agent[]): Promise<{ url: string; router: OpenAICompatRouter }> {
    const app = express();
    const router = openaiCompat({ agents });
    routers.push(router);
    app.use(router);
    const server = await listen(app);
    servers.push(server);
    return { url: `${server.url}/v1`, router };
  }

  describe('against openaiCompat()', () => {
    it('should stream the upstream agent\'s pieces as text deltas, with its usage', async () => {
      const { url } = await compatServer([echoAgent()]);
      const { events } = await run(openaiUpstream({ baseURL: url, model: 'echo', apiKey: 'k' }), ask('hello brave new world'));
      assert.deepEqual(shape(events), [
        { type: 'run_started' },
        { type: 'text_delta', delta: 'hello' }, { type: 'text_delta', delta: ' brave' }, { type: 'text_delta', delta: ' new' }, { type: 'text_delta', delta: ' world' },
        { type: 'run_completed', run_id: 'R', output: 'hello brave new world', finish_reason: 'stop', usage: { prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 } },
      ]);
    });

    it('should map a client tool call and its result across the round trip', async () => {
      const weather = defineAgent({
        name: 'weather',
        async *run(input) {
          const last = input.messages.at(-1)!;
          if (last.role === 'tool') yield `It is ${JSON.parse(last.content).tempC}°C.`;
          else yield { type: 'tool_call', id: 'call_w1', name: 'get_weather', arguments: { city: 'Paris' } };
        },
      });
      const { url } = await compatServer([weather]);
      const agent = openaiUpstream({ baseURL: url, model: 'weather' });
      const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object' } }];
      const first = await run(agent, { ...ask('Weather?'), tools });
      assert.deepEqual(shape(first.events).slice(1), [
        { type: 'tool_call', tool_call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'run_completed', run_id: 'R', output: '', finish_reason: 'tool_calls', usage: { prompt_tokens: 2, completion_tokens: 7, total_tokens: 9 } },
      ]);
      const { runId } = await runtime!.start({
        input: {
          messages: [
            { role: 'user', content: 'Weather?' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
            { role: 'tool', content: '{"tempC":22}', toolCallId: 'call_w1' },
          ],
          tools,
        },
      });
      assert.equal((await runtime!.result(runId)).output, 'It is 22°C.');
    });

    it('should abort the upstream request when the run is cancelled, which cancels the upstream run', async () => {
      const seen: RunContext[] = [];
      const started = deferred();
      const patient = defineAgent({
        name: 'patient',
        async *run(_input, ctx) {
          seen.push(ctx);
          yield 'first';
          started.resolve();
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
        },
      });
      const { url, router } = await compatServer([patient]);
      upstream = openaiUpstream({ baseURL: url, model: 'patient' });
      runtime = createRuntime({ broker, agents: [upstream] });
      const { runId } = await runtime.start({ input: ask('x') });
      await started.promise;
      await runtime.cancel(runId, 'stop it');
      assert.deepEqual((await runtime.result(runId)).error, { code: 'cancelled', message: 'stop it' });
      const upstreamRun = await router.runtime.result(seen[0]!.runId);
      assert.deepEqual(upstreamRun.error, { code: 'cancelled', message: 'the client closed the connection' });
    });

    it('should fail the run with the upstream\'s error message and status', async () => {
      const { url } = await compatServer([echoAgent()]);
      const { events } = await run(openaiUpstream({ baseURL: url, model: 'gpt-4o', name: 'proxy' }), ask('x'));
      assert.deepEqual(events.at(-1), {
        type: 'run_error', run_id: (events[0] as { run_id: string }).run_id,
        error: {
          code: 'ERR_AGENTS_UPSTREAM',
          message: '[@agentway/agents] the upstream answered 404: [@agentway/openai-compat] The model "gpt-4o" does not exist or you do not have access to it. Available models: echo.',
        },
      });
    });

    it('should put agentway in front of another OpenAI-compatible server, end to end with the SDK', async () => {
      const back = await compatServer([echoAgent()]);
      upstream = openaiUpstream({ baseURL: back.url, model: 'echo', name: 'front-echo' });
      const front = await compatServer([upstream]);
      const client = new OpenAI({ baseURL: front.url, apiKey: 'k', maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: 'front-echo', stream: true, messages: [{ role: 'user', content: 'through two hops' }] });
      const pieces: unknown[] = [];
      for await (const chunk of stream) pieces.push(chunk.choices[0]!.delta.content);
      assert.deepEqual(pieces, ['', 'through', ' two', ' hops', undefined]);
    });
  });

  describe('against a recorded-response fake', () => {
    let received: { body: Record<string, unknown>; headers: Record<string, unknown> }[];

    /** A server that answers with `bytes` in 7-byte slices (each on its own turn), or as given by `answer`. */
    async function fake(bytes: string, answer?: (res: import('express').Response) => void): Promise<string> {
      received = [];
      const app = express();
      app.post('/v1/chat/completions', express.json(), (req, res) => {
        received.push({ body: req.body as Record<string, unknown>, headers: req.headers });
        if (answer) return answer(res);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        void (async () => {
          for (let i = 0; i < bytes.length; i += 7) {
            res.write(bytes.slice(i, i + 7));
            await turn();
          }
          res.end();
        })();
      });
      const server = await listen(app);
      servers.push(server);
      return `${server.url}/v1/`;
    }

    it('should send the run\'s messages, options and key, and yield the text and usage of an OpenAI stream', async () => {
      const url = await fake(fixture('openai-text.sse'));
      const { events } = await run(openaiUpstream({
        baseURL: url, apiKey: 'sk-up', model: 'gpt-4o-mini', name: 'mini', headers: { 'OpenAI-Organization': 'org-1' }, body: { temperature: 0.2 },
      }), { messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'hi', name: 'ann' }], maxTokens: 100 });
      assert.deepEqual(received[0]!.body, {
        temperature: 0.2, model: 'gpt-4o-mini',
        messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi', name: 'ann' }],
        stream: true, stream_options: { include_usage: true }, max_tokens: 100,
      });
      assert.equal(received[0]!.headers.authorization, 'Bearer sk-up');
      assert.equal(received[0]!.headers['openai-organization'], 'org-1');
      assert.equal(received[0]!.headers.accept, 'text/event-stream');
      assert.deepEqual(shape(events).slice(1), [
        ...['Hello', '!', ' How', ' can', ' I', ' help', '?'].map((delta) => ({ type: 'text_delta', delta })),
        { type: 'run_completed', run_id: 'R', output: 'Hello! How can I help?', finish_reason: 'stop', usage: { prompt_tokens: 19, completion_tokens: 7, total_tokens: 26 } },
      ]);
    });

    it('should assemble parallel tool calls from their pieces, in index order, and send tools and history', async () => {
      const url = await fake(fixture('openai-tool-calls.sse'));
      const { events } = await run(openaiUpstream({ baseURL: url, model: 'gpt-4o-mini', name: 'mini' }), {
        messages: [
          { role: 'user', content: 'Weather and time in Paris?' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'get_weather', arguments: '{}' }] },
          { role: 'tool', content: 'error: no city', toolCallId: 'call_0' },
        ],
        tools: [{ name: 'get_weather', parameters: { type: 'object' } }, { name: 'get_time', description: 'Time' }],
        toolChoice: { name: 'get_weather' },
      });
      const body = received[0]!.body;
      assert.deepEqual(body.messages, [
        { role: 'user', content: 'Weather and time in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_0', content: 'error: no city' },
      ]);
      assert.deepEqual(body.tools, [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'get_time', description: 'Time' } },
      ]);
      assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
      assert.deepEqual(shape(events).slice(1), [
        { type: 'tool_call', tool_call_id: 'call_Xa1', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { type: 'tool_call', tool_call_id: 'call_Xb2', name: 'get_time', arguments: '{"tz":"CET"}' },
        { type: 'run_completed', run_id: 'R', output: '', finish_reason: 'tool_calls', usage: { prompt_tokens: 80, completion_tokens: 31, total_tokens: 111 } },
      ]);
    });

    it('should read CRLF frames and comment lines, and finish with "length"', async () => {
      const url = await fake(fixture('crlf-length.sse'));
      const { events } = await run(openaiUpstream({ baseURL: url, model: 'llama3.1:8b', name: 'llama' }), ask('story'));
      assert.deepEqual(shape(events).slice(1), [
        { type: 'text_delta', delta: 'Once' }, { type: 'text_delta', delta: ' upon' }, { type: 'text_delta', delta: ' a' },
        { type: 'run_completed', run_id: 'R', output: 'Once upon a', finish_reason: 'length' },
      ]);
    });

    it('should fail the run on an error in the middle of the stream, after the text before it', async () => {
      const url = await fake(fixture('mid-stream-error.sse'));
      const { events } = await run(openaiUpstream({ baseURL: url, model: 'gpt-4o-mini', name: 'mini' }), ask('x'));
      assert.deepEqual(shape(events).slice(1), [
        { type: 'text_delta', delta: 'Part' },
        { type: 'run_error', run_id: 'R', error: { code: 'ERR_AGENTS_UPSTREAM', message: '[@agentway/agents] the upstream stream failed: The server had an error while processing your request. Sorry about that!' } },
      ]);
    });

    it('should fail the run with the message of a 401 envelope', async () => {
      const url = await fake('', (res) => {
        res.status(401).json({ error: { message: 'Incorrect API key provided: sk-bad.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
      });
      const { events } = await run(openaiUpstream({ baseURL: url, apiKey: 'sk-bad', model: 'gpt-4o-mini', name: 'mini' }), ask('x'));
      assert.deepEqual((events.at(-1) as { error: unknown }).error, {
        code: 'ERR_AGENTS_UPSTREAM', message: '[@agentway/agents] the upstream answered 401: Incorrect API key provided: sk-bad.',
      });
    });

    it('should take a whole chat.completion from a server that ignores stream: true', async () => {
      const url = await fake('', (res) => {
        res.json({
          id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm',
          choices: [{ index: 0, message: { role: 'assistant', content: 'all at once' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
        });
      });
      const { events } = await run(openaiUpstream({ baseURL: url, model: 'm' }), ask('x'));
      assert.deepEqual(shape(events).slice(1), [
        { type: 'text_delta', delta: 'all at once' },
        { type: 'run_completed', run_id: 'R', output: 'all at once', finish_reason: 'stop', usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } },
      ]);
    });

    it('should close the upstream request when the run is cancelled mid-stream', async () => {
      const closed = deferred();
      const url = await fake('', (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(fixture('openai-text.sse').split('\n\n').slice(0, 2).join('\n\n') + '\n\n');
        res.on('close', () => closed.resolve());
      });
      upstream = openaiUpstream({ baseURL: url, model: 'm' });
      runtime = createRuntime({ broker, agents: [upstream] });
      const { runId } = await runtime.start({ input: ask('x') });
      for await (const { event } of runtime.events(runId)) {
        if (event.type === 'text_delta') {
          assert.equal(event.delta, 'Hello');
          await runtime.cancel(runId);
        }
      }
      await closed.promise;
      assert.equal((await runtime.result(runId)).error?.code, 'cancelled');
    });
  });

  describe('options', () => {
    it('should reject a bad base URL, a missing model and an unknown option', () => {
      assert.throws(() => openaiUpstream({ baseURL: 'localhost:11434', model: 'm' }), {
        code: 'ERR_AGENTS_INVALID_OPTION', message: '[@agentway/agents] option "baseURL" must be an http(s) URL, got "localhost:11434"',
      });
      assert.throws(() => openaiUpstream({ baseURL: 'http://x/v1' } as never), { code: 'ERR_AGENTS_MISSING_OPTION' });
      assert.throws(() => openaiUpstream({ baseURL: 'http://x/v1', model: 'm', apikey: 'k' } as never), {
        code: 'ERR_AGENTS_UNKNOWN_OPTION', message: '[@agentway/agents] unknown option "apikey"; did you mean "apiKey"?',
      });
    });

    it('should name the agent after the model, and want a name when the model id is not a valid agent name', async () => {
      const agent = openaiUpstream({ baseURL: 'http://127.0.0.1:1/v1', model: 'gpt-4o-mini' });
      assert.equal(agent.name, 'gpt-4o-mini');
      await agent.close();
      assert.throws(() => openaiUpstream({ baseURL: 'http://127.0.0.1:1/v1', model: 'llama3.1:8b' }), { code: 'ERR_AGENTS_INVALID_OPTION', message: /option "name"/ });
    });
  });
});
