import type { RunInput, ToolSpec, JsonValue } from '@agentway/agents';
import { invalidRequest, unsupported } from './openai-compat-error';
import { isObject } from './text-content';

/** How a request spells its tools: Chat Completions nests `function: {…}`, Responses does not. */
export type ToolShape = 'chat' | 'responses';

/** The client's function tools as the run's `tools` (a 400 for any other kind of tool). */
export function toolSpecs(value: unknown, shape: ToolShape): ToolSpec[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidRequest("Invalid type for 'tools': expected an array.", 'tools', 'invalid_type');
  return value.map((tool, i) => {
    const at = `tools[${i}]`;
    if (!isObject(tool)) throw invalidRequest(`Invalid type for '${at}': expected an object.`, at, 'invalid_type');
    if (tool.type !== 'function') {
      throw unsupported(`Tools of type ${JSON.stringify(tool.type ?? null)} are not supported in '${at}.type': only "function" tools.`, `${at}.type`);
    }
    const fn = shape === 'chat' ? tool.function : tool;
    const fnAt = shape === 'chat' ? `${at}.function` : at;
    if (!isObject(fn)) throw invalidRequest(`Missing required parameter: '${fnAt}'.`, fnAt, 'missing_required_parameter');
    if (typeof fn.name !== 'string' || fn.name.length === 0) {
      throw invalidRequest(`Missing required parameter: '${fnAt}.name'.`, `${fnAt}.name`, 'missing_required_parameter');
    }
    const spec: ToolSpec = { name: fn.name };
    if (typeof fn.description === 'string') spec.description = fn.description;
    if (fn.parameters !== undefined && fn.parameters !== null) spec.parameters = fn.parameters as JsonValue;
    return spec;
  });
}

/** `tool_choice` as the run's `toolChoice`; a named tool must be one of `tools`. */
export function toolChoice(value: unknown, tools: readonly ToolSpec[] | undefined, shape: ToolShape): RunInput['toolChoice'] {
  if (value === undefined || value === null) return undefined;
  if (value === 'none' || value === 'auto') return value;
  if (value === 'required' && tools) return value;
  const name = isObject(value) && value.type === 'function'
    ? (shape === 'chat' ? (isObject(value.function) ? value.function.name : undefined) : value.name)
    : undefined;
  if (typeof name === 'string' && tools?.some((t) => t.name === name)) return { name };
  throw invalidRequest(tools
    ? "Invalid value for 'tool_choice': expected \"none\", \"auto\", \"required\" or a function named in 'tools'."
    : "Invalid value for 'tool_choice': \"required\" and named functions are only allowed when 'tools' are given.", 'tool_choice');
}
