export { SseWriter } from './sse-writer';
export type { SseWriterOptions } from './sse-writer';
export { HEARTBEAT_FRAME, SSE_HEADERS, sseFrame } from './sse-frame';
export type { SseFrameFields } from './sse-frame';
export { readSse } from './read-sse';
export type { ReadSseOptions, SseMessage } from './read-sse';
export { parseSse } from './parse-sse';
export type { ParsedSse, SseEvent } from './parse-sse';
export { SseError } from './sse-error';
