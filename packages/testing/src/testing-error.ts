/** The codes of `TestingError`: what a helper met that a test should hear about (see the README). */
export type TestingErrorCode =
  | 'ERR_TESTING_NOT_AN_EVENT_STREAM'
  | 'ERR_TESTING_INVALID_STREAM'
  | 'ERR_TESTING_TIMEOUT'
  | 'ERR_TESTING_SOCKET_CLOSED'
  | 'ERR_TESTING_INVALID_FRAME'
  | 'ERR_TESTING_HANDSHAKE_REFUSED'
  | 'ERR_TESTING_HANDSHAKE_ACCEPTED'
  | 'ERR_TESTING_NO_SCHEDULED_JOB'
  | 'ERR_TESTING_REDIS_SERVER';

/**
 * What a helper of `@agentway/testing` throws when the thing under test did not behave as the
 * helper needs (a response that is not an event stream, a frame that never came, a redis-server
 * that did not start). Misuse of a helper is a `TypeError` instead (`ERR_TESTING_INVALID_ARGUMENT`,
 * `ERR_TESTING_*_OPTION`).
 */
export class TestingError extends Error {
  readonly code: TestingErrorCode;

  constructor(code: TestingErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[@agentway/testing] ${message}`, options);
    this.name = 'TestingError';
    this.code = code;
  }
}

/** A helper called with something it cannot take: a `TypeError` with code `ERR_TESTING_INVALID_ARGUMENT`. */
export function invalidArgument(message: string): TypeError & { code: 'ERR_TESTING_INVALID_ARGUMENT' } {
  return Object.assign(new TypeError(`[@agentway/testing] ${message}`), { code: 'ERR_TESTING_INVALID_ARGUMENT' as const });
}
