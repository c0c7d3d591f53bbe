import type { Pool } from 'undici';
import { checkOptions, number, recordOf, required, satisfies, string } from '@agentway/options';
import type { Agent, AgentOutput, ChatMessage, RunContext, RunInput } from './agent';
import { defineAgent } from './define-agent';
import type { JsonValue } from './run-event';

/** The options of `openaiUpstream()`: where the server is, which model, and how to reach it. */
export interface OpenAIUpstreamOptions {
  /** The server's base URL with its version path: `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama), … */
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>`; leave it out for servers without auth. */
  apiKey?: string;
  /** The upstream model id. */
  model: string;
  /** The agent's name (its model id in agentway). Default: `model`, when that is a valid agent name. */
  name?: string;
  description?: string;
  /** Extra request headers (`OpenAI-Organization`, …). */
  headers?: Record<string, string>;
  /** Extra body fields sent with every request (`temperature`, `reasoning_effort`, …). */
  body?: Record<string, JsonValue>;
  /** Connections kept to the server. Default 10. */
  connections?: number;
  /** Milliseconds to wait for the response headers, and between two pieces of the body. Default 300 000. */
  timeout?: number;
}

/** An agent backed by an OpenAI-compatible server; `close()` closes its connections. */
export interface OpenAIUpstreamAgent extends Agent {
  close(): Promise<void>;
}

/**
 * An agent that forwards each run to an OpenAI-compatible `/chat/completions` (OpenAI, Ollama,
 * vLLM, another agentway) over an undici `Pool`, streaming: text pieces are yielded as they
 * arrive, tool calls once their arguments are complete, then `finish` (`length`) and `usage`.
 * The run's signal aborts the upstream request; an upstream error fails the run with code
 * `ERR_AGENTS_UPSTREAM` and the upstream's status and message.
 */
export function openaiUpstream(options: Readonly<OpenAIUpstreamOptions>): OpenAIUpstreamAgent {
  const config = checkOptions('agents', options, {
    baseURL: required(satisfies<string>('an http(s) URL', (v) => typeof v === 'string' && /^https?:\/\/[^/]/.test(v) && URL.canParse(v))),
    apiKey: string({ nonEmpty: true }),
    model: required(string({ nonEmpty: true })),
    name: string(),
    description: string(),
    headers: recordOf(string()),
    body: recordOf(satisfies<JsonValue>('a JSON value', (v) => v !== undefined)),
    connections: number({ min: 1, integer: true }),
    timeout: number({ min: 1 }),
  });
  const url = new URL(config.baseURL);
  const path = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  const timeout = config.timeout ?? 300_000;
  // undici is loaded by the first upstream agent, not by every program that imports @agentway/agents.
  const { Pool: UndiciPool } = require('undici') as typeof import('undici');
  const pool: Pool = new UndiciPool(url.origin, { connections: config.connections ?? 10, headersTimeout: timeout, bodyTimeout: timeout });
  const headers: Record<string, string> = {
    'content-type': 'application/json', accept: 'text/event-stream', ...config.headers,
    ...(config.apiKey !== undefined && { authorization: `Bearer ${config.apiKey}` }),
  };
  const extra = config.body ?? {};

  async function* run(input: RunInput, ctx: RunContext): AsyncGenerator<AgentOutput> {
    const payload = { ...extra, model: config.model, messages: input.messages.map(toOpenAIMessage), stream: true, stream_options: { include_usage: true }, ...requestFields(input) };
    const response = await pool.request({ path, method: 'POST', headers, body: JSON.stringify(payload), signal: ctx.signal });
    if (response.statusCode >= 300) throw upstreamError(response.statusCode, await response.body.text());
    if (String(response.headers['content-type']).startsWith('application/json')) {
      // A server that ignored `stream: true` answered one chat.completion: take it whole.
      const completion = (await response.body.json()) as { choices?: { message?: WholeMessage; finish_reason?: string }[]; usage?: Chunk['usage'] };
      const choice = completion.choices?.[0];
      yield* toOutputs(choice?.message?.content ? [choice.message.content] : [], choice?.message?.tool_calls ?? [], choice?.finish_reason, completion.usage);
      return;
    }
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    let finish: string | null = null;
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const data of sseData(response.body)) {
      if (data === '[DONE]') break;
      const chunk = JSON.parse(data) as Chunk;
      if (chunk.error) throw upstreamError(200, data);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (typeof choice.delta?.content === 'string' && choice.delta.content !== '') yield choice.delta.content;
      for (const piece of choice.delta?.tool_calls ?? []) {
        const call = calls.get(piece.index) ?? { id: '', name: '', arguments: '' };
        calls.set(piece.index, call);
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.name = piece.function.name;
        if (piece.function?.arguments) call.arguments += piece.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    const ordered = [...calls].sort(([a], [b]) => a - b).map(([, c]) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    yield* toOutputs([], ordered, finish, usage);
  }

  const agent = defineAgent({
    name: config.name ?? config.model,
    ...(config.description !== undefined && { description: config.description }),
    run,
    close: () => pool.close(),
  });
  return agent;
}

interface Chunk {
  error?: unknown;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  choices?: {
    delta?: { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] };
    finish_reason?: string | null;
  }[];
}

interface WholeMessage {
  content?: string | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

/** The outputs after the text: the complete tool calls, a `length` finish, the usage. */
function* toOutputs(text: string[], calls: NonNullable<WholeMessage['tool_calls']>, finish: string | null | undefined, usage: Chunk['usage']): Generator<AgentOutput> {
  yield* text;
  for (const call of calls) {
    yield { type: 'tool_call', ...(call.id && { id: call.id }), name: call.function.name, arguments: call.function.arguments || '{}' };
  }
  if (finish === 'length') yield { type: 'finish', reason: 'length' };
  if (usage) yield { type: 'usage', promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens };
}

function toOpenAIMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  const out: Record<string, unknown> = { role: message.role === 'developer' ? 'system' : message.role, content: message.content };
  if (message.name !== undefined) out.name = message.name;
  if (message.toolCalls?.length) {
    out.content = message.content === '' ? null : message.content;
    out.tool_calls = message.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  return out;
}

function requestFields(input: RunInput): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (input.tools?.length) {
    fields.tools = input.tools.map((t) => ({ type: 'function', function: { name: t.name, ...(t.description !== undefined && { description: t.description }), ...(t.parameters !== undefined && { parameters: t.parameters }) } }));
  }
  if (input.toolChoice !== undefined) {
    fields.tool_choice = typeof input.toolChoice === 'string' ? input.toolChoice : { type: 'function', function: { name: input.toolChoice.name } };
  }
  if (input.maxTokens !== undefined) fields.max_tokens = input.maxTokens;
  return fields;
}

/** The `data` of each Server-Sent Event of a body (LF, CRLF or CR line ends; comments and other fields skipped). */
async function* sseData(body: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  let data: string[] = [];
  for await (const chunk of body) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split(/\r\n|\r(?!$)|\n/);
    rest = lines.pop()!;
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
  }
  rest = rest.replace(/\r$/, '');
  if (rest.startsWith('data:')) data.push(rest.slice(rest.startsWith('data: ') ? 6 : 5));
  if (data.length > 0) yield data.join('\n');
}

function upstreamError(status: number, text: string): Error {
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    message = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  const where = status === 200 ? 'the upstream stream failed' : `the upstream answered ${status}`;
  return Object.assign(new Error(`[@agentway/agents] ${where}: ${message}`), { code: 'ERR_AGENTS_UPSTREAM', status });
}
