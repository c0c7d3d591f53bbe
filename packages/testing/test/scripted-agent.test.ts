import assert from 'node:assert/strict';
import FakeTimers, { type Clock } from '@sinonjs/fake-timers';
import { createRuntime, type RunEvent, type Runtime } from '@agentway/agents';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { scriptedAgent, type ScriptStep } from '@agentway/testing';

const ask = { messages: [{ role: 'user' as const, content: 'go' }] };

/** The run's events with its generated ids replaced, so that they compare exactly. */
function plain(events: readonly RunEvent[]): unknown[] {
  const ids = new Map<string, string>();
  const alias = (id: string, kind: string) => ids.get(id) ?? (ids.set(id, `${kind}${ids.size + 1}`).get(id)!);
  return events.map((event) => {
    const copy: Record<string, unknown> = { ...event };
    if (typeof copy.message_id === 'string') copy.message_id = alias(copy.message_id, 'msg');
    if (typeof copy.run_id === 'string') copy.run_id = 'RUN';
    delete copy.input;
    delete copy.thread_id;
    return copy;
  });
}

describe('scriptedAgent() run by a real runtime', () => {
  let broker: Broker;
  let runtime: Runtime | undefined;

  const run = async (steps: readonly ScriptStep[]) => {
    await runtime?.close();
    const started = createRuntime({ broker, agents: [scriptedAgent('scripted', steps)] });
    runtime = started;
    return started.result((await started.start({ agent: 'scripted', input: ask })).runId);
  };

  beforeEach(() => { broker = createMemoryBroker(); });
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await broker.close();
  });

  it('should yield its text pieces, tool calls and results, state, usage and finish in order', async () => {
    const result = await run([
      'Let me ', { type: 'text', delta: 'check.' },
      { type: 'tool_call', id: 'c1', name: 'lookup', arguments: { q: 'x' } },
      { type: 'tool_result', toolCallId: 'c1', result: { found: true } },
      { type: 'state', snapshot: { step: 1 } },
      { type: 'state', delta: [{ op: 'replace', path: '/step', value: 2 }] },
      'Found it.',
      { type: 'usage', promptTokens: 7, completionTokens: 3 },
      { type: 'finish', reason: 'length' },
    ]);
    assert.deepEqual(plain(result.events), [
      { type: 'run_started', run_id: 'RUN', agent_name: 'scripted' },
      { type: 'text_delta', message_id: 'msg1', delta: 'Let me ' },
      { type: 'text_delta', message_id: 'msg1', delta: 'check.' },
      { type: 'tool_call', tool_call_id: 'c1', name: 'lookup', arguments: '{"q":"x"}' },
      { type: 'tool_result', tool_call_id: 'c1', name: 'lookup', result: { found: true } },
      { type: 'state', snapshot: { step: 1 } },
      { type: 'state', delta: [{ op: 'replace', path: '/step', value: 2 }] },
      { type: 'text_delta', message_id: 'msg2', delta: 'Found it.' },
      { type: 'run_completed', run_id: 'RUN', output: 'Let me check.Found it.', finish_reason: 'length', usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } },
    ]);
  });

  it('should fail the run with the code given, or agent_error without one', async () => {
    const coded = await run(['partial', { type: 'fail', message: 'upstream 429', code: 'rate_limited' }, 'never']);
    assert.deepEqual([coded.status, coded.output, coded.error], ['failed', 'partial', { code: 'rate_limited', message: 'upstream 429' }]);
    const plainFailure = await run([{ type: 'fail', message: 'boom' }]);
    assert.deepEqual(plainFailure.error, { code: 'agent_error', message: 'boom' });
  });

  describe('with a delay step', () => {
    let clock: Clock | undefined;
    afterEach(() => { clock?.uninstall(); clock = undefined; });

    it('should wait exactly that long on the clock (fake timers, no sleeping)', async () => {
      clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const slow = createRuntime({ broker, agents: [scriptedAgent('slow', ['before', { type: 'delay', ms: 60_000 }, 'after'])] });
      runtime = slow;
      const { runId } = await slow.start({ agent: 'slow', input: ask });
      const seen: string[] = [];
      const reading = (async () => {
        for await (const { event } of slow.events(runId)) seen.push(event.type === 'text_delta' ? event.delta : event.type);
      })();
      await clock.tickAsync(59_999);
      assert.deepEqual(seen, ['run_started', 'before']);
      await clock.tickAsync(1);
      await reading;
      assert.deepEqual(seen, ['run_started', 'before', 'after', 'run_completed']);
    });

    it('should stop waiting when the run\'s signal aborts, and yield nothing more', async () => {
      const agent = scriptedAgent('patient', ['working', { type: 'delay', ms: 3_600_000 }, 'never']);
      const controller = new AbortController();
      const ctx = { runId: 'r', threadId: 't', agentName: 'patient', signal: controller.signal, principal: undefined };
      const steps = (await agent.run(ask, ctx)) as AsyncGenerator<unknown>;
      assert.deepEqual(await steps.next(), { value: 'working', done: false });
      const waiting = steps.next();
      controller.abort();
      await assert.rejects(waiting, { name: 'AbortError' });
      assert.deepEqual(await steps.next(), { value: undefined, done: true });
    });

    it('should end a cancelled run at once', async () => {
      const patient = createRuntime({ broker, agents: [scriptedAgent('patient', ['working', { type: 'delay', ms: 3_600_000 }, 'never'])] });
      runtime = patient;
      const { runId } = await patient.start({ agent: 'patient', input: ask });
      for await (const { event } of patient.events(runId)) if (event.type === 'text_delta') break;
      await patient.cancel(runId, 'the user left');
      const result = await patient.result(runId);
      assert.deepEqual([result.status, result.output, result.error], ['failed', 'working', { code: 'cancelled', message: 'the user left' }]);
    });
  });
});

describe('scriptedAgent() checks', () => {
  it('should take a description and skills', () => {
    const skills = [{ id: 's', name: 'S', description: 'd', tags: ['t'] }];
    const agent = scriptedAgent('documented', ['x'], { description: 'A scripted agent.', skills });
    assert.deepEqual([agent.name, agent.description, agent.skills], ['documented', 'A scripted agent.', skills]);
  });

  it('should refuse a malformed step, naming it', () => {
    const refused = (steps: unknown[], message: string) => assert.throws(() => scriptedAgent('a', steps as ScriptStep[]), {
      name: 'TypeError', code: 'ERR_TESTING_INVALID_ARGUMENT', message: `[@agentway/testing] scriptedAgent("a") step #${message}`,
    });
    refused(['ok', 42], '1 must be a text piece (a string) or an object with a "type"');
    refused([{ type: 'delay', ms: -1 }], '0 (delay) needs "ms", a finite number >= 0');
    refused([{ type: 'fail' }], '0 (fail) needs a string "message"');
    refused([{ type: 'fail', message: 'x', code: 500 }], '0 (fail) takes "code" as a string');
    refused([{ type: 'tool', name: 'x' }], '0 has type "tool"; expected one of text, tool_call, tool_result, state, usage, finish, delay, fail');
  });

  it('should refuse an unknown option, and a bad name as defineAgent() does', () => {
    assert.throws(() => scriptedAgent('a', [], { descripton: 'x' } as never), {
      code: 'ERR_TESTING_UNKNOWN_OPTION', message: '[@agentway/testing] unknown option "descripton"; did you mean "description"?',
    });
    assert.throws(() => scriptedAgent('has space', []), { code: 'ERR_AGENTS_INVALID_OPTION' });
  });
});
