import { eventData, invalidStream, streamEvents, type StreamBody } from './stream-body';

/** Why a choice stopped. */
export type ChatCompletionFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** A piece of a tool call in a chunk's delta: the first has `id`, `type` and the name. */
export interface ChatCompletionToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** One choice of a `chat.completion.chunk`. */
export interface ChatCompletionChunkChoice {
  index: number;
  delta: { role?: 'assistant'; content?: string | null; refusal?: string | null; tool_calls?: ChatCompletionToolCallDelta[] };
  logprobs?: unknown;
  finish_reason: ChatCompletionFinishReason | null;
}

/** Token counts, as OpenAI reports them. */
export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [field: string]: unknown;
}

/** One `data:` frame of a streamed chat completion, as the `openai` SDK yields it. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: ChatCompletionUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

/** A tool call put together from its pieces. */
export interface ChatCompletionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** OpenAI's error object, as sent in-band (`data: {"error":{…}}`) when a stream fails after it started. */
export interface OpenAIStreamError {
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

/** A streamed chat completion: its chunks, and what they add up to (choice 0). */
export interface ParsedChatCompletionStream {
  /** Every chunk, in order (not the `[DONE]` terminator, nor an error frame). */
  readonly chunks: ChatCompletionChunk[];
  /** Whether the stream ended with `data: [DONE]` (a failed stream ends without it). */
  readonly done: boolean;
  /** The content pieces joined. */
  readonly text: string;
  /** The tool calls, their arguments joined, by `index`. */
  readonly toolCalls: ChatCompletionToolCall[];
  /** The last `finish_reason` sent, or `null` when none was. */
  readonly finishReason: ChatCompletionFinishReason | null;
  /** The usage chunk's counts (`stream_options.include_usage`), or `null`. */
  readonly usage: ChatCompletionUsage | null;
  /** The in-band error that ended the stream (the SDK throws an `APIError` with it), or `null`. */
  readonly error: OpenAIStreamError | null;
}

const STREAM = 'chat completion';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a streamed chat completion (`POST /v1/chat/completions` with `stream: true`) the way the
 * `openai` SDK does, and puts its pieces together. Stricter than the SDK, so that a test notices:
 * an event after `[DONE]` or after an error, data that is not JSON, a frame that is neither a
 * chunk nor an error, or a tool call without its id or name is an `ERR_TESTING_INVALID_STREAM`.
 *
 * ```ts
 * const { text, done, finishReason } = parseChatCompletionStream(await readStream(request(app).post('/v1/chat/completions').send(body)));
 * ```
 */
export function parseChatCompletionStream(body: StreamBody): ParsedChatCompletionStream {
  const chunks: ChatCompletionChunk[] = [];
  const calls = new Map<number, { id?: string; type?: string; name?: string; arguments: string; from: number }>();
  let done = false;
  let text = '';
  let finishReason: ChatCompletionFinishReason | null = null;
  let usage: ChatCompletionUsage | null = null;
  let error: OpenAIStreamError | null = null;
  for (const [i, event] of streamEvents(body, 'parseChatCompletionStream').entries()) {
    if (done) throw invalidStream(STREAM, i, 'an event after [DONE]');
    if (error) throw invalidStream(STREAM, i, 'an event after the error that ended the stream');
    if (event.data === '[DONE]') {
      done = true;
      continue;
    }
    const data = eventData(event, i, STREAM);
    if (isObject(data) && data.error !== undefined) {
      if (!isObject(data.error) || typeof data.error.message !== 'string') throw invalidStream(STREAM, i, '"error" must be an object with a string "message"');
      error = data.error as unknown as OpenAIStreamError;
      continue;
    }
    if (!isObject(data) || data.object !== 'chat.completion.chunk' || !Array.isArray(data.choices)) {
      throw invalidStream(STREAM, i, 'neither a chat.completion.chunk (with "choices") nor an error');
    }
    const chunk = data as unknown as ChatCompletionChunk;
    chunks.push(chunk);
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      if (typeof choice.delta?.content === 'string') text += choice.delta.content;
      for (const piece of choice.delta?.tool_calls ?? []) {
        const call = calls.get(piece.index) ?? { arguments: '', from: i };
        calls.set(piece.index, call);
        if (piece.id) call.id = piece.id;
        if (piece.type) call.type = piece.type;
        if (piece.function?.name) call.name = piece.function.name;
        if (piece.function?.arguments) call.arguments += piece.function.arguments;
      }
    }
  }
  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([index, call]) => {
    if (!call.id || call.type !== 'function' || !call.name) throw invalidStream(STREAM, call.from, `tool call #${index} has no id, type "function" or name`);
    return { id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
  });
  return { chunks, done, text, toolCalls, finishReason, usage, error };
}
