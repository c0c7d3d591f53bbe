import type { Scenario } from '../harness';
import { httpLoad } from '../http-load';

const words = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
const rpc = (method: string) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: words }] } } });
const headers = { 'content-type': 'application/json', 'a2a-version': '1.0' };

const load = (side: string, method: string) => () => httpLoad({ app: 'a2a', side, method: 'POST', path: '/a2a', body: rpc(method), headers: { ...headers, accept: method === 'SendMessage' ? 'application/json' : 'text/event-stream' } });

/** Issue 7 sets no speed target: these show what a task costs next to a hand-written endpoint. */
export const scenarios: Scenario[] = [{
  name: 'a2a: SendStreamingMessage of a 100-piece echo vs a hand-written SSE handler on the same runtime',
  issue: 7,
  unit: 'streams/s',
  baseline: { label: 'hand-written SSE (runtime.events, same frames, one write each)', run: load('stream-runtime', 'SendStreamingMessage') },
  subject: { label: 'a2aServer', run: load('stream', 'SendStreamingMessage') },
}, {
  name: 'a2a: SendStreamingMessage of a 100-piece echo vs a handler calling the agent directly (the runtime\'s cost included)',
  issue: 7,
  unit: 'streams/s',
  baseline: { label: 'hand-written SSE (agent called directly, same frames, one write each)', run: load('stream-baseline', 'SendStreamingMessage') },
  subject: { label: 'a2aServer', run: load('stream', 'SendStreamingMessage') },
}, {
  name: 'a2a: SendMessage (blocking) of a 100-piece echo vs a hand-written JSON route on the same runtime',
  issue: 7,
  unit: 'req/s',
  baseline: { label: 'hand-written route (runtime.events gathered into the same task)', run: load('send-runtime', 'SendMessage') },
  subject: { label: 'a2aServer', run: load('send', 'SendMessage') },
}, {
  name: 'a2a: SendMessage (blocking) of a 100-piece echo vs a route calling the agent directly (the runtime\'s cost included)',
  issue: 7,
  unit: 'req/s',
  baseline: { label: 'hand-written route (agent called directly, same task JSON)', run: load('send-baseline', 'SendMessage') },
  subject: { label: 'a2aServer', run: load('send', 'SendMessage') },
}];
