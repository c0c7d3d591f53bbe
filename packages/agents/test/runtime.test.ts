import assert from 'node:assert/strict';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { eventually } from '@agentway/broker/conformance';
import { clockAgent, createRuntime, defineAgent, echoAgent, type Runtime } from '@agentway/agents';
import { allEvents, ask, deferred } from './helpers';

describe('createRuntime()', () => {
  let broker: Broker;
  let runtime: Runtime;

  beforeEach(() => {
    broker = createMemoryBroker();
  });

  afterEach(async () => {
    await runtime?.close();
    await broker.close();
  });

  describe('with the echo agent', () => {
    it('should publish run_started, one text_delta per word and run_completed with the whole text', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('hello  brave new world'), threadId: 'thread-1' });
      const events = await allEvents(runtime, run.runId);
      const messageId = (events[1] as { message_id: string }).message_id;
      assert.match(run.runId, /^run_[0-9a-f-]{36}$/);
      assert.deepEqual(events, [
        { type: 'run_started', run_id: run.runId, agent_name: 'echo', thread_id: 'thread-1', input: ask('hello  brave new world') },
        { type: 'text_delta', message_id: messageId, delta: 'hello' },
        { type: 'text_delta', message_id: messageId, delta: '  brave' },
        { type: 'text_delta', message_id: messageId, delta: ' new' },
        { type: 'text_delta', message_id: messageId, delta: ' world' },
        { type: 'run_completed', run_id: run.runId, output: 'hello  brave new world', finish_reason: 'stop' },
      ]);
    });

    it('should record who started the run in run_started', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('hi'), principal: { id: 'user-1', method: 'api-key', scopes: [] } });
      const [started] = await allEvents(runtime, run.runId);
      assert.equal((started as { principal_id?: string }).principal_id, 'user-1');
    });

    it('should run the first agent when none is named', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent(), clockAgent()] });
      const run = await runtime.start({ input: ask('hi') });
      assert.equal(run.agentName, 'echo');
      assert.equal((await runtime.result(run.runId)).output, 'hi');
    });
  });

  describe('with the clock agent', () => {
    it('should publish the tool call, its result, then a sentence with the result', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent(), clockAgent({ now: () => new Date('2026-11-21T10:00:00.000Z') })] });
      const run = await runtime.start({ agent: 'clock', input: ask('time?') });
      const events = (await allEvents(runtime, run.runId)).slice(1);
      const callId = (events[0] as { tool_call_id: string }).tool_call_id;
      assert.deepEqual(events.slice(0, 2), [
        { type: 'tool_call', tool_call_id: callId, name: 'get_time', arguments: '{"timezone":"UTC"}' },
        { type: 'tool_result', tool_call_id: callId, name: 'get_time', result: '2026-11-21T10:00:00.000Z' },
      ]);
      assert.deepEqual(events.at(-1), {
        type: 'run_completed', run_id: run.runId, output: 'The time is 2026-11-21T10:00:00.000Z.', finish_reason: 'stop',
      });
    });
  });

  describe('with agents of every shape', () => {
    it('should take a returned string as the whole answer', async () => {
      runtime = createRuntime({ broker, agents: [defineAgent({ name: 'plain', run: async () => 'done' })] });
      const run = await runtime.start({ input: ask('x') });
      assert.deepEqual((await allEvents(runtime, run.runId)).slice(1).map((e) => e.type), ['text_delta', 'run_completed']);
      assert.equal((await runtime.result(run.runId)).output, 'done');
    });

    it('should report a tool call left unanswered as finish_reason tool_calls', async () => {
      runtime = createRuntime({
        broker,
        agents: [defineAgent({ name: 'caller', *run() { yield { type: 'tool_call', name: 'lookup', arguments: '{"q":1}' }; } })],
      });
      const result = await runtime.result((await runtime.start({ input: ask('x') })).runId);
      assert.equal(result.finishReason, 'tool_calls');
      assert.match((result.events[1] as { tool_call_id: string }).tool_call_id, /^call_[0-9a-f]{24}$/);
    });

    it('should match a tool result to the oldest open call of its name', async () => {
      runtime = createRuntime({
        broker,
        agents: [defineAgent({
          name: 'tools',
          async *run() {
            yield { type: 'tool_call', id: 'a', name: 'search' };
            yield { type: 'tool_call', id: 'b', name: 'search' };
            yield { type: 'tool_result', name: 'search', result: { hits: 1 } };
            yield { type: 'usage', promptTokens: 3, completionTokens: 4 };
          },
        })],
      });
      const result = await runtime.result((await runtime.start({ input: ask('x') })).runId);
      assert.deepEqual(result.events[3], { type: 'tool_result', tool_call_id: 'a', name: 'search', result: { hits: 1 } });
      assert.deepEqual(result.usage, { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
      assert.equal(result.finishReason, 'tool_calls');
    });

    it('should end with run_error when the agent throws, keeping its message and code', async () => {
      runtime = createRuntime({
        broker,
        agents: [defineAgent({
          name: 'failing',
          async *run() {
            yield 'partial ';
            throw Object.assign(new Error('upstream said 429'), { code: 'rate_limited' });
          },
        })],
      });
      const run = await runtime.start({ input: ask('x') });
      const events = await allEvents(runtime, run.runId);
      assert.deepEqual(events.slice(2), [
        { type: 'run_error', run_id: run.runId, error: { code: 'rate_limited', message: 'upstream said 429' } },
      ]);
      const result = await runtime.result(run.runId);
      assert.equal(result.status, 'failed');
      assert.equal(result.output, 'partial ');
    });

    it('should end with run_error agent_error when the agent yields something that is not an output', async () => {
      runtime = createRuntime({ broker, agents: [defineAgent({ name: 'odd', *run() { yield 42 as never; } })] });
      const result = await runtime.result((await runtime.start({ input: ask('x') })).runId);
      assert.deepEqual(result.error, { code: 'agent_error', message: 'an agent yielded number; expected a string or an event object' });
    });
  });

  describe('cancel()', () => {
    it("should abort the agent's signal and end the run with run_error cancelled", async () => {
      const started = deferred();
      const aborted = deferred<unknown>();
      runtime = createRuntime({
        broker,
        agents: [defineAgent({
          name: 'slow',
          async *run(_input, ctx) {
            yield 'working';
            started.resolve();
            await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
            aborted.resolve(ctx.signal.reason);
          },
        })],
      });
      const run = await runtime.start({ input: ask('x') });
      await started.promise;
      await runtime.cancel(run.runId, 'user pressed stop');
      assert.equal(((await aborted.promise) as { code: string }).code, 'cancelled');
      const events = await allEvents(runtime, run.runId);
      assert.deepEqual(events.at(-1), { type: 'run_error', run_id: run.runId, error: { code: 'cancelled', message: 'user pressed stop' } });
    });

    it('should end the run at once even when the agent ignores its signal', async () => {
      const started = deferred();
      runtime = createRuntime({
        broker,
        agents: [defineAgent({ name: 'stubborn', async run() { started.resolve(); return new Promise<string>(() => undefined); } })],
      });
      const run = await runtime.start({ input: ask('x') });
      await started.promise;
      await runtime.cancel(run.runId);
      assert.deepEqual((await allEvents(runtime, run.runId)).map((e) => e.type), ['run_started', 'run_error']);
    });

    it('should cancel a run executing on another runtime of the same broker', async () => {
      const started = deferred();
      const aborted = deferred();
      const slow = defineAgent({
        name: 'slow',
        async run(_input, ctx) {
          started.resolve();
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
          aborted.resolve();
          return 'never';
        },
      });
      runtime = createRuntime({ broker, agents: [slow] });
      const other = createRuntime({ broker, agents: [slow] });
      try {
        const run = await runtime.start({ input: ask('x') });
        await started.promise;
        await other.cancel(run.runId);
        await aborted.promise;
        assert.equal((await other.result(run.runId)).error?.code, 'cancelled');
      } finally {
        await other.close();
      }
    });

    it('should do nothing to a run that has ended, and throw ERR_AGENTS_RUN_NOT_FOUND for an unknown one', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('x') });
      await runtime.result(run.runId);
      await runtime.cancel(run.runId);
      assert.equal((await runtime.result(run.runId)).status, 'completed');
      await assert.rejects(runtime.cancel('run_nope'), { code: 'ERR_AGENTS_RUN_NOT_FOUND' });
    });
  });

  describe('with runTimeout', () => {
    it('should abort a run that takes too long with run_error timeout', async () => {
      runtime = createRuntime({ broker, runTimeout: 30, agents: [defineAgent({ name: 'forever', run: () => new Promise<string>(() => undefined) })] });
      const result = await runtime.result((await runtime.start({ input: ask('x') })).runId);
      assert.deepEqual(result.error, { code: 'timeout', message: 'the run took longer than 30 ms' });
    });
  });

  describe('events()', () => {
    it('should resume right after a given offset, with nothing lost or repeated', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('one two three four') });
      const records = [];
      for await (const record of runtime.events(run.runId)) records.push(record);
      const resumed = [];
      for await (const record of runtime.events(run.runId, { after: records[2]!.offset })) resumed.push(record);
      assert.deepEqual(resumed, records.slice(3));
    });

    it('should stream a run started on another runtime sharing the broker', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent({ delay: 2 })] });
      const reader = createRuntime({ broker, agents: [echoAgent()] });
      try {
        const run = await runtime.start({ input: ask('across instances') });
        assert.equal((await reader.result(run.runId)).output, 'across instances');
      } finally {
        await reader.close();
      }
    });

    it('should throw ERR_AGENTS_RUN_NOT_FOUND for a run that does not exist', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent()] });
      await assert.rejects(allEvents(runtime, 'run_missing'), {
        code: 'ERR_AGENTS_RUN_NOT_FOUND',
        message: '[@agentway/agents] no run "run_missing" (it never started, or it finished and expired)',
      });
    });

    it('should stop when its signal is aborted', async () => {
      runtime = createRuntime({ broker, agents: [defineAgent({ name: 'hang', run: () => new Promise<string>(() => undefined) })] });
      const run = await runtime.start({ input: ask('x') });
      const controller = new AbortController();
      const seen: string[] = [];
      const reading = (async () => {
        for await (const { event } of runtime.events(run.runId, { signal: controller.signal })) seen.push(event.type);
      })();
      controller.abort();
      await reading;
      assert.ok(seen.length <= 1);
      await runtime.cancel(run.runId);
    });
  });

  describe('with finishedRunTtl', () => {
    it('should expire a finished run', async () => {
      runtime = createRuntime({ broker, finishedRunTtl: 20, agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('x') });
      await runtime.result(run.runId);
      for (let i = 0; i < 200 && (await broker.describe(run.topic)); i++) await new Promise((r) => setTimeout(r, 5));
      await assert.rejects(runtime.result(run.runId), { code: 'ERR_AGENTS_RUN_NOT_FOUND' });
    });
  });

  describe('discard()', () => {
    const gone = (topic: string) => eventually(async () => (await broker.describe(topic)) === undefined, 500);
    /** Asserts the topic is still there `ms` from now. */
    async function stillThere(topic: string, ms: number): Promise<void> {
      await new Promise((r) => setTimeout(r, ms));
      assert.ok(await broker.describe(topic), `${topic} is gone`);
    }

    it('should drop a finished run\'s events at once, though finishedRunTtl is long', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('x y') });
      assert.equal((await runtime.result(run.runId)).output, 'x y');
      await runtime.discard(run.runId);
      await gone(run.topic);
      await assert.rejects(runtime.result(run.runId), { code: 'ERR_AGENTS_RUN_NOT_FOUND' });
    });

    it('should drop a run executing here when it ends, not before', async () => {
      const go = deferred();
      runtime = createRuntime({ broker, agents: [defineAgent({ name: 'gated', async *run() { yield 'a'; await go.promise; yield 'b'; } })] });
      const run = await runtime.start({ input: ask('x') });
      await runtime.discard(run.runId);
      await stillThere(run.topic, 30);
      go.resolve();
      assert.equal((await runtime.result(run.runId)).output, 'ab');
      await gone(run.topic);
    });

    it('should leave alone a run executing in another runtime, and a run that does not exist', async () => {
      const go = deferred();
      runtime = createRuntime({ broker, agents: [defineAgent({ name: 'gated', async *run() { await go.promise; yield 'done'; } })] });
      const elsewhere = createRuntime({ broker, agents: [echoAgent()] });
      try {
        const run = await runtime.start({ input: ask('x') });
        await elsewhere.discard(run.runId);
        await elsewhere.discard('run_nobody');
        await stillThere(run.topic, 30);
        go.resolve();
        assert.equal((await elsewhere.result(run.runId)).output, 'done');
        await stillThere(run.topic, 30);
        await elsewhere.discard(run.runId);
        await gone(run.topic);
      } finally {
        await elsewhere.close();
      }
    });
  });

  describe('start()', () => {
    it('should refuse an unknown agent, listing the agents', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent(), clockAgent()] });
      await assert.rejects(runtime.start({ agent: 'nope', input: ask('x') }), {
        code: 'ERR_AGENTS_UNKNOWN_AGENT', message: '[@agentway/agents] no agent "nope"; the agents are: echo, clock',
      });
    });

    it('should refuse malformed input and a run id that exists', async () => {
      runtime = createRuntime({ broker, agents: [echoAgent()] });
      await assert.rejects(runtime.start({ input: { messages: [{ role: 'robot', content: 'x' }] } as never }), {
        code: 'ERR_AGENTS_INVALID_INPUT',
        message: '[@agentway/agents] messages[0].role must be one of system, developer, user, assistant, tool',
      });
      await runtime.start({ input: ask('x'), runId: 'mine' });
      await assert.rejects(runtime.start({ input: ask('x'), runId: 'mine' }), { code: 'ERR_AGENTS_RUN_EXISTS' });
      await assert.rejects(runtime.start({ input: ask('x'), runId: 'bad id' }), { code: 'ERR_AGENTS_INVALID_INPUT' });
    });
  });

  describe('with a broker that fails publishes', () => {
    /** The broker, failing the publishes on the run topic whose numbers (1: run_started) are listed. */
    function failing(numbers: number[]): Broker {
      const faulty: Broker = Object.create(broker);
      let count = 0;
      faulty.publish = (topic, message) => (topic.startsWith('runs.') && numbers.includes(++count)
        ? Promise.reject(Object.assign(new Error('publish refused'), { code: 'ERR_BROKER_UNAVAILABLE' }))
        : broker.publish(topic, message));
      return faulty;
    }

    it('should end the run with run_error publish_failed when an event could not be published', async () => {
      runtime = createRuntime({ broker: failing([2]), agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('a b') });
      const events = await allEvents(runtime, run.runId);
      assert.deepEqual(events.slice(1), [{
        type: 'run_error', run_id: run.runId,
        error: { code: 'publish_failed', message: "the run's events could not all be published: publish refused" },
      }]);
    });

    it('should still end the run when publishing run_error publish_failed fails too', async () => {
      // The text_delta fails, then the run_error that says so: a reader must not wait forever.
      runtime = createRuntime({ broker: failing([2, 3]), agents: [echoAgent()] });
      const run = await runtime.start({ input: ask('a') });
      const result = await runtime.result(run.runId);
      assert.equal(result.status, 'failed');
      assert.deepEqual(result.error, { code: 'publish_failed', message: "the run's events could not all be published: publish refused" });
      assert.deepEqual(result.events.map((e) => e.type), ['run_started', 'run_error']);
    });
  });

  describe('close()', () => {
    it('should end the runs executing here with run_error worker_shutdown', async () => {
      const started = deferred();
      runtime = createRuntime({ broker, agents: [defineAgent({ name: 'hang', run: () => { started.resolve(); return new Promise<string>(() => undefined); } })] });
      const run = await runtime.start({ input: ask('x') });
      await started.promise;
      await runtime.close();
      const reader = createRuntime({ broker, agents: [echoAgent()] });
      assert.equal((await reader.result(run.runId)).error?.code, 'worker_shutdown');
      await reader.close();
      await assert.rejects(runtime.start({ input: ask('x') }), { code: 'ERR_AGENTS_CLOSED' });
    });
  });

  describe('with bad options', () => {
    it('should throw coded TypeErrors at construction', () => {
      assert.throws(() => createRuntime({ broker, agents: [] }), { code: 'ERR_AGENTS_INVALID_OPTION' });
      assert.throws(() => createRuntime({ broker: {} as never, agents: [echoAgent()] }), {
        code: 'ERR_AGENTS_INVALID_OPTION', message: /option "broker" must be a Broker/,
      });
      assert.throws(() => createRuntime({ broker, agents: [echoAgent()], mdoe: 'workers' } as never), {
        code: 'ERR_AGENTS_UNKNOWN_OPTION', message: '[@agentway/agents] unknown option "mdoe"; did you mean "mode"?',
      });
      assert.throws(() => createRuntime({ broker, agents: [echoAgent(), echoAgent()] }), { message: /two agents are named "echo"/ });
      assert.throws(() => defineAgent({ name: 'has space', run: () => 'x' }), { code: 'ERR_AGENTS_INVALID_OPTION', message: /option "name" must be letters/ });
    });
  });
});
