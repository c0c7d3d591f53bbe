import type { Usage } from '@agentway/agents';
import type { OpenAIErrorObject } from './openai-compat-error';

/** OpenAI's stream terminator. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/**
 * Builds the `chat.completion.chunk` SSE frames of one completion. What every chunk repeats
 * (`id`, `object`, `created`, `model`, the choice's tail, `"usage":null` when usage was asked
 * for) is serialised once; a text piece costs one `JSON.stringify` of the piece.
 */
export class ChatChunkEncoder {
  private readonly head: string;
  private readonly tail: string;
  private readonly usageTail: string;

  constructor(id: string, created: number, model: string, includeUsage: boolean) {
    this.head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":`;
    this.usageTail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
    this.tail = `,"logprobs":null,"finish_reason":null}]${this.usageTail}`;
  }

  /** The first chunk: `{"role":"assistant","content":"","refusal":null}`. */
  role(): string {
    return `${this.head}{"role":"assistant","content":"","refusal":null}${this.tail}`;
  }

  content(delta: string): string {
    return `${this.head}{"content":${JSON.stringify(delta)}}${this.tail}`;
  }

  /** A tool call's first piece: `index`, `id`, `type`, `name` and empty arguments. */
  toolCallStart(index: number, id: string, name: string): string {
    const call = { index, id, type: 'function', function: { name, arguments: '' } };
    return `${this.head}{"tool_calls":[${JSON.stringify(call)}]}${this.tail}`;
  }

  /** A piece of a tool call's arguments (JSON text). */
  toolCallArguments(index: number, args: string): string {
    return `${this.head}{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(args)}}}]}${this.tail}`;
  }

  /** The last choice chunk: an empty delta and the finish reason. */
  finish(reason: 'stop' | 'length' | 'tool_calls'): string {
    return `${this.head}{},"logprobs":null,"finish_reason":"${reason}"}]${this.usageTail}`;
  }

  /** The usage chunk (`choices: []`), sent before `[DONE]` when `stream_options.include_usage` is set. */
  usage(usage: Usage): string {
    const start = this.head.slice(0, this.head.indexOf('"choices":'));
    return `${start}"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
  }
}

/** An error after the stream started: `data: {"error":{…}}` (the SDKs throw `APIError` with its message). */
export function errorFrame(error: OpenAIErrorObject): string {
  return `data: ${JSON.stringify({ error })}\n\n`;
}
