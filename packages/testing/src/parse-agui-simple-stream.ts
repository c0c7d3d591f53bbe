import { eventData, invalidStream, streamEvents, type StreamBody } from './stream-body';

/** A JSON Patch operation (RFC 6902), as a `state` delta carries it. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** One event of the AG-UI simple dialect (`?dialect=simple`): its SSE event name and its JSON data. */
export type AguiSimpleEvent =
  | { name: 'run_started'; data: { run_id: string; agent_name: string; thread_id: string } }
  | { name: 'text_delta'; data: { delta: string } }
  | { name: 'tool_call'; data: { tool_call_id: string; name: string; arguments: string } }
  | { name: 'tool_result'; data: { tool_call_id: string; name: string; result: unknown } }
  | { name: 'state'; data: { snapshot: unknown } | { delta: JsonPatchOperation[] } }
  | { name: 'run_completed'; data: { run_id: string; output: string } }
  | { name: 'run_error'; data: { error: { message: string; code: string } } };

const NAMES = new Set<string>(['run_started', 'text_delta', 'tool_call', 'tool_result', 'state', 'run_completed', 'run_error']);

/**
 * Reads an AG-UI stream in the simple dialect (`?dialect=simple` or `aguiStream({ dialect:
 * 'simple' })`): named SSE events whose data is a JSON object. An unnamed event (the official
 * dialect) or a name the dialect does not have is an `ERR_TESTING_INVALID_STREAM`.
 *
 * ```ts
 * const events = parseAguiSimpleStream(await readStream(request(app).get(`/agui/ws?run_id=${id}&dialect=simple`)));
 * assert.deepEqual(events.map((e) => e.name), ['run_started', 'text_delta', 'run_completed']);
 * ```
 */
export function parseAguiSimpleStream(body: StreamBody): AguiSimpleEvent[] {
  return streamEvents(body, 'parseAguiSimpleStream').map((sse, i) => {
    if (sse.event === undefined || sse.event === 'message') {
      throw invalidStream('AG-UI simple', i, 'an unnamed event, as the official dialect sends: read it with parseAguiStream()');
    }
    if (!NAMES.has(sse.event)) throw invalidStream('AG-UI simple', i, `"${sse.event}" is not an event of the simple dialect`);
    const data = eventData(sse, i, 'AG-UI simple');
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalidStream('AG-UI simple', i, 'its data is not a JSON object');
    return { name: sse.event, data } as AguiSimpleEvent;
  });
}
