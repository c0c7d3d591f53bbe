import { createParser } from 'eventsource-parser';

/** One event as parsed from a whole SSE body. */
export interface SseEvent {
  /** The `event:` field (`undefined` means the default, "message"). */
  event?: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  id?: string;
  /** A `retry:` line that came just before this event. */
  retry?: number;
}

export interface ParsedSse {
  events: SseEvent[];
  /** Comment lines (heartbeats), without their colon and first space. */
  comments: string[];
}

/**
 * Parses a whole SSE body (a test's captured response, say) by the same rules as `readSse()`:
 * the events and the comments. An unterminated last event is dropped, as a browser does.
 */
export function parseSse(body: string | Buffer): ParsedSse {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  const parser = createParser({
    onEvent: ({ event, data, id }) => {
      events.push({
        ...(event !== undefined && { event }),
        data,
        ...(id !== undefined && { id }),
        ...(retry !== undefined && { retry }),
      });
      retry = undefined;
    },
    onRetry: (ms) => { retry = ms; },
    onComment: (comment) => { comments.push(comment.replace(/^ /, '')); },
  });
  parser.feed(typeof body === 'string' ? body : body.toString('utf8'));
  return { events, comments };
}
