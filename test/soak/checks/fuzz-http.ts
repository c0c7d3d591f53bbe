import { createHmac } from 'node:crypto';
import type { Exchange, ExchangeRequest } from './exchange';
import { json, leaksStack } from './exchange';
import { accepted, refused, wrong, type FuzzContext, type FuzzTarget, type Judged } from './fuzz-target';
import { uriComponent, type Mutator } from './mutate';
import { codeMessageError, judgeRefusal, jsonRpcError, openaiError, type ShapeCheck } from './shapes';

/** The request's headers: a Content-Type from the mutator (none when it says so), and `extra`. */
function headers(m: Mutator, extra: Record<string, string> = {}): Record<string, string> {
  const type = m.contentType();
  return { ...(type !== undefined && { 'content-type': type }), ...extra };
}

async function judged(ctx: FuzzContext, req: ExchangeRequest, shape: ShapeCheck): Promise<Judged> {
  const verdict = judgeRefusal(await ctx.exchanger.send(req), shape);
  if (!verdict.ok) return wrong(verdict.problem!);
  return verdict.refused ? refused : accepted;
}

/** Optional fields a real client sends, added before mutating (so that their parsers are reached too). */
function withSome(m: Mutator, base: Record<string, unknown>, extras: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(extras)) if (m.chance(0.3)) out[key] = value;
  return out;
}

const CHAT_EXTRAS = {
  stream: true, stream_options: { include_usage: true }, temperature: 0.5, top_p: 1, max_tokens: 16, max_completion_tokens: 16, n: 1,
  stop: ['x'], user: 'u', seed: 1, response_format: { type: 'text' }, tool_choice: 'auto', parallel_tool_calls: false,
  tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: { a: { type: 'string' } } } } }],
  metadata: { a: 'b' }, logprobs: false,
};
const CHAT_MESSAGES = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:,' } }] },
  { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
  { role: 'tool', tool_call_id: 'c1', content: 'done' },
  { role: 'user', content: 'hi' },
];
const CHAT_CHOICES = {
  model: ['echo', 'gpt-4o', '', 'ECHO', 'echo ', null], role: ['user', 'assistant', 'system', 'developer', 'tool', 'function', 'model', ''],
  stream: [true, false, 'true', 1], type: ['text', 'image_url', 'input_audio', 'refusal', 'file', 'function', 'json_schema', 'json_object'],
  tool_choice: ['auto', 'none', 'required', { type: 'function', function: { name: 'f' } }], n: [1, 2, 0, -1],
};

export const openaiChat: FuzzTarget = {
  name: 'OpenAI chat completions bodies',
  concurrency: 8,
  run(ctx) {
    const { m } = ctx;
    const base = withSome(m, { model: 'echo', messages: m.chance(0.5) ? [{ role: 'user', content: 'hi' }] : CHAT_MESSAGES }, CHAT_EXTRAS);
    return judged(ctx, { path: '/v1/chat/completions', headers: headers(m), body: m.text(m.document(base, CHAT_CHOICES)) }, openaiError);
  },
};

const RESPONSES_CHOICES = {
  model: ['echo', 'gpt-4o', ''], role: ['user', 'assistant', 'system', 'developer'], type: ['input_text', 'output_text', 'input_image', 'message', 'function_call', 'function_call_output'],
  input: ['hi', [], [{ role: 'user', content: 'hi' }]],
};

export const openaiResponses: FuzzTarget = {
  name: 'OpenAI responses bodies',
  concurrency: 8,
  run(ctx) {
    const { m } = ctx;
    const base = withSome(m, { model: 'echo', input: m.chance(0.5) ? 'hi' : [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] }, {
      instructions: 'be brief', stream: true, max_output_tokens: 16, temperature: 0.2, store: false, previous_response_id: 'resp_1',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }], text: { format: { type: 'text' } },
    });
    return judged(ctx, { path: '/v1/responses', headers: headers(m), body: m.text(m.document(base, RESPONSES_CHOICES)) }, openaiError);
  },
};

export const aguiInput: FuzzTarget = {
  name: 'AG-UI RunAgentInput bodies',
  concurrency: 8,
  run(ctx, i) {
    const { m } = ctx;
    const base = {
      threadId: `fuzz-thread-${i}`, runId: `fuzz-${i}-${m.int(1e9)}`, state: {}, forwardedProps: {}, context: [{ description: 'd', value: 'v' }],
      tools: m.chance(0.5) ? [] : [{ name: 'f', description: 'd', parameters: { type: 'object' } }],
      messages: [{ id: 'm1', role: 'user', content: 'hi' }, ...(m.chance(0.3) ? [{ id: 'm2', role: 'assistant', content: 'yes', toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { id: 'm3', role: 'tool', toolCallId: 'c', content: 'ok' }] : [])],
    };
    const choices = { role: ['user', 'assistant', 'system', 'developer', 'tool', 'activity', ''], runId: ['r', '', 'a/b', 'x'.repeat(200)], threadId: ['', 't'] };
    const agent = m.pick(['/echo', '', '/nope', '/%2e%2e', '/echo%00']);
    const dialect = m.pick(['', '', '?dialect=simple', '?dialect=official', '?dialect=x', '?dialect=', '?dialect=simple&dialect=official']);
    return judged(ctx, {
      path: `/agui/runs${agent}${dialect}`,
      headers: headers(m, m.chance(0.5) ? { accept: m.pick(['text/event-stream', 'text/event-stream, */*', '*/*', 'application/json']) } : {}),
      body: m.text(m.document(base, choices)),
    }, codeMessageError);
  },
};

export const aguiQuery: FuzzTarget = {
  name: 'AG-UI stream query strings',
  concurrency: 8,
  run(ctx) {
    const { m } = ctx;
    const pairs = Array.from({ length: m.int(4) }, () => `${m.pick(['run_id', 'dialect', 'last_event_id', 'x', 'run_id[]', ''])}=${uriComponent(m.string().slice(0, 200))}`);
    if (m.chance(0.3)) pairs.push(m.pick(['run_id', 'run_id=', 'run_id=%zz', '%', '&&&', 'run_id=fuzz-1-1&run_id=x']));
    const lastEventId: Record<string, string> = m.chance(0.2) ? { 'last-event-id': m.pick(['0', '-1', 'abc', '1-0', '99999999999999999999']) } : {};
    return judged(ctx, { method: 'GET', path: `/agui/ws?${pairs.join('&')}`, headers: { accept: 'text/event-stream', ...lastEventId } }, codeMessageError);
  },
};

/** A2A answers a JSON-RPC error with 200 (most), 4xx; a result with 200; a stream as SSE. Never a 5xx. */
function judgeRpc(outcome: Exchange): Judged {
  if (outcome.kind === 'timeout') return wrong('no answer in time (a hang)');
  if (outcome.kind === 'error') return wrong(`the connection failed: ${outcome.message}`);
  if (outcome.status >= 500) return wrong(`HTTP ${outcome.status}: ${outcome.body.slice(0, 160)}`);
  if (leaksStack(outcome.body)) return wrong(`a stack trace in the body: ${outcome.body.slice(0, 200)}`);
  if (outcome.status === 200 && outcome.type.startsWith('text/event-stream')) return accepted;
  if (outcome.status >= 400 || (json(outcome.body) as { error?: unknown } | undefined)?.error !== undefined) {
    const problem = jsonRpcError(outcome);
    return problem === undefined ? refused : wrong(`HTTP ${outcome.status}, ${problem}`);
  }
  const body = json(outcome.body) as { jsonrpc?: unknown; result?: unknown } | undefined;
  return outcome.status === 200 && body?.jsonrpc === '2.0' && body.result !== undefined ? accepted : wrong(`HTTP ${outcome.status}: ${outcome.body.slice(0, 160)}`);
}

const A2A_METHODS = ['SendMessage', 'SendStreamingMessage', 'GetTask', 'ListTasks', 'CancelTask', 'SubscribeToTask', 'GetExtendedAgentCard',
  'CreateTaskPushNotificationConfig', 'message/send', 'message/stream', 'tasks/get', 'tasks/cancel', 'tasks/resubscribe', 'sendMessage', '', 'rpc.discover'];

export const a2aRpc: FuzzTarget = {
  name: 'A2A JSON-RPC bodies',
  concurrency: 8,
  async run(ctx, i) {
    const { m } = ctx;
    const legacy = m.chance(0.4);
    const base = legacy
      ? { jsonrpc: '2.0', id: i, method: 'message/send', params: { message: { kind: 'message', messageId: `m${i}`, role: 'user', parts: [{ kind: 'text', text: 'hi' }] }, configuration: { blocking: true } } }
      : { jsonrpc: '2.0', id: i, method: 'SendMessage', params: { message: { messageId: `m${i}`, role: 'ROLE_USER', parts: [{ text: 'hi' }] }, configuration: { returnImmediately: false, historyLength: 2 } } };
    const choices = {
      jsonrpc: ['2.0', '1.0', 2, null], method: A2A_METHODS, id: [null, 'a', 1.5, -1, {}, []], role: ['ROLE_USER', 'ROLE_AGENT', 'user', 'agent', ''],
      kind: ['text', 'file', 'data', 'message', 'task'], params: [{}, { id: 'nope' }, { name: 'tasks/x' }, { pageSize: -1 }, { pageSize: 1e9 }, { id: `run_${i}` }],
      historyLength: [-1, 0, 1e9, 'x'],
    };
    const version = m.pick([legacy ? '0.3' : '1.0', legacy ? '0.3' : '1.0', undefined, '2.0', 'x', '', '1.0, 0.3']);
    const req: ExchangeRequest = {
      path: m.pick(['/a2a/echo/', '/a2a/echo/', '/a2a/echo']),
      headers: headers(m, { ...(version !== undefined && { 'a2a-version': version }), ...(m.chance(0.2) && { accept: 'text/event-stream' }) }),
      body: m.text(m.document(base, choices)),
    };
    return judgeRpc(await ctx.exchanger.send(req));
  },
};

const STRIPE_SECRET = 'whsec_soak';

export const stripeWebhook: FuzzTarget = {
  name: 'webhook bodies and signatures (Stripe)',
  concurrency: 8,
  run(ctx, i) {
    const { m } = ctx;
    const event = { id: `evt_fuzz_${i}_${m.int(1e9)}`, object: 'event', type: 'fuzz.case', api_version: '2024-06-20', data: { object: { id: 'x' } } };
    const raw = m.chance(0.1)
      ? Buffer.from(Array.from({ length: m.int(300) }, () => m.int(256)))
      : Buffer.from(m.text(m.document(event, { type: ['', 'a', 7, null], id: ['', null, 7, 'evt_dup'] })));
    const now = Math.floor(Date.now() / 1000);
    const t = m.pick([now, now, now, now - 10_000, now + 10_000, 0]);
    const signature = createHmac('sha256', STRIPE_SECRET).update(`${t}.`).update(raw).digest('hex');
    const header = m.chance(0.6) ? `t=${t},v1=${signature}` : m.pick([
      '', 't=', 'v1=', `t=${t}`, `v1=${signature}`, `t=${t},v1=zz`, `t=${t},v1=${signature.slice(2)}`, `t=x,v1=${signature}`, `t=${t},t=${t},v1=${signature}`,
      `t=${t},v0=${signature}`, `t=${t},v1=${signature.toUpperCase()}`, ',,,', '='.repeat(500), `t=${t},v1=${'0'.repeat(64)}`, `t=1e3,v1=${signature}`,
    ]);
    const extra: Record<string, string> = m.chance(0.05) ? {} : { 'stripe-signature': header };
    return judged(ctx, { path: '/webhooks/stripe', headers: headers(m, extra), body: raw }, codeMessageError);
  },
};
