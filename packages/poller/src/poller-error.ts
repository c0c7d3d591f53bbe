/** The stable codes of `PollerError` (the options' codes come from `@agentway/options`). */
export type PollerErrorCode =
  | 'ERR_POLLER_INVALID_SCHEDULE'
  | 'ERR_POLLER_DUPLICATE_NAME'
  | 'ERR_POLLER_LEGACY_DECORATOR'
  | 'ERR_POLLER_JOB_TIMEOUT'
  | 'ERR_POLLER_STOPPED'
  | 'ERR_POLLER_LOCK_FAILED'
  | 'ERR_POLLER_NO_BROKER'
  | 'ERR_POLLER_NO_REDIS'
  | 'ERR_POLLER_NO_HANDLER'
  | 'ERR_POLLER_INVALID_TARGET'
  | 'ERR_POLLER_SSE_RESPONSE'
  | 'ERR_POLLER_NOT_FOUND';

/** An error of `@agentway/poller`, with a stable `code` and a `[@agentway/poller]` prefix. */
export class PollerError extends Error {
  readonly code: PollerErrorCode;

  constructor(code: PollerErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[@agentway/poller] ${message}`, options);
    this.name = 'PollerError';
    this.code = code;
  }
}

/** A registration mistake (bad schedule, taken name, missing collaborator): a `TypeError` with a code. */
export function usageError(code: PollerErrorCode, message: string): TypeError & { code: PollerErrorCode } {
  return Object.assign(new TypeError(`[@agentway/poller] ${message}`), { code });
}
