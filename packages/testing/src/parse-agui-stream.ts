import type { AGUIEvent } from '@ag-ui/core';
import { eventData, invalidStream, streamEvents, type StreamBody } from './stream-body';

/**
 * Reads an AG-UI stream in the official dialect — `aguiStream()`'s default, what `HttpAgent`
 * reads — into its events, typed as `@ag-ui/core` 1.0 types them. Each event must be an unnamed
 * SSE event whose data is a JSON object with a non-empty string `type`; a named event (the simple
 * dialect's `text_delta`, say) is an `ERR_TESTING_INVALID_STREAM`. The reader does not judge the
 * sequence: `assertAguiSequence()` does.
 *
 * ```ts
 * const events = parseAguiStream(await readStream(request(app).post('/agui/runs/echo').set('Accept', 'text/event-stream').send(input)));
 * assertAguiSequence(events);
 * ```
 */
export function parseAguiStream(body: StreamBody): AGUIEvent[] {
  return streamEvents(body, 'parseAguiStream').map((sse, i) => {
    if (sse.event !== undefined && sse.event !== 'message') {
      throw invalidStream('AG-UI', i, `a named event ("${sse.event}"), as the simple dialect sends: read it with parseAguiSimpleStream()`);
    }
    const data = eventData(sse, i, 'AG-UI');
    if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof (data as { type?: unknown }).type !== 'string'
      || (data as { type: string }).type === '') {
      throw invalidStream('AG-UI', i, 'its data is not an object with a non-empty string "type"');
    }
    return data as AGUIEvent;
  });
}
