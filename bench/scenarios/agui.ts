import { Agent, request } from 'node:http';
import { FANOUT_PIECES } from '../apps/agui';
import type { Result, Scenario } from '../harness';
import { httpLoad, startApp, stopApp } from '../http-load';

const words = Array.from({ length: 98 }, (_, i) => `word${i}`).join(' ');
// An id the runtime does not take as a run id (it has a space), so that every request starts a new run.
const body = JSON.stringify({ threadId: 'bench', runId: 'bench run', messages: [{ id: 'u1', role: 'user', content: words }], tools: [], context: [] });
const headers = { 'content-type': 'application/json', accept: 'text/event-stream' };

const stream = (side: string) => () => httpLoad({ app: 'agui', side, method: 'POST', path: '/agui/runs', body, headers });

const SUBSCRIBERS = 1_000;
const EVENTS = FANOUT_PIECES.length + 2;

function call(port: number, method: string, path: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
    }).on('error', reject).end();
  });
}

/** Opens one SSE stream; resolves `subscribed` at its first bytes and `ended` with the bytes read once the server ends it. */
function subscribe(port: number, path: string, agent: Agent) {
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => { subscribed = resolve; });
  const ended = new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) subscribed();
        bytes += chunk.length;
      });
      res.on('end', () => resolve(bytes));
    }).on('error', reject).end();
  });
  return { ready, ended };
}

/** One run watched by SUBSCRIBERS clients on GET /agui/ws: delivered events/s from the gate opening to the last stream's end, and memory per subscriber. */
async function fanout(side: string): Promise<Result> {
  const { port, child } = await startApp('agui', side);
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const runId = String((await call(port, 'POST', '/bench/run')).run_id);
    const before = await call(port, 'GET', '/bench/memory');
    const streams: ReturnType<typeof subscribe>[] = [];
    for (let i = 0; i < SUBSCRIBERS; i += 100) {
      const batch = Array.from({ length: 100 }, () => subscribe(port, `/agui/ws?run_id=${runId}`, agent));
      await Promise.all(batch.map((s) => s.ready));
      streams.push(...batch);
    }
    const after = await call(port, 'GET', '/bench/memory');
    const start = process.hrtime.bigint();
    await call(port, 'POST', `/bench/go?run_id=${runId}`);
    const bytes = await Promise.all(streams.map((s) => s.ended));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const kb = (key: string) => `${(((after[key] as number) - (before[key] as number)) / SUBSCRIBERS / 1024).toFixed(1)} KB`;
    return {
      throughput: (SUBSCRIBERS * EVENTS) / seconds,
      extra: { subscribers: SUBSCRIBERS, 'ms to deliver the run': Math.round(seconds * 1000), 'RSS/subscriber': kb('rss'), 'heap/subscriber': kb('heapUsed'), 'bytes/stream': bytes[0]! },
    };
  } finally {
    agent.destroy();
    await stopApp(child);
  }
}

/** Issue 4's targets. */
export const scenarios: Scenario[] = [{
  name: 'agui: 100-event run streamed to one client vs a hand-written SSE handler on the same runtime',
  issue: 4,
  unit: 'streams/s',
  target: { throughput: 0.85 },
  baseline: { label: 'hand-written SSE (runtime.events, one write per event)', run: stream('stream-baseline') },
  subject: { label: 'aguiStream', run: stream('stream') },
}, {
  name: 'agui: 100-event run streamed to one client vs a handler calling the agent directly (the runtime\'s cost included)',
  issue: 4,
  unit: 'streams/s',
  baseline: { label: 'hand-written SSE (agent called directly, one write per event)', run: stream('stream-direct') },
  subject: { label: 'aguiStream', run: stream('stream') },
}, {
  name: `agui: one run fanned out to ${SUBSCRIBERS} SSE subscribers`,
  issue: 4,
  unit: 'events/s',
  baseline: { label: 'hand-written fan-out (frame built once, one write per subscriber)', run: () => fanout('fanout-baseline') },
  subject: { label: 'aguiStream GET /agui/ws', run: () => fanout('fanout') },
}];
