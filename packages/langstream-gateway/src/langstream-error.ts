/** The codes of the errors `langstreamGateway()` throws at start-up (options, manifests, providers). */
export type LangStreamErrorCode =
  | 'ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST'
  | 'ERR_LANGSTREAM_GATEWAY_MANIFEST_FILE'
  | 'ERR_LANGSTREAM_GATEWAY_INVALID_AUTH_CONFIG';

/**
 * A configuration error found at start-up. `reason` holds LangStream's own text (e.g.
 * `Gateway of type 'chat' must have chat-options`); the message adds the package prefix and where.
 */
export class LangStreamGatewayError extends Error {
  readonly code: LangStreamErrorCode;
  readonly reason: string;

  constructor(code: LangStreamErrorCode, where: string, reason: string, options?: { cause?: unknown }) {
    super(`[@agentway/langstream-gateway] ${where}: ${reason}`, options);
    this.name = 'LangStreamGatewayError';
    this.code = code;
    this.reason = reason;
  }
}

/**
 * How a request failed, in LangStream's terms: `invalid` (its IllegalArgumentException: 500 at a
 * WebSocket handshake, 400 over HTTP), `auth` (401), `timeout` (504), `unavailable` (502, an agent
 * URL did not answer) or `internal` (500). `message` is the text the client sees.
 */
export class RequestError extends Error {
  constructor(readonly kind: 'invalid' | 'auth' | 'timeout' | 'unavailable' | 'internal', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RequestError';
  }
}

/** The `RequestError` of any failure: itself, or an unexpected error as `internal`. */
export function asRequestError(err: unknown): RequestError {
  if (err instanceof RequestError) return err;
  const message = err instanceof Error ? err.message.replace(/^\[@agentway\/[a-z-]+\] /, '') : String(err);
  return new RequestError('internal', message, { cause: err });
}
