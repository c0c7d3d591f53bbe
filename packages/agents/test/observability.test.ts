import assert from 'node:assert/strict';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRuntime, defineAgent, echoAgent, serveAgents, type AgentWorker, type Runtime } from '@agentway/agents';
import { observe, type BrokerLagMessage, type Logger, type RunEndMessage, type RunStartMessage } from '@agentway/observability';
import { allEvents, ask } from './helpers';

/** A logger that keeps what it is told: [level, fields, message]. */
function recordingLogger(): Logger & { lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message ?? '']); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const failing = defineAgent({
  name: 'failing',
  async *run() {
    yield 'half';
    throw Object.assign(new Error('the tool is down'), { code: 'tool_down' });
  },
});

describe('createRuntime() and serveAgents() observability', () => {
  let broker: Broker;
  let runtime: Runtime | undefined;
  let worker: AgentWorker | undefined;
  let stop: (() => void) | undefined;

  beforeEach(() => {
    broker = createMemoryBroker();
  });

  afterEach(async () => {
    stop?.();
    await worker?.close();
    await runtime?.close();
    await broker.close();
    stop = worker = runtime = undefined;
  });

  it('should publish agentway:run:start and :end with the agent, the outcome and the error code', async () => {
    const seen: (RunStartMessage | RunEndMessage)[] = [];
    stop = observe({ runStart: (m) => seen.push(m), runEnd: (m) => seen.push(m) });
    runtime = createRuntime({ broker, agents: [echoAgent(), failing] });
    const ok = await runtime.start({ input: ask('hi there') });
    await runtime.result(ok.runId);
    const bad = await runtime.start({ agent: 'failing', input: ask('x') });
    await runtime.result(bad.runId);
    const durations = seen.map((m) => ('duration' in m ? m.duration : 0));
    assert.ok(durations.every((d) => d >= 0 && d < 5000));
    assert.deepEqual(seen.map((m) => ('duration' in m ? { ...m, duration: 0 } : m)), [
      { runId: ok.runId, agent: 'echo' },
      { runId: ok.runId, agent: 'echo', outcome: 'completed', duration: 0 },
      { runId: bad.runId, agent: 'failing' },
      { runId: bad.runId, agent: 'failing', outcome: 'failed', code: 'tool_down', duration: 0 },
    ]);
  });

  it('should report a failed run to its logger as a warning with the thrown error, and a cancelled one as debug', async () => {
    const logger = recordingLogger();
    runtime = createRuntime({ broker, agents: [failing, echoAgent({ delay: 1000 })], logger });
    const bad = await runtime.start({ input: ask('x') });
    await runtime.result(bad.runId);
    const slow = await runtime.start({ agent: 'echo', input: ask('a b c') });
    await runtime.cancel(slow.runId, 'enough');
    await runtime.result(slow.runId);
    assert.equal(logger.lines.length, 2);
    const [[level, fields, message], [level2, fields2, message2]] = logger.lines as [[string, Record<string, unknown>, string], [string, Record<string, unknown>, string]];
    assert.equal(level, 'warn');
    assert.equal(message, 'run failed (tool_down): the tool is down');
    assert.deepEqual({ ...fields, err: (fields.err as Error).message }, { runId: bad.runId, agent: 'failing', code: 'tool_down', err: 'the tool is down' });
    assert.deepEqual([level2, fields2, message2], ['debug', { runId: slow.runId, agent: 'echo', code: 'cancelled' }, 'run cancelled: enough']);
  });

  it('should publish agentway:broker:lag for the run requests a worker takes and the run events a reader takes', async () => {
    const lags: BrokerLagMessage[] = [];
    stop = observe({ brokerLag: (m) => lags.push(m) });
    runtime = createRuntime({ broker, agents: [echoAgent()], mode: 'workers' });
    worker = serveAgents({ broker, agents: [echoAgent()] });
    const run = await runtime.start({ input: ask('one two') });
    const events = await allEvents(runtime, run.runId);
    assert.ok(lags.every((m) => m.lag >= 0 && m.lag < 5000));
    assert.deepEqual(lags.map((m) => [m.kind, m.topic]), [
      ['run_requests', 'agents.echo.requests'],
      ...events.map(() => ['run_events', `runs.${run.runId}`]),
    ]);
  });

  it('should refuse a logger that is not one', () => {
    assert.throws(() => createRuntime({ broker, agents: [echoAgent()], logger: { info() {} } as never }), {
      code: 'ERR_AGENTS_INVALID_OPTION',
      message: '[@agentway/agents] option "logger" must be a logger with debug, info, warn and error methods (pino, console, …), got an object',
    });
    assert.throws(() => serveAgents({ broker, agents: [echoAgent()], logger: 'pino' as never }), { code: 'ERR_AGENTS_INVALID_OPTION' });
  });
});
