import assert from 'node:assert/strict';
import { HttpAgent, type AgentSubscriber, type BaseEvent } from '@ag-ui/client';
import { HttpAgent as LegacyHttpAgent } from 'ag-ui-client-0.0';
import { clockAgent, createRuntime, echoAgent, type Runtime } from '@agentway/agents';
import { apiKeyAuth } from '@agentway/auth';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { aguiStream } from '@agentway/agui';
import { assertAguiSequence, listen, scriptedAgent, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';
import { countingBroker, gatedAgent, until } from './support';

const NOW = new Date('2030-01-02T03:04:05.000Z');

interface Recorded {
  events: BaseEvent[];
  errors: unknown[];
  finished: unknown[];
  failed: Error[];
}

function recorder(): { subscriber: AgentSubscriber; seen: Recorded } {
  const seen: Recorded = { events: [], errors: [], finished: [], failed: [] };
  const subscriber: AgentSubscriber = {
    onEvent: ({ event }) => { seen.events.push(event); },
    onRunErrorEvent: ({ event }) => { seen.errors.push({ message: event.message, code: event.code }); },
    onRunFinishedEvent: (params) => {
      seen.finished.push(params.outcome === 'success' ? { result: params.result, pending: params.pendingToolCallIds } : params.outcome);
    },
    onRunFailed: ({ error }) => { seen.failed.push(error); },
  };
  return { subscriber, seen };
}

/** Runs `fn` with console.error silenced: the client logs "Agent execution failed" for each run it rejects. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.error;
  console.error = () => undefined;
  try {
    return await fn();
  } finally {
    console.error = original;
  }
}

const types = (events: readonly BaseEvent[]) => events.map((e) => e.type);

forEachExpress('aguiStream() with @ag-ui/client 1.0 HttpAgent', (express) => {
  let broker: Broker;
  let counted: ReturnType<typeof countingBroker>;
  let runtime: Runtime;
  let server: Listening;
  const gate = gatedAgent('gated', ['Hello', ' there'], ['!']);

  before(async () => {
    broker = createMemoryBroker();
    counted = countingBroker(broker);
    runtime = createRuntime({
      broker: counted.broker,
      agents: [
        echoAgent(),
        clockAgent({ now: () => NOW }),
        scriptedAgent('flaky', ['Partial', ' answer', { type: 'fail', message: 'upstream 429', code: 'rate_limited' }]),
        scriptedAgent('stateful', [
          { type: 'state', snapshot: { count: 0, items: [] } },
          'Counting',
          { type: 'state', delta: [{ op: 'replace', path: '/count', value: 2 }, { op: 'add', path: '/items/-', value: 'x' }] },
        ]),
        gate.agent,
      ],
    });
    const app = express();
    app.use(aguiStream({ runtime }));
    server = await listen(app);
  });

  after(async () => {
    gate.open();
    await server.close();
    await runtime.close();
    await broker.close();
  });

  describe('POST /agui/runs (the default agent, echo)', () => {
    it('should stream RUN_STARTED, one text message and RUN_FINISHED echoing the client\'s ids', async () => {
      const agent = new HttpAgent({ url: `${server.url}/agui/runs`, threadId: 'thread-1', initialMessages: [{ id: 'u1', role: 'user', content: 'hello brave world' }] });
      const { subscriber, seen } = recorder();
      const { result, newMessages } = await agent.runAgent({ runId: 'run-echo-1' }, subscriber);

      assert.deepEqual(types(seen.events), [
        'RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED',
      ]);
      assertAguiSequence(seen.events, { legacy: true });
      assert.deepEqual(seen.events[0], { type: 'RUN_STARTED', threadId: 'thread-1', runId: 'run-echo-1', metadata: { agentName: 'echo' } });
      assert.deepEqual(seen.events.slice(2, 5).map((e) => (e as unknown as { delta: string }).delta), ['hello', ' brave', ' world']);
      assert.deepEqual(seen.events.at(-1), { type: 'RUN_FINISHED', threadId: 'thread-1', runId: 'run-echo-1', result: 'hello brave world' });
      assert.equal(result, 'hello brave world');
      assert.equal(newMessages.length, 1);
      assert.equal(newMessages[0]!.role, 'assistant');
      assert.equal(newMessages[0]!.content, 'hello brave world');
      assert.match(newMessages[0]!.id, /^msg_[0-9a-f-]{36}$/);
      assert.deepEqual(seen.finished, [{ result: 'hello brave world', pending: [] }]);
      assert.deepEqual(seen.failed, []);
      // The client's runId is the run's id on the server.
      assert.equal((await runtime.result('run-echo-1')).output, 'hello brave world');
    });
  });

  describe('POST /agui/runs/clock (a tool call, its result, then the answer)', () => {
    it('should stream the tool call and its result, and give the client both messages', async () => {
      const agent = new HttpAgent({ url: `${server.url}/agui/runs/clock`, threadId: 'thread-2', initialMessages: [{ id: 'u1', role: 'user', content: 'What time is it?' }] });
      const { subscriber, seen } = recorder();
      const { result, newMessages } = await agent.runAgent({ runId: 'run-clock-1' }, subscriber);

      assert.deepEqual(types(seen.events), [
        'RUN_STARTED', 'TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'TOOL_CALL_RESULT',
        'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED',
      ]);
      assertAguiSequence(seen.events, { legacy: true });
      const start = seen.events[1] as unknown as { toolCallId: string; toolCallName: string; parentMessageId?: string };
      assert.equal(start.toolCallName, 'get_time');
      assert.equal(start.parentMessageId, undefined);
      assert.deepEqual(seen.events[2], { type: 'TOOL_CALL_ARGS', toolCallId: start.toolCallId, delta: '{"timezone":"UTC"}' });
      assert.deepEqual(seen.events[4], {
        type: 'TOOL_CALL_RESULT', messageId: `${start.toolCallId}-result`, toolCallId: start.toolCallId, role: 'tool', content: NOW.toISOString(),
      });
      const answer = `The time is ${NOW.toISOString()}.`;
      assert.equal(result, answer);
      assert.deepEqual(newMessages.map((m) => m.role), ['assistant', 'tool', 'assistant']);
      assert.deepEqual((newMessages[0] as { toolCalls?: unknown }).toolCalls, [
        { id: start.toolCallId, type: 'function', function: { name: 'get_time', arguments: '{"timezone":"UTC"}' } },
      ]);
      assert.deepEqual(newMessages[1], { id: `${start.toolCallId}-result`, role: 'tool', toolCallId: start.toolCallId, content: NOW.toISOString() });
      assert.equal(newMessages[2]!.content, answer);
      assert.deepEqual(seen.finished, [{ result: answer, pending: [] }]);
    });
  });

  describe('POST /agui/runs/flaky (an agent that fails midway)', () => {
    it('should close the open message, end with RUN_ERROR and nothing after it, and keep the partial text', async () => {
      const agent = new HttpAgent({ url: `${server.url}/agui/runs/flaky`, threadId: 'thread-3', initialMessages: [{ id: 'u1', role: 'user', content: 'hi' }] });
      const { subscriber, seen } = recorder();
      const { result, newMessages } = await agent.runAgent({ runId: 'run-flaky-1' }, subscriber);

      assert.deepEqual(types(seen.events), [
        'RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_ERROR',
      ]);
      assertAguiSequence(seen.events, { legacy: true });
      assert.deepEqual(seen.events.at(-1), { type: 'RUN_ERROR', message: 'upstream 429', code: 'rate_limited' });
      assert.deepEqual(seen.errors, [{ message: 'upstream 429', code: 'rate_limited' }]);
      assert.deepEqual(seen.finished, []);
      assert.deepEqual(seen.failed, []);
      assert.equal(result, undefined);
      assert.deepEqual(newMessages.map((m) => [m.role, m.content]), [['assistant', 'Partial answer']]);
    });
  });

  describe('POST /agui/runs/stateful (state snapshots and patches)', () => {
    it('should give the client the patched state', async () => {
      const agent = new HttpAgent({ url: `${server.url}/agui/runs/stateful`, initialMessages: [{ id: 'u1', role: 'user', content: 'count' }] });
      const { subscriber, seen } = recorder();
      await agent.runAgent({}, subscriber);
      assert.deepEqual(types(seen.events), [
        'RUN_STARTED', 'STATE_SNAPSHOT', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'STATE_DELTA', 'TEXT_MESSAGE_END', 'RUN_FINISHED',
      ]);
      assertAguiSequence(seen.events, { legacy: true });
      assert.deepEqual(agent.state, { count: 2, items: ['x'] });
    });
  });

  describe('when the client aborts', () => {
    it('should close its stream and its subscription but let the run finish', async () => {
      const agent = new HttpAgent({ url: `${server.url}/agui/runs/gated`, initialMessages: [{ id: 'u1', role: 'user', content: 'x' }] });
      const { subscriber, seen } = recorder();
      let contents = 0;
      const running = agent.runAgent({ runId: 'run-abort-1' }, {
        ...subscriber,
        onTextMessageContentEvent: () => {
          if (++contents === 2) agent.abortRun();
        },
      });
      await running;
      // The client makes up the RUN_ERROR "abort" itself.
      assert.deepEqual(types(seen.events), ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'RUN_ERROR']);
      assert.equal((seen.events[4] as unknown as { code: string }).code, 'abort');
      await until(() => counted.open('runs.run-abort-1') === 0, 'the stream\'s subscription is closed');
      gate.open();
      const outcome = await runtime.result('run-abort-1');
      assert.equal(outcome.status, 'completed');
      assert.equal(outcome.output, 'Hello there!');
    });
  });

  describe('when the request is refused before streaming', () => {
    it('should reject with HTTP 409 when the runId names an existing run', async () => {
      const agent = new HttpAgent({ url: `${server.url}/agui/runs`, initialMessages: [{ id: 'u1', role: 'user', content: 'again' }] });
      await agent.runAgent({ runId: 'run-twice' });
      const { subscriber, seen } = recorder();
      await quietly(() => assert.rejects(agent.runAgent({ runId: 'run-twice' }, subscriber), {
        message: 'HTTP 409: {"error":{"code":"ERR_AGUI_RUN_EXISTS","message":"[@agentway/agui] a run \\"run-twice\\" exists already: use a new runId"}}',
      }));
      assert.deepEqual(seen.events, []);
      assert.equal(seen.failed.length, 1);
    });

    it('should reject with HTTP 404 for an unknown agent', async () => {
      const agent = new HttpAgent({ url: `${server.url}/agui/runs/nobody`, initialMessages: [{ id: 'u1', role: 'user', content: 'x' }] });
      await quietly(() => assert.rejects(agent.runAgent({}, recorder().subscriber), (err: Error & { status?: number }) => {
        assert.equal(err.status, 404);
        assert.match(err.message, /^HTTP 404: \{"error":\{"code":"ERR_AGUI_UNKNOWN_AGENT","message":"\[@agentway\/agui\] no agent \\"nobody\\"; the agents are: echo, clock, flaky, stateful, gated"\}\}$/);
        return true;
      }));
    });
  });

  describe('with @ag-ui/client 0.0.59 (still common, e.g. through CopilotKit)', () => {
    const run = async (path: string, runId: string) => {
      const agent = new LegacyHttpAgent({ url: `${server.url}${path}`, threadId: 'thread-old', initialMessages: [{ id: 'u1', role: 'user', content: 'old client' }] });
      const events: string[] = [];
      const outcome = await agent.runAgent({ runId }, { onEvent: ({ event }) => { events.push(event.type); } });
      return { events, ...outcome };
    };

    it('should stream echo, clock and a failing agent the same way', async () => {
      const echo = await run('/agui/runs', 'run-old-echo');
      assert.deepEqual(echo.events, ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_FINISHED']);
      assert.equal(echo.result, 'old client');
      const clock = await run('/agui/runs/clock', 'run-old-clock');
      assert.deepEqual(clock.events.slice(0, 5), ['RUN_STARTED', 'TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'TOOL_CALL_RESULT']);
      assert.deepEqual(clock.newMessages.map((m) => m.role), ['assistant', 'tool', 'assistant']);
      assert.equal(clock.result, `The time is ${NOW.toISOString()}.`);
      const flaky = await run('/agui/runs/flaky', 'run-old-flaky');
      assert.deepEqual(flaky.events, ['RUN_STARTED', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_END', 'RUN_ERROR']);
      assert.deepEqual(flaky.newMessages.map((m) => m.content), ['Partial answer']);
    });
  });

  describe('with auth', () => {
    let authed: Listening;
    before(async () => {
      const app = express();
      app.use(aguiStream({ runtime, auth: apiKeyAuth({ keys: [{ key: 'sk-alice', id: 'alice' }] }) }));
      authed = await listen(app);
    });
    after(() => authed.close());

    it('should reject with HTTP 401 without a key', async () => {
      const agent = new HttpAgent({ url: `${authed.url}/agui/runs`, initialMessages: [{ id: 'u1', role: 'user', content: 'x' }] });
      await quietly(() => assert.rejects(agent.runAgent({}, recorder().subscriber), {
        message: 'HTTP 401: {"error":{"code":"ERR_AUTH_MISSING_CREDENTIALS","message":"[@agentway/auth] a credential is required: send \\"Authorization: Bearer <key>\\""}}',
      }));
    });

    it('should run with the key in the headers and record who started the run', async () => {
      const agent = new HttpAgent({
        url: `${authed.url}/agui/runs`, headers: { Authorization: 'Bearer sk-alice' }, initialMessages: [{ id: 'u1', role: 'user', content: 'authorised' }],
      });
      const { result } = await agent.runAgent({ runId: 'run-alice-1' });
      assert.equal(result, 'authorised');
      const started = (await runtime.result('run-alice-1')).events[0]!;
      assert.equal(started.type === 'run_started' && started.principal_id, 'alice');
    });
  });
});
