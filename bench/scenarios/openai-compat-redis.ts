import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import autocannon from 'autocannon';
import type { Result, Scenario } from '../harness';
import { BENCH_REDIS_URL, withPrefix } from '../redis-bench';

/**
 * Scale-out: OpenAI-compatible JSON completions through `agentway serve` processes in
 * `mode: workers` and `agentway worker` processes on one Redis — the deployment the gateway
 * README describes, from the CLI. Baseline: 1 gateway process; subject: 2 gateway processes. Both
 * sides have the same worker (64 runs of echo at once) and the same load generator: one
 * autocannon in this process, 50 connections spread evenly over the gateways' URLs (round robin
 * per connection), 1 s warm-up then 5 s measured; p99 is over every request. Only the load
 * generator is pinned (core 1, by the harness); the gateways, the worker and Redis share the
 * machine. The CPU each part used per request during the measured 5 s (Linux /proc, 100 Hz ticks;
 * Redis from INFO, so other users of that Redis count too) tells what more cores would buy.
 */

const CLI = join(__dirname, '..', '..', 'packages', 'gateway', 'dist', 'cli.js');
const WORKERS = 1;
const body = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });

/** Starts the CLI and resolves once it printed `pattern` (with the match). */
function startCli(args: string[], env: NodeJS.ProcessEnv, pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  // stderr is kept for a failed start only: at shutdown a gateway reports the requests autocannon left behind.
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => { out += chunk; });
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`agentway ${args[0]} exited with ${code}: ${out}`)));
  });
}

/** CPU seconds (user + system) a process used so far, or NaN where there is no /proc. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields 3… of proc(5): utime and stime are 14 and 15
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function redisCpuSeconds(): Promise<number> {
  const client = createClient({ url: BENCH_REDIS_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const info = await client.info('cpu');
    return Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]);
  } finally {
    await client.close();
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function scaleOut(gateways: number) {
  return () => withPrefix('openai-scale', async (prefix): Promise<Result> => {
    const env = {
      AGENTWAY_BROKER_URL: BENCH_REDIS_URL, AGENTWAY_BROKER_PREFIX: prefix, AGENTWAY_MODE: 'workers',
      AGENTWAY_GATEWAY_ENABLED: 'false', AGENTWAY_GATEWAY_OPENAI_COMPAT: 'true',
    };
    const started = await Promise.allSettled([
      ...Array.from({ length: WORKERS }, () => startCli(['worker', '--concurrency', '64'], env, /^agentway worker serving/m)),
      ...Array.from({ length: gateways }, () => startCli(['serve', '--port', '0'], env, /listening on (http:\/\/\S+)/)),
    ]);
    const children = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.child] : []));
    try {
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      const urls = started.slice(WORKERS).map((s) => `${(s as PromiseFulfilledResult<{ match: RegExpExecArray }>).value.match[1]}/v1/chat/completions`);
      // autocannon 8 takes several URLs and gives connection i the URL i % n; @types/autocannon says `string`.
      const options = { url: urls as unknown as string, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body, connections: 50 };
      await autocannon({ ...options, duration: 1 });
      const cpu = () => children.map((child) => cpuSeconds(child.pid));
      const [before, redisBefore] = [cpu(), await redisCpuSeconds()];
      const result = await autocannon({ ...options, duration: 5 });
      const [after, redisAfter] = [cpu(), await redisCpuSeconds()];
      const errors = result.errors + result.timeouts + result.non2xx;
      if (errors > 0) throw new Error(`${gateways} gateway(s): ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
      const perRequest = (seconds: number) => `${Math.round((seconds * 1e6) / result.requests.total)} µs`;
      const used = after.map((t, i) => t - before[i]!);
      return {
        throughput: result.requests.average,
        p99: result.latency.p99,
        extra: {
          'CPU/req gateways': perRequest(used.slice(WORKERS).reduce((a, b) => a + b, 0)),
          'worker': perRequest(used.slice(0, WORKERS).reduce((a, b) => a + b, 0)),
          'Redis': perRequest(redisAfter - redisBefore),
        },
      };
    } finally {
      await Promise.all(children.map(stop));
    }
  });
}

/** Issue 9: how OpenAI-compatible throughput changes from 1 to 2 gateway processes on Redis with workers. */
export const scenarios: Scenario[] = [{
  name: `openai-compat: chat.completion (JSON) on Redis with ${WORKERS} worker process, 2 gateway processes vs 1 (one autocannon, 50 connections over the gateways)`,
  issue: 9,
  unit: 'req/s',
  baseline: { label: '1 gateway process', run: scaleOut(1) },
  subject: { label: '2 gateway processes', run: scaleOut(2) },
}];
