import type { Scenario } from '../harness';
import { httpLoad } from '../http-load';
import { withPrefix } from '../redis-bench';

const words = Array.from({ length: 98 }, (_, i) => `word${i}`).join(' ');
// As bench/scenarios/agui.ts: an id the runtime does not take as a run id, so that every request starts a new run.
const body = JSON.stringify({ threadId: 'bench', runId: 'bench run', messages: [{ id: 'u1', role: 'user', content: words }], tools: [], context: [] });
const headers = { 'content-type': 'application/json', accept: 'text/event-stream' };

const load = (app: string, side: string) => httpLoad({ app, side, method: 'POST', path: '/agui/runs', body, headers });
const onRedis = (side: string) => () => withPrefix('agui', (prefix) => load('agui-redis', `${side} ${prefix}`));

/**
 * Issue 9: bench/scenarios/agui.ts's single-stream row again, with the runtime on the Redis broker
 * (no target of its own; the memory row's is ≥ 0.85×), and aguiStream on Redis against that row's
 * memory baseline: the cost of Redis itself.
 */
export const scenarios: Scenario[] = [{
  name: 'agui: 100-event run streamed to one client vs a hand-written SSE handler on the same runtime (Redis broker)',
  issue: 9,
  unit: 'streams/s',
  baseline: { label: 'hand-written SSE (runtime.events on Redis, one write per event)', run: onRedis('stream-baseline') },
  subject: { label: 'aguiStream on Redis', run: onRedis('stream') },
}, {
  name: 'agui: 100-event run streamed to one client, aguiStream on Redis vs the memory row\'s baseline (hand-written SSE on a memory runtime)',
  issue: 9,
  unit: 'streams/s',
  baseline: { label: 'hand-written SSE (runtime.events on memory, one write per event)', run: () => load('agui', 'stream-baseline') },
  subject: { label: 'aguiStream on Redis', run: onRedis('stream') },
}];
