import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { createMemoryBroker } from '@agentway/broker';
import { createRuntime, defineAgent, type Agent, type Runtime } from '@agentway/agents';
import { forEachExpress } from '@agentway/test-harness';
import { aborted, deferred, normalise, serve, type Served } from './helpers';

/** Yields "first", tells `started` its run id, then waits for its signal (a run only a cancel ends). */
function waitingAgent(started: (runId: string) => void): Agent {
  return defineAgent({
    name: 'waiting',
    async *run(_input, ctx) {
      yield 'first';
      started(ctx.runId);
      await aborted(ctx.signal);
    },
  });
}

const ask = { model: 'waiting', messages: [{ role: 'user' as const, content: 'hi' }] };
const SHUTDOWN = '{"message":"[@agentway/openai-compat] The server is shutting down: the stream was ended before the run did.","type":"server_error","param":null,"code":"server_shutting_down"}';

forEachExpress('openaiCompat() close()', (express) => {
  let served: Served | undefined;
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await served?.close();
    await runtime?.close();
    await runtime?.broker.close();
    served = runtime = undefined;
  });

  async function start(agent: Agent): Promise<Served> {
    runtime = createRuntime({ broker: createMemoryBroker(), agents: [agent] });
    // These tests read each run after its answer: keep it (by default it is dropped with the answer).
    served = await serve(express, { runtime, keepFinishedRuns: true });
    return served;
  }

  it('should end an open chat stream with an in-band server_shutting_down error and cancel its run', async () => {
    const started = deferred<string>();
    const { server, router } = await start(waitingAgent(started.resolve));
    const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ask, stream: true }) });
    const runId = await started.promise;
    await router.close();
    const text = normalise(await res.text());
    const head = 'data: {"id":"chatcmpl-ID","object":"chat.completion.chunk","created":0,"model":"waiting","choices":[{"index":0,"delta":';
    assert.equal(text, `${head}{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}\n\n`
      + `${head}{"content":"first"},"logprobs":null,"finish_reason":null}]}\n\n`
      + `data: {"error":${SHUTDOWN}}\n\n`);
    const result = await runtime!.result(runId);
    assert.deepEqual([result.status, result.error], ['failed', { code: 'cancelled', message: 'the server is shutting down' }]);
  });

  it('should answer 503 server_shutting_down (not retried) to a request waiting for its run, whose run is cancelled', async () => {
    const started = deferred<string>();
    const { client, router } = await start(waitingAgent(started.resolve));
    const answer = client.chat.completions.create(ask).then(() => assert.fail('answered'), (err: unknown) => err);
    const runId = await started.promise;
    await router.close();
    assert.equal((await runtime!.result(runId)).error?.code, 'cancelled');
    const err = await answer;
    assert.ok(err instanceof APIError);
    assert.equal(err.status, 503);
    assert.deepEqual(err.error, {
      message: '[@agentway/openai-compat] The server is shutting down: the run was cancelled before it could be answered.',
      type: 'server_error', param: null, code: 'server_shutting_down',
    });
    assert.equal(err.headers?.get('x-should-retry'), 'false');
    assert.match(err.headers?.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
  });

  it('should refuse new runs with 503 server_shutting_down and Retry-After once closing', async () => {
    const { server, router } = await start(waitingAgent(() => undefined));
    await router.close();
    const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask) });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(res.headers.get('x-should-retry'), null);
    assert.deepEqual(await res.json(), {
      error: { message: '[@agentway/openai-compat] The server is shutting down. Retry on another instance.', type: 'server_error', param: null, code: 'server_shutting_down' },
    });
  });

  it('should end an open Responses stream with error and response.failed', async () => {
    const started = deferred<string>();
    const { server, router } = await start(waitingAgent(started.resolve));
    const res = await fetch(`${server.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'waiting', input: 'hi', stream: true }) });
    await started.promise;
    await router.close();
    const events = (await res.text()).split('\n\n').filter(Boolean).map((frame) => /^event: (\S+)/.exec(frame)![1]);
    assert.deepEqual(events.slice(-2), ['error', 'response.failed']);
    assert.deepEqual(events.slice(0, 2), ['response.created', 'response.in_progress']);
  });
});
