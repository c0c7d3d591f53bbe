import type { ChatMessage, ToolCall } from '@agentway/agents';
import { invalidRequest, unsupported } from './openai-compat-error';
import { isObject, textContent } from './text-content';

const ROLES: ReadonlySet<string> = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const TEXT: Readonly<Record<string, string>> = { text: 'text' };
const ASSISTANT_TEXT: Readonly<Record<string, string>> = { text: 'text', refusal: 'refusal' };

/**
 * Chat Completions `messages` as the run's messages: string content as is, text parts joined
 * with "\n", assistant `tool_calls` and tool `tool_call_id` kept. Anything else is a 400 whose
 * `param` names the field (`messages[2].content[1]`).
 */
export function chatMessages(value: unknown): ChatMessage[] {
  if (value === undefined || value === null) throw invalidRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(value)) throw invalidRequest("Invalid type for 'messages': expected an array.", 'messages', 'invalid_type');
  if (value.length === 0) throw invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1.", 'messages', 'empty_array');
  const messages: ChatMessage[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) messages[i] = chatMessage(value[i], i);
  return messages;
}

function chatMessage(m: unknown, i: number): ChatMessage {
  if (!isObject(m)) throw invalidRequest(`Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`, 'invalid_type');
  const { role } = m;
  if (typeof role !== 'string' || !ROLES.has(role)) {
    const param = `messages[${i}].role`;
    if (role === 'function') throw unsupported(`Messages with role "function" (deprecated) are not supported in '${param}': use role "tool".`, param);
    throw invalidRequest(`Invalid value for '${param}': expected one of "system", "developer", "user", "assistant" or "tool".`, param,
      role === undefined ? 'missing_required_parameter' : 'invalid_value');
  }
  const message: ChatMessage = { role: role as ChatMessage['role'], content: content(m.content, i, role) };
  if (typeof m.name === 'string') message.name = m.name;
  if (role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null) message.toolCalls = toolCalls(m.tool_calls, i);
  if (role === 'tool') {
    if (typeof m.tool_call_id !== 'string') {
      throw invalidRequest(`Missing required parameter: 'messages[${i}].tool_call_id'.`, `messages[${i}].tool_call_id`, 'missing_required_parameter');
    }
    message.toolCallId = m.tool_call_id;
  }
  return message;
}

function content(value: unknown, i: number, role: string): string {
  if (typeof value === 'string') return value;
  const at = `messages[${i}].content`;
  if (value === undefined || value === null) {
    if (role === 'assistant') return '';
    throw invalidRequest(`Missing required parameter: '${at}'.`, at, 'missing_required_parameter');
  }
  if (!Array.isArray(value)) throw invalidRequest(`Invalid type for '${at}': expected a string or an array of content parts.`, at, 'invalid_type');
  return textContent(value, at, role === 'assistant' ? ASSISTANT_TEXT : TEXT);
}

function toolCalls(value: unknown, i: number): ToolCall[] {
  const at = `messages[${i}].tool_calls`;
  if (!Array.isArray(value)) throw invalidRequest(`Invalid type for '${at}': expected an array.`, at, 'invalid_type');
  return value.map((call, j) => {
    const fn = isObject(call) ? call.function : undefined;
    if (!isObject(call) || typeof call.id !== 'string' || !isObject(fn) || typeof fn.name !== 'string') {
      throw invalidRequest(`Invalid '${at}[${j}]': expected { id, type: "function", function: { name, arguments } }.`, `${at}[${j}]`);
    }
    return { id: call.id, name: fn.name, arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {}) };
  });
}
