import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { setImmediate as turn } from 'node:timers/promises';
import FakeTimers from '@sinonjs/fake-timers';
import compression from 'compression';
import request from 'supertest';
import { APIError } from 'openai';
import { createMemoryBroker } from '@agentway/broker';
import { createRuntime, defineAgent, echoAgent, type Agent, type Runtime } from '@agentway/agents';
import { sseBody, sseJson } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { deferred, normalise, serve, weatherAgent, type Served } from './helpers';

const HEAD = 'data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"echo","choices":[{"index":0,"delta":';
const frame = (delta: string, finish: string | null = null, usage = ',"usage":null') =>
  `${HEAD}${delta},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${usage}}\n\n`;

/** An agent that yields `first`, waits for `gate`, then yields `rest`. */
function gatedAgent(name: string, first: string, gate: Promise<void>, rest: string[]): Agent {
  return defineAgent({
    name,
    async *run() {
      yield first;
      await gate;
      yield* rest;
    },
  });
}

/** POSTs with node:http and hands back the response as it starts. */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, resolve);
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Reads a response until its text contains `marker` (then pauses it); resolves with everything read so far. */
function readUntil(res: IncomingMessage, state: { text: string }, marker: string): Promise<string> {
  return new Promise((resolve) => {
    let tail = state.text.slice(-marker.length);
    const chunks = [state.text];
    const check = (fresh: string) => {
      const found = (tail + fresh).includes(marker);
      tail = (tail + fresh).slice(-marker.length);
      if (!found) return;
      res.off('data', onData);
      res.pause();
      state.text = chunks.join('');
      resolve(state.text);
    };
    const onData = (chunk: Buffer) => {
      const fresh = chunk.toString('utf8');
      chunks.push(fresh);
      check(fresh);
    };
    res.on('data', onData);
    res.resume();
    check('');
  });
}

forEachExpress('openaiCompat() POST /v1/chat/completions with stream: true', (express) => {
  let served: Served;

  afterEach(async () => {
    await served?.close();
  });

  it('should stream role, pieces, finish_reason, the usage chunk and [DONE], byte for byte', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const res = await request(served.app).post('/v1/chat/completions').buffer(true).parse(sseBody)
      .send({ model: 'echo', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello brave world' }] })
      .expect(200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(res.headers['x-accel-buffering'], 'no');
    assert.equal(res.headers['x-should-retry'], 'false');
    assert.match(res.headers['x-request-id'] ?? '', /^req_[0-9a-f]{32}$/);
    assert.equal(normalise((res.body as string)), frame('{"role":"assistant","content":"","refusal":null}')
      + frame('{"content":"hello"}') + frame('{"content":" brave"}') + frame('{"content":" world"}')
      + frame('{}', 'stop')
      + 'data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"echo","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}\n\n'
      + 'data: [DONE]\n\n');
  });

  it('should leave usage out of the chunks when include_usage is not set', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const res = await request(served.app).post('/v1/chat/completions').buffer(true).parse(sseBody)
      .send({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'hi' }] }).expect(200);
    assert.equal(normalise((res.body as string)), frame('{"role":"assistant","content":"","refusal":null}', null, '')
      + frame('{"content":"hi"}', null, '') + frame('{}', 'stop', '') + 'data: [DONE]\n\n');
  });

  it('should stream SSE whatever the Accept header says (the SDK sends application/json)', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const res = await request(served.app).post('/v1/chat/completions').set('Accept', 'application/json').buffer(true).parse(sseBody)
      .send({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'hi' }] }).expect(200);
    assert.deepEqual(sseJson<{ choices: { delta: { content?: string } }[] }>((res.body as string)).map((c) => c.choices[0]!.delta.content), ['', 'hi', undefined]);
  });

  it('should be read by the SDK\'s raw iterator and by .stream()', async () => {
    served = await serve(express, { agents: [echoAgent()] });
    const stream = await served.client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    const deltas: unknown[] = [];
    for await (const chunk of stream) deltas.push([chunk.choices[0]!.delta, chunk.choices[0]!.finish_reason]);
    assert.deepEqual(deltas, [
      [{ role: 'assistant', content: '', refusal: null }, null],
      [{ content: 'one' }, null], [{ content: ' two' }, null], [{ content: ' three' }, null],
      [{}, 'stop'],
    ]);
    const helper = served.client.chat.completions.stream({ model: 'echo', messages: [{ role: 'user', content: 'four five' }] });
    const pieces: string[] = [];
    helper.on('content', (delta) => pieces.push(delta));
    const final = await helper.finalChatCompletion();
    assert.deepEqual(pieces, ['four', ' five']);
    assert.deepEqual(final.choices[0]!.message, { role: 'assistant', content: 'four five', refusal: null, parsed: null });
    assert.equal(final.choices[0]!.finish_reason, 'stop');
  });

  it('should stream a client tool call as an id/type/name piece, then its arguments, then finish_reason "tool_calls"', async () => {
    served = await serve(express, { agents: [weatherAgent()] });
    const body = {
      model: 'weather', stream: true, messages: [{ role: 'user', content: 'Weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    };
    const res = await request(served.app).post('/v1/chat/completions').buffer(true).parse(sseBody).send(body).expect(200);
    const head = HEAD.replace('"model":"echo"', '"model":"weather"');
    const tail = ',"logprobs":null,"finish_reason":null}]}\n\n';
    assert.equal(normalise((res.body as string)),
      `${head}{"role":"assistant","content":"","refusal":null}${tail}`
      + `${head}{"tool_calls":[{"index":0,"id":"call_weather_1","type":"function","function":{"name":"get_weather","arguments":""}}]}${tail}`
      + `${head}{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":\\"Paris\\"}"}}]}${tail}`
      + `${head}{},"logprobs":null,"finish_reason":"tool_calls"}]}\n\n`
      + 'data: [DONE]\n\n');
    const final = await served.client.chat.completions.stream(body as never).finalChatCompletion();
    assert.deepEqual(final.choices[0]!.message.tool_calls, [
      { id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
  });

  it('should end with data: {"error":…} and no [DONE] when the agent fails after the stream started', async () => {
    const failing = defineAgent({
      name: 'echo',
      async *run() {
        yield 'partial ';
        throw new Error('the model backend went away');
      },
    });
    served = await serve(express, { agents: [failing] });
    const res = await request(served.app).post('/v1/chat/completions').buffer(true).parse(sseBody)
      .send({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'x' }] }).expect(200);
    assert.equal(normalise((res.body as string)), frame('{"role":"assistant","content":"","refusal":null}', null, '')
      + frame('{"content":"partial "}', null, '')
      + 'data: {"error":{"message":"[@agentway/openai-compat] The run failed: the model backend went away","type":"server_error","param":null,"code":"agent_error"}}\n\n');
    const stream = await served.client.chat.completions.create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const seen: unknown[] = [];
    await assert.rejects(async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]!.delta.content);
    }, (err: unknown) => {
      assert.ok(err instanceof APIError);
      assert.equal(err.status, undefined);
      assert.equal(err.message, '[@agentway/openai-compat] The run failed: the model backend went away');
      assert.equal(err.code, 'agent_error');
      assert.equal(err.type, 'server_error');
      return true;
    });
    assert.deepEqual(seen, ['', 'partial ']);
  });

  it('should coalesce the chunks of one tick into one write (100 pieces, at most 2 writes)', async () => {
    const writes: number[] = [];
    served = await serve(express, { agents: [echoAgent()] }, (app) => {
      app.use((_req, res, next) => {
        const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
        const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => unknown;
        res.write = ((chunk: unknown, ...rest: unknown[]) => { writes.push(String(chunk).length); return write(chunk, ...rest); }) as never;
        res.end = ((chunk?: unknown, ...rest: unknown[]) => { if (chunk) writes.push(String(chunk).length); return end(chunk, ...rest); }) as never;
        next();
      });
    });
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const res = await request(served.app).post('/v1/chat/completions').buffer(true).parse(sseBody)
      .send({ model: 'echo', stream: true, messages: [{ role: 'user', content: words }] }).expect(200);
    assert.equal(sseJson((res.body as string)).length, 102);
    assert.ok(writes.length >= 1 && writes.length <= 2, `expected 1–2 writes, got ${writes.length}`);
    assert.equal(writes.reduce((a, b) => a + b, 0), (res.body as string).length);
  });

  it('should send each tick\'s chunks at once behind compression(), which leaves the stream uncompressed (no-transform)', async () => {
    const gate = deferred();
    served = await serve(express, { agents: [gatedAgent('echo', 'first', gate.promise, [' second'])] }, (app) => app.use(compression()));
    const { data: stream, response } = await served.client.chat.completions
      .create({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'x' }] }).withResponse();
    assert.equal(response.headers.get('content-encoding'), null);
    const pieces: unknown[] = [];
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]!.delta.content);
      if (chunk.choices[0]!.delta.content === 'first') gate.resolve(); // only reachable if 'first' arrived before the end
    }
    assert.deepEqual(pieces, ['', 'first', ' second', undefined]);
  });

  it('should send a ": ping" comment after heartbeat ms of silence, and only then', async () => {
    const gates = [deferred(), deferred()];
    const agent = defineAgent({
      name: 'echo',
      async *run() {
        yield 'a';
        await gates[0]!.promise;
        yield 'b';
        await gates[1]!.promise;
        yield 'c';
      },
    });
    const clock = FakeTimers.install({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      served = await serve(express, { agents: [agent], heartbeat: 1000 });
      const res = await post(served.server.url, { model: 'echo', stream: true, messages: [{ role: 'user', content: 'x' }] });
      const state = { text: '' };
      await readUntil(res, state, '"content":"a"');
      await clock.tickAsync(999);
      gates[0]!.resolve();
      await readUntil(res, state, '"content":"b"');
      await clock.tickAsync(1);
      await clock.tickAsync(998);
      await clock.tickAsync(1);
      await readUntil(res, state, ': ping');
      gates[1]!.resolve();
      const text = await readUntil(res, state, '[DONE]');
      assert.equal(normalise(text), frame('{"role":"assistant","content":"","refusal":null}', null, '')
        + frame('{"content":"a"}', null, '') + frame('{"content":"b"}', null, '') + ': ping\n\n'
        + frame('{"content":"c"}', null, '') + frame('{}', 'stop', '') + 'data: [DONE]\n\n');
    } finally {
      clock.uninstall();
    }
  });

  describe('with a client that stops reading', () => {
    const broker = createMemoryBroker();
    let runtime: Runtime | undefined;
    let read = 0;

    after(async () => {
      await runtime?.close();
      await broker.close();
    });

    it('should stop reading the run while the socket is full, and deliver everything once it drains', async () => {
      const piece = 'x'.repeat(64 * 1024);
      const pieces = 150;
      const runIds: string[] = [];
      const bulky = defineAgent({
        name: 'echo',
        async *run(_input, ctx) {
          runIds.push(ctx.runId);
          for (let i = 0; i < pieces; i++) yield piece;
        },
      });
      const real = createRuntime({ broker, agents: [bulky] });
      runtime = real;
      const counting: Runtime = {
        ...real,
        events: (runId, options) => (async function* counted() {
          for await (const record of real.events(runId, options)) {
            read++;
            yield record;
          }
        })(),
      };
      served = await serve(express, { runtime: counting });
      const res = await post(served.server.url, { model: 'echo', stream: true, messages: [{ role: 'user', content: 'x' }] });
      res.pause();
      while (runIds.length === 0) await turn();
      assert.equal((await real.result(runIds[0]!)).status, 'completed');
      let stable = 0;
      for (let last = -1; stable < 50; last = read) {
        await turn();
        stable = read === last ? stable + 1 : 0;
      }
      const stalledAt = read;
      assert.ok(stalledAt < pieces, `the view read ${stalledAt} of ${pieces + 2} events while the client read nothing`);
      const text = await readUntil(res, { text: '' }, '[DONE]');
      assert.equal(read, pieces + 2);
      assert.equal(sseJson<{ choices: { delta: { content?: string } }[] }>(text).filter((c) => c.choices[0]?.delta.content === piece).length, pieces);
    });
  });
});
