import type { RunEvent } from '@agentway/agents';

/** One event of the simple dialect: an SSE event name and its JSON data. */
export interface SimpleEvent {
  readonly name: 'run_started' | 'text_delta' | 'tool_call' | 'tool_result' | 'state' | 'run_completed' | 'run_error';
  readonly data: Record<string, unknown>;
}

/**
 * The simple dialect: named SSE events that mirror the canonical run events with fewer fields —
 * `run_started {run_id, agent_name, thread_id}`, `text_delta {delta}`, `tool_call {tool_call_id,
 * name, arguments}`, `tool_result {tool_call_id, name, result}`, `state {snapshot | delta}`,
 * `run_completed {run_id, output}`, `run_error {error: {message, code}}`. Stateless; empty deltas
 * are dropped.
 */
export function simpleEvent(event: RunEvent): SimpleEvent | undefined {
  switch (event.type) {
    case 'run_started':
      return { name: 'run_started', data: { run_id: event.run_id, agent_name: event.agent_name, thread_id: event.thread_id } };
    case 'text_delta':
      return event.delta === '' ? undefined : { name: 'text_delta', data: { delta: event.delta } };
    case 'tool_call':
      return { name: 'tool_call', data: { tool_call_id: event.tool_call_id, name: event.name, arguments: event.arguments } };
    case 'tool_result':
      return { name: 'tool_result', data: { tool_call_id: event.tool_call_id, name: event.name, result: event.result } };
    case 'state':
      return { name: 'state', data: 'snapshot' in event ? { snapshot: event.snapshot } : { delta: event.delta } };
    case 'run_completed':
      return { name: 'run_completed', data: { run_id: event.run_id, output: event.output } };
    case 'run_error':
      return { name: 'run_error', data: { error: { message: event.error.message, code: event.error.code } } };
    default:
      return undefined;
  }
}
