import type { ChatMessage, JsonValue, RunInput } from '@agentway/agents';
import { checkResponseFormat, optionalBoolean, optionalMetadata, optionalTokens, requiredModel } from './chat-request';
import { invalidRequest, unsupported } from './openai-compat-error';
import { isObject, textContent } from './text-content';
import { toolChoice, toolSpecs } from './tool-specs';

/** A checked `POST /responses` body. */
export interface ResponsesRequest {
  readonly model: string;
  readonly input: RunInput;
  readonly stream: boolean;
  readonly clientTools: ReadonlySet<string>;
  /** The request parameters a response object echoes. */
  readonly echo: Readonly<Record<string, JsonValue>>;
}

const ROLES: ReadonlySet<string> = new Set(['system', 'developer', 'user', 'assistant']);
const TEXT: Readonly<Record<string, string>> = { input_text: 'text', output_text: 'text' };
const ASSISTANT_TEXT: Readonly<Record<string, string>> = { input_text: 'text', output_text: 'text', refusal: 'refusal' };

/**
 * Checks a Responses API body (text and function tools) and maps it to a run's input:
 * `instructions` becomes a system message, `input` a string or items (messages, `function_call`,
 * `function_call_output`; `reasoning` items are skipped). Stateful features
 * (`previous_response_id`, `conversation`) are a 400: nothing is stored.
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (!isObject(body)) throw invalidRequest('The request body must be a JSON object.', null, 'invalid_type');
  const model = requiredModel(body.model);
  for (const param of ['previous_response_id', 'conversation', 'prompt'] as const) {
    if (body[param] !== undefined && body[param] !== null) {
      throw unsupported(`'${param}' is not supported: responses are not stored; send the whole conversation in 'input'.`, param, 'unsupported_parameter');
    }
  }
  const instructions = body.instructions ?? null;
  if (instructions !== null && typeof instructions !== 'string') throw invalidRequest("Invalid type for 'instructions': expected a string.", 'instructions', 'invalid_type');
  checkResponseFormat(isObject(body.text) ? body.text.format : undefined, 'text.format');
  const tools = toolSpecs(body.tools, 'responses');
  const input: RunInput = { messages: inputMessages(body.input, instructions) };
  if (tools) input.tools = tools;
  const choice = toolChoice(body.tool_choice, tools, 'responses');
  if (choice) input.toolChoice = choice;
  const maxTokens = optionalTokens(body.max_output_tokens, 'max_output_tokens');
  if (maxTokens !== undefined) input.maxTokens = maxTokens;
  const metadata = optionalMetadata(body.metadata);
  if (metadata) input.metadata = metadata;
  return {
    model,
    input,
    stream: optionalBoolean(body.stream, 'stream') ?? false,
    clientTools: new Set(tools?.map((t) => t.name)),
    echo: {
      instructions,
      max_output_tokens: maxTokens ?? null,
      metadata: metadata ?? {},
      parallel_tool_calls: typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : true,
      temperature: typeof body.temperature === 'number' ? body.temperature : 1,
      tool_choice: (body.tool_choice ?? 'auto') as JsonValue,
      tools: (tools ?? []).map((t) => ({ type: 'function', name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: false })),
      top_p: typeof body.top_p === 'number' ? body.top_p : 1,
    },
  };
}

function inputMessages(input: unknown, instructions: string | null): ChatMessage[] {
  const messages: ChatMessage[] = instructions === null ? [] : [{ role: 'system', content: instructions }];
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  if (input === undefined || input === null) throw invalidRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (!Array.isArray(input)) throw invalidRequest("Invalid type for 'input': expected a string or an array of items.", 'input', 'invalid_type');
  input.forEach((item, i) => {
    const at = `input[${i}]`;
    if (!isObject(item)) throw invalidRequest(`Invalid type for '${at}': expected an object.`, at, 'invalid_type');
    const type = item.type ?? 'message';
    if (type === 'message') messages.push(messageItem(item, at));
    else if (type === 'function_call') {
      if (typeof item.call_id !== 'string' || typeof item.name !== 'string' || typeof item.arguments !== 'string') {
        throw invalidRequest(`Invalid '${at}': a function_call has string 'call_id', 'name' and 'arguments'.`, at);
      }
      const call = { id: item.call_id, name: item.name, arguments: item.arguments };
      const last = messages.at(-1);
      if (last?.role === 'assistant' && last.toolCalls) last.toolCalls.push(call);
      else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
    } else if (type === 'function_call_output') {
      if (typeof item.call_id !== 'string') throw invalidRequest(`Missing required parameter: '${at}.call_id'.`, `${at}.call_id`, 'missing_required_parameter');
      const output = typeof item.output === 'string' ? item.output
        : Array.isArray(item.output) ? textContent(item.output, `${at}.output`, TEXT) : undefined;
      if (output === undefined) throw invalidRequest(`Invalid type for '${at}.output': expected a string.`, `${at}.output`, 'invalid_type');
      messages.push({ role: 'tool', content: output, toolCallId: item.call_id });
    } else if (type !== 'reasoning') {
      throw unsupported(`Input items of type ${JSON.stringify(type)} are not supported in '${at}.type'.`, `${at}.type`);
    }
  });
  if (messages.length === 0) throw invalidRequest("Invalid 'input': empty array. Expected at least one item.", 'input', 'empty_array');
  return messages;
}

function messageItem(item: Record<string, unknown>, at: string): ChatMessage {
  const { role, content } = item;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    throw invalidRequest(`Invalid value for '${at}.role': expected "user", "assistant", "system" or "developer".`, `${at}.role`);
  }
  if (typeof content === 'string') return { role: role as ChatMessage['role'], content };
  if (!Array.isArray(content)) throw invalidRequest(`Invalid type for '${at}.content': expected a string or an array of parts.`, `${at}.content`, 'invalid_type');
  return { role: role as ChatMessage['role'], content: textContent(content, `${at}.content`, role === 'assistant' ? ASSISTANT_TEXT : TEXT) };
}
