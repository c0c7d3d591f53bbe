import { AgentsError } from './agents-error';
import type { RunInput } from './agent';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/**
 * Checks a run's input before it is published or handed to a worker. Protocol views check their
 * own wire format first; this is the last guard, so that an agent always gets a well-formed input.
 */
export function checkRunInput(input: unknown): RunInput {
  if (typeof input !== 'object' || input === null) throw invalid('the run input must be an object with `messages`');
  const { messages, tools } = input as RunInput;
  if (!Array.isArray(messages)) throw invalid('`messages` must be an array');
  messages.forEach((message, i) => {
    if (typeof message !== 'object' || message === null) throw invalid(`messages[${i}] must be an object`);
    if (!ROLES.has(message.role)) throw invalid(`messages[${i}].role must be one of ${[...ROLES].join(', ')}`);
    if (typeof message.content !== 'string') throw invalid(`messages[${i}].content must be a string`);
  });
  if (tools !== undefined && (!Array.isArray(tools) || !tools.every((t) => typeof t?.name === 'string' && t.name.length > 0))) {
    throw invalid('`tools` must be an array of { name, description?, parameters? }');
  }
  return input as RunInput;
}

function invalid(message: string): AgentsError {
  return new AgentsError('ERR_AGENTS_INVALID_INPUT', message);
}

/** The text of the last user message ('' when there is none). */
export function lastUserText(input: RunInput): string {
  for (let i = input.messages.length - 1; i >= 0; i--) {
    const message = input.messages[i]!;
    if (message.role === 'user') return message.content;
  }
  return '';
}
