import type { ChatMessage, JsonValue, RunInput, ToolCall, ToolSpec } from '@agentway/agents';
import { AguiError } from './agui-error';

/** An AG-UI `RunAgentInput` once checked: the client's ids, and the run input for the agent. */
export interface ParsedRunAgentInput {
  readonly threadId: string;
  readonly runId: string;
  readonly input: RunInput;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(message: string): AguiError {
  return new AguiError(400, 'ERR_AGUI_INVALID_INPUT', `invalid RunAgentInput: ${message}`);
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw invalid(`${where} must be a string`);
  return value;
}

/** A user message's content: a string, or content parts whose text parts are joined with newlines. */
function userContent(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalid(`${where} must be a string or an array of content parts`);
  const texts: string[] = [];
  value.forEach((part, i) => {
    if (!isObject(part) || typeof part.type !== 'string') throw invalid(`${where}[${i}] must be a content part { type, … }`);
    if (part.type === 'text') texts.push(text(part.text, `${where}[${i}].text`));
  });
  return texts.join('\n');
}

function toolCalls(value: unknown, where: string): ToolCall[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array`);
  return value.map((call, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(call) || !isObject(call.function)) throw invalid(`${at} must be { id, type: "function", function: { name, arguments } }`);
    return { id: text(call.id, `${at}.id`), name: text(call.function.name, `${at}.function.name`), arguments: text(call.function.arguments, `${at}.function.arguments`) };
  });
}

/** One AG-UI message as the agent sees it; `activity` and `reasoning` messages are UI-only and dropped. */
function message(value: unknown, i: number): ChatMessage | undefined {
  const at = `messages[${i}]`;
  if (!isObject(value)) throw invalid(`${at} must be an object`);
  text(value.id, `${at}.id`);
  const name = value.name === undefined ? {} : { name: text(value.name, `${at}.name`) };
  switch (value.role) {
    case 'user':
      return { role: 'user', content: userContent(value.content, `${at}.content`), ...name };
    case 'system':
    case 'developer':
      return { role: value.role, content: text(value.content, `${at}.content`), ...name };
    case 'assistant': {
      const content = value.content === undefined ? '' : text(value.content, `${at}.content`);
      const calls = value.toolCalls === undefined ? {} : { toolCalls: toolCalls(value.toolCalls, `${at}.toolCalls`) };
      return { role: 'assistant', content, ...name, ...calls };
    }
    case 'tool':
      return { role: 'tool', content: text(value.content, `${at}.content`), toolCallId: text(value.toolCallId, `${at}.toolCallId`) };
    case 'activity':
    case 'reasoning':
      return undefined;
    default:
      throw invalid(`${at}.role must be one of user, assistant, system, developer, tool, activity, reasoning`);
  }
}

function tools(value: unknown): ToolSpec[] {
  if (!Array.isArray(value)) throw invalid('tools must be an array');
  return value.map((tool, i) => {
    if (!isObject(tool) || typeof tool.name !== 'string' || tool.name === '') throw invalid(`tools[${i}] must be { name, description, parameters? }`);
    return {
      name: tool.name,
      ...(tool.description !== undefined && { description: text(tool.description, `tools[${i}].description`) }),
      ...(tool.parameters !== undefined && { parameters: tool.parameters as JsonValue }),
    };
  });
}

function context(value: unknown): { description: string; value: string }[] {
  if (!Array.isArray(value)) throw invalid('context must be an array');
  return value.map((item, i) => {
    if (!isObject(item)) throw invalid(`context[${i}] must be { description, value }`);
    return { description: text(item.description, `context[${i}].description`), value: text(item.value, `context[${i}].value`) };
  });
}

/**
 * Checks an AG-UI `RunAgentInput` by hand (no schema library at run time): `threadId`, `runId`
 * and `messages` are required, `tools` and `context` default to `[]`, `state` and
 * `forwardedProps` pass through; unknown fields are ignored, as the official schema strips them.
 * Throws an `AguiError` 400 `ERR_AGUI_INVALID_INPUT` naming the first wrong field.
 */
export function parseRunAgentInput(body: unknown): ParsedRunAgentInput {
  if (!isObject(body)) throw invalid('the body must be a JSON object');
  const threadId = text(body.threadId, 'threadId');
  const runId = text(body.runId, 'runId');
  if (threadId === '' || runId === '') throw invalid('threadId and runId must not be empty');
  if (!Array.isArray(body.messages)) throw invalid('messages must be an array');
  const messages: ChatMessage[] = [];
  body.messages.forEach((m, i) => {
    const converted = message(m, i);
    if (converted) messages.push(converted);
  });
  const input: RunInput = {
    messages,
    tools: body.tools === undefined ? [] : tools(body.tools),
    context: body.context === undefined ? [] : context(body.context),
    ...(body.state !== undefined && { state: body.state as JsonValue }),
    ...(body.forwardedProps !== undefined && { forwardedProps: body.forwardedProps as JsonValue }),
  };
  return { threadId, runId, input };
}
