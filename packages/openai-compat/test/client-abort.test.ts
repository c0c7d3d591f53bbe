import assert from 'node:assert/strict';
import { APIUserAbortError } from 'openai';
import { defineAgent, type Agent, type RunContext } from '@agentway/agents';
import { forEachExpress } from '@agentway/test-harness';
import { aborted, deferred, serve, type Served } from './helpers';

/** Yields "first", then waits for its signal (or the gate); yields "second" only if not aborted. */
function patientAgent(contexts: RunContext[], started: { resolve: () => void }, gate: Promise<void>): Agent {
  return defineAgent({
    name: 'patient',
    async *run(_input, ctx) {
      contexts.push(ctx);
      yield 'first';
      started.resolve();
      await Promise.race([aborted(ctx.signal), gate]);
      if (!ctx.signal.aborted) yield 'second';
    },
  });
}

const ask = { model: 'patient', messages: [{ role: 'user' as const, content: 'x' }] };

forEachExpress('openaiCompat() when the client leaves', (express) => {
  let served: Served;
  let contexts: RunContext[];
  let started: ReturnType<typeof deferred<void>>;
  let gate: ReturnType<typeof deferred<void>>;

  beforeEach(async () => {
    contexts = [];
    started = deferred<void>();
    gate = deferred<void>();
    // The tests read each run after the client left: keep it (by default it is dropped once it ends).
    served = await serve(express, { agents: [patientAgent(contexts, started, gate.promise)], keepFinishedRuns: true });
  });

  afterEach(async () => {
    gate.resolve();
    await served.close();
  });

  /** The agent's signal aborted and its run ended cancelled, after exactly the one piece. */
  async function assertCancelled(): Promise<void> {
    const ctx = contexts[0]!;
    await aborted(ctx.signal);
    const result = await served.router.runtime.result(ctx.runId);
    assert.equal(result.status, 'failed');
    assert.deepEqual(result.error, { code: 'cancelled', message: 'the client closed the connection' });
    assert.deepEqual(result.events.map((e) => e.type), ['run_started', 'text_delta', 'run_error']);
    assert.equal(contexts.length, 1);
  }

  it('should cancel the run when the request\'s signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const stream = await served.client.chat.completions.create({ ...ask, stream: true }, { signal: controller.signal });
    const seen: unknown[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]!.delta.content);
      if (chunk.choices[0]!.delta.content === 'first') controller.abort();
    }
    assert.deepEqual(seen, ['', 'first']);
    await assertCancelled();
  });

  it('should cancel the run when the loop breaks', async () => {
    const stream = await served.client.chat.completions.create({ ...ask, stream: true });
    for await (const chunk of stream) if (chunk.choices[0]!.delta.content === 'first') break;
    await assertCancelled();
  });

  it('should cancel the run on stream.controller.abort()', async () => {
    const stream = await served.client.chat.completions.create({ ...ask, stream: true });
    const seen: unknown[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]!.delta.content);
      if (chunk.choices[0]!.delta.content === 'first') stream.controller.abort();
    }
    assert.deepEqual(seen, ['', 'first']);
    await assertCancelled();
  });

  it('should cancel the run on the .stream() helper\'s abort()', async () => {
    const runner = served.client.chat.completions.stream(ask);
    runner.on('content', (delta) => { if (delta === 'first') runner.abort(); });
    await assert.rejects(runner.finalChatCompletion(), APIUserAbortError);
    await assertCancelled();
  });

  it('should cancel the run when a non-streaming request is aborted', async () => {
    const controller = new AbortController();
    const answer = served.client.chat.completions.create(ask, { signal: controller.signal });
    await started.promise;
    controller.abort();
    await assert.rejects(answer, APIUserAbortError);
    await assertCancelled();
  });

  it('should cancel a streamed Responses API run when the loop breaks', async () => {
    const stream = await served.client.responses.create({ model: 'patient', input: 'x', stream: true });
    for await (const event of stream) if (event.type === 'response.output_text.delta') break;
    await assertCancelled();
  });

  it('should let a run that was not abandoned finish', async () => {
    const answer = served.client.chat.completions.create(ask);
    await started.promise;
    gate.resolve();
    assert.equal((await answer).choices[0]!.message.content, 'firstsecond');
    assert.equal(contexts[0]!.signal.aborted, false);
  });
});
