import type { Task } from './a2a-types';

/** The codes of the errors `A2AClient` throws. */
export type A2AClientErrorCode =
  | 'ERR_A2A_UNREACHABLE'
  | 'ERR_A2A_CARD_NOT_FOUND'
  | 'ERR_A2A_INVALID_CARD'
  | 'ERR_A2A_NO_TRANSPORT'
  | 'ERR_A2A_HTTP_ERROR'
  | 'ERR_A2A_RPC_ERROR'
  | 'ERR_A2A_INVALID_RESPONSE'
  | 'ERR_A2A_TASK_FAILED';

/** What an `A2AClientError` carries besides its code and message. */
export interface A2AClientErrorDetails {
  /** The HTTP status, when the server answered with one that is not 2xx. */
  status?: number;
  /** `ERR_A2A_RPC_ERROR`: the JSON-RPC error's code (-32001 task not found, …) and data. */
  rpcCode?: number;
  rpcData?: unknown;
  /** `ERR_A2A_TASK_FAILED`: the task as it ended. */
  task?: Task;
  cause?: unknown;
}

/** An error of `A2AClient`, with a stable `code` and what the server said. */
export class A2AClientError extends Error {
  readonly code: A2AClientErrorCode;
  readonly status?: number;
  readonly rpcCode?: number;
  readonly rpcData?: unknown;
  readonly task?: Task;

  constructor(code: A2AClientErrorCode, message: string, details: A2AClientErrorDetails = {}) {
    super(`[@agentway/a2a] ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'A2AClientError';
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.rpcCode !== undefined) this.rpcCode = details.rpcCode;
    if (details.rpcData !== undefined) this.rpcData = details.rpcData;
    if (details.task !== undefined) this.task = details.task;
  }
}
