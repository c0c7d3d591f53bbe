import { createMemoryBroker } from '@agentway/broker';
import { createRuntime, echoAgent, type AgentOutput, type RunContext } from '@agentway/agents';
import type { Result, Scenario } from '../harness';

const RUNS = 2_000;
const text = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
const input = { messages: [{ role: 'user' as const, content: text }] };

/** Baseline: call the echo agent directly and gather its pieces. */
async function direct(): Promise<Result> {
  const agent = echoAgent();
  const start = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) {
    let output = '';
    const ctx = { runId: 'r', threadId: 't', agentName: 'echo', signal: new AbortController().signal, principal: undefined } satisfies RunContext;
    for await (const piece of (await agent.run(input, ctx)) as AsyncIterable<AgentOutput>) output += piece as string;
    if (output !== text) throw new Error('wrong output');
  }
  return { throughput: RUNS / (Number(process.hrtime.bigint() - start) / 1e9) };
}

/** Subject: the same runs through the runtime (events published on the broker, read back to the end). */
async function throughRuntime(): Promise<Result> {
  const broker = createMemoryBroker();
  const runtime = createRuntime({ broker, agents: [echoAgent()] });
  const start = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) {
    const run = await runtime.start({ input });
    if ((await runtime.result(run.runId)).output !== text) throw new Error('wrong output');
  }
  const throughput = RUNS / (Number(process.hrtime.bigint() - start) / 1e9);
  await runtime.close();
  await broker.close();
  return { throughput };
}

export const scenarios: Scenario[] = [{
  name: 'runtime: echo run (20 pieces) through the runtime vs calling the agent',
  issue: 2,
  unit: 'runs/s',
  baseline: { label: 'agent called directly', run: direct },
  subject: { label: 'runtime.start + result', run: throughRuntime },
}];
