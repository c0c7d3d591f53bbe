import type { RunInput } from '@agentway/agents';
import { chatMessages } from './chat-messages';
import { invalidRequest, unsupported } from './openai-compat-error';
import { isObject } from './text-content';
import { toolChoice, toolSpecs } from './tool-specs';

/** A checked `POST /chat/completions` body. */
export interface ChatRequest {
  readonly model: string;
  readonly input: RunInput;
  /** `body.stream` alone decides between JSON and SSE (the SDK sends `Accept: application/json` either way). */
  readonly stream: boolean;
  /** `stream_options.include_usage`: a usage chunk with `choices: []` before `[DONE]`. */
  readonly includeUsage: boolean;
  /** The names of the tools the client declared: calls to them are the client's to run (`tool_calls`). */
  readonly clientTools: ReadonlySet<string>;
}

const NO_TOOLS: ReadonlySet<string> = new Set();

/**
 * Checks a Chat Completions body and maps it to a run's input. Lenient like OpenAI-compatible
 * servers learnt to be: sampling knobs and unknown fields are accepted and ignored; what an
 * agent cannot honour (`n > 1`, non-text parts, structured output) is a 400 naming the field.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw invalidRequest('The request body must be a JSON object.', null, 'invalid_type');
  const model = requiredModel(body.model);
  const messages = chatMessages(body.messages);
  const stream = optionalBoolean(body.stream, 'stream') ?? false;
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw unsupported("Invalid value for 'n': only n = 1 is supported (an agent gives one answer per request).", 'n');
  }
  checkResponseFormat(body.response_format, 'response_format');
  const tools = toolSpecs(body.tools, 'chat');
  const input: RunInput = { messages };
  if (tools) input.tools = tools;
  const choice = toolChoice(body.tool_choice, tools, 'chat');
  if (choice) input.toolChoice = choice;
  const maxTokens = optionalTokens(body.max_completion_tokens, 'max_completion_tokens') ?? optionalTokens(body.max_tokens, 'max_tokens');
  if (maxTokens !== undefined) input.maxTokens = maxTokens;
  const metadata = optionalMetadata(body.metadata);
  if (metadata) input.metadata = metadata;
  const options = body.stream_options;
  return {
    model,
    input,
    stream,
    includeUsage: stream && isObject(options) && options.include_usage === true,
    clientTools: tools ? new Set(tools.map((t) => t.name)) : NO_TOOLS,
  };
}

/** `model`: required, a non-empty string. */
export function requiredModel(value: unknown): string {
  if (value === undefined || value === null) throw invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  if (typeof value !== 'string' || value.length === 0) throw invalidRequest("Invalid type for 'model': expected a non-empty string.", 'model', 'invalid_type');
  return value;
}

/** A boolean field, or `undefined` when absent or null. */
export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`Invalid type for '${param}': expected a boolean.`, param, 'invalid_type');
  return value;
}

/** A token bound (`max_tokens`, `max_output_tokens`): a positive integer. */
export function optionalTokens(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidRequest(`Invalid value for '${param}': expected an integer of at least 1.`, param, 'invalid_type');
  }
  return value;
}

/** `metadata`: string → string (handed to the run). */
export function optionalMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalidRequest("Invalid type for 'metadata': expected an object of string values.", 'metadata', 'invalid_type');
  }
  return value as Record<string, string>;
}

/** Structured output cannot be promised by an agent: 400 in the words LangChain recognises (it then suggests function calling). */
export function checkResponseFormat(value: unknown, param: string): void {
  const type = isObject(value) ? value.type : undefined;
  if (type === 'json_schema' || type === 'json_object') {
    throw unsupported(`'response_format' of type '${type}' is not supported with this model.`, param);
  }
}
