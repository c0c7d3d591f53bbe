/** A stream that cannot be read as Server-Sent Events (`ERR_SSE_EVENT_TOO_LARGE`). */
export class SseError extends Error {
  readonly code: 'ERR_SSE_EVENT_TOO_LARGE';

  constructor(code: 'ERR_SSE_EVENT_TOO_LARGE', message: string, options?: { cause?: unknown }) {
    super(`[@agentway/sse] ${message}`, options);
    this.name = 'SseError';
    this.code = code;
  }
}
