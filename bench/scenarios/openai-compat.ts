import type { Scenario } from '../harness';
import { httpLoad } from '../http-load';

const headers = { 'content-type': 'application/json', authorization: 'Bearer bench' };
const short = JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] });
const hundredWords = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
const streamed = JSON.stringify({ model: 'echo', stream: true, messages: [{ role: 'user', content: hundredWords }] });

const load = (side: string, body: string) => () =>
  httpLoad({ app: 'openai-compat', side, method: 'POST', path: '/v1/chat/completions', body, headers });

/** Issue 3's targets: openaiCompat against the same answers built by hand in a bare Express route. */
export const scenarios: Scenario[] = [{
  name: 'openai-compat: chat.completion (JSON) vs a bare Express route',
  issue: 3,
  unit: 'req/s',
  // Its rounds spread the most on shared machines (0.84–1.01× in six runs of three): five make the median steadier.
  rounds: 5,
  target: { throughput: 0.9, p99: 1.15 },
  baseline: { label: 'bare Express route', run: load('baseline', short) },
  subject: { label: 'openaiCompat', run: load('compat', short) },
}, {
  name: 'openai-compat: 100-piece stream vs a hand-written SSE handler',
  issue: 3,
  unit: 'streams/s',
  target: { throughput: 0.85 },
  baseline: { label: 'hand-written SSE (one write per chunk)', run: load('baseline', streamed) },
  subject: { label: 'openaiCompat', run: load('compat', streamed) },
}];
