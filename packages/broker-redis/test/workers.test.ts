import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Broker } from '@agentway/broker';
import { createRuntime, demoAgents, type RunEvent, type Runtime } from '@agentway/agents';
import { createRedisBroker } from '@agentway/broker-redis';
import { waiterAgent } from './fixtures/waiter-agent';
import { redisPrefix, type RedisPrefix } from '@agentway/testing';

interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line (printed so far or later) that matches. */
  line(pattern: RegExp): Promise<string>;
}

const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });

/** Starts test/fixtures/worker.ts in a child process and waits for its "ready". */
async function startWorker(redis: RedisPrefix, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'worker.ts')], {
    env: { ...process.env, REDIS_URL: redis.url, PREFIX: redis.prefix, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      lines.push(text);
      for (const waiter of waiters.filter((w) => w.pattern.test(text))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  });
  const worker: WorkerProcess = {
    child,
    lines,
    line: (pattern) => new Promise((resolve, reject) => {
      const seen = lines.find((text) => pattern.test(text));
      if (seen !== undefined) return resolve(seen);
      waiters.push({ pattern, resolve });
      child.once('exit', (code) => reject(new Error(`the worker exited (${code}) before printing ${pattern}`)));
    }),
  };
  await worker.line(/^ready$/);
  return worker;
}

async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = once(worker.child, 'exit');
  worker.child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null], 'the worker exits by itself once closed (nothing left open)');
}

/** Resolves with the run's events up to the first text_delta (the agent is running). */
async function untilStarted(runtime: Runtime, runId: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const { event } of runtime.events(runId)) {
    events.push(event);
    if (event.type === 'text_delta') return events;
  }
  throw new Error('the run ended before its agent started');
}

describe('serveAgents() in another process, on createRedisBroker()', function () {
  this.timeout(20_000);
  let redis: RedisPrefix;
  let broker: Broker;
  let runtime: Runtime;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    redis = redisPrefix('workers');
    broker = await createRedisBroker({ url: redis.url, prefix: redis.prefix });
    runtime = createRuntime({ broker, agents: [...demoAgents(), waiterAgent()], mode: 'workers', cancelGrace: 5_000 });
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map(stopWorker));
    await runtime.close();
    await broker.close();
    await redis.cleanup();
  });

  it('should run echo and clock in the worker and stream their events back', async () => {
    workers.push(await startWorker(redis));
    const echo = await runtime.start({ agent: 'echo', input: ask('hello from the gateway') });
    const clock = await runtime.start({ agent: 'clock', input: ask('what time is it?') });
    const [echoed, told] = await Promise.all([runtime.result(echo.runId), runtime.result(clock.runId)]);
    assert.equal(echoed.status, 'completed');
    assert.equal(echoed.output, 'hello from the gateway');
    assert.deepEqual(echoed.events.map((e) => e.type), ['run_started', 'text_delta', 'text_delta', 'text_delta', 'text_delta', 'run_completed']);
    assert.deepEqual(told.events.map((e) => e.type).slice(0, 3), ['run_started', 'tool_call', 'tool_result']);
    const result = told.events[2] as Extract<RunEvent, { type: 'tool_result' }>;
    assert.equal(result.name, 'get_time');
    assert.match(String(result.result), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(told.output, `The time is ${result.result}.`);
  });

  it('should cancel a run executing in the worker process: its agent sees the abort', async () => {
    const worker = await startWorker(redis);
    workers.push(worker);
    const run = await runtime.start({ agent: 'waiter', input: ask('wait') });
    await untilStarted(runtime, run.runId);
    await runtime.cancel(run.runId, 'stop it');
    assert.equal(await worker.line(new RegExp(`^aborted ${run.runId} `)), `aborted ${run.runId} cancelled`);
    const result = await runtime.result(run.runId);
    assert.deepEqual(result.error, { code: 'cancelled', message: 'stop it' });
    assert.deepEqual(result.events.map((e) => e.type), ['run_started', 'text_delta', 'run_error']);
  });

  it('should end a run with run_error worker_lost when its worker is killed mid-run, without running it again', async () => {
    const doomed = await startWorker(redis, { ACK_TIMEOUT: '1000' });
    const run = await runtime.start({ agent: 'waiter', input: ask('wait') });
    await untilStarted(runtime, run.runId);
    // The worker prints this line and publishes the run's events concurrently: wait for the line.
    assert.equal(await doomed.line(new RegExp(`^running ${run.runId}$`)), `running ${run.runId}`);
    doomed.child.kill('SIGKILL');
    await once(doomed.child, 'exit');
    const survivor = await startWorker(redis, { ACK_TIMEOUT: '1000' });
    workers.push(survivor);
    const result = await runtime.result(run.runId);
    assert.deepEqual(result.error, { code: 'worker_lost', message: 'the worker running this run stopped before it ended' });
    assert.deepEqual(result.events.map((e) => e.type), ['run_started', 'text_delta', 'run_error']);
    assert.equal(survivor.lines.some((line) => line.startsWith('running ')), false, 'the agent did not run twice');
    // The survivor goes on serving.
    const next = await runtime.start({ agent: 'echo', input: ask('still here') });
    assert.equal((await runtime.result(next.runId)).output, 'still here');
  });
});
