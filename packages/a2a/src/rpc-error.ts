/** JSON-RPC error codes of A2A (spec §5.4, §9.5). */
export const RPC_CODES = Object.freeze({
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  TASK_NOT_FOUND: -32001,
  TASK_NOT_CANCELABLE: -32002,
  PUSH_NOTIFICATION_NOT_SUPPORTED: -32003,
  UNSUPPORTED_OPERATION: -32004,
  CONTENT_TYPE_NOT_SUPPORTED: -32005,
  INVALID_AGENT_RESPONSE: -32006,
  EXTENDED_CARD_NOT_CONFIGURED: -32007,
  EXTENSION_SUPPORT_REQUIRED: -32008,
  VERSION_NOT_SUPPORTED: -32009,
  /** agentway: the request carried no valid credential (HTTP 401). Outside A2A's -32001…-32099. */
  UNAUTHENTICATED: -32000,
});

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

/**
 * A protocol error, answered as a JSON-RPC error object. A2A errors carry their ErrorInfo
 * `reason`; invalid params carry the offending field. `status` is the HTTP status to answer with.
 */
export class RpcError extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
    readonly reason?: string,
    readonly field?: string,
    readonly status = 200,
    readonly domain = 'a2a-protocol.org',
  ) {
    super(message);
    this.name = 'RpcError';
  }

  /**
   * The `error` member of the response. In 1.0, `data` is an array of ProtoJSON `Any`s (an
   * ErrorInfo, a BadRequest); in 0.3 it is free-form, and left out.
   */
  toJSON(version: string): { code: number; message: string; data?: unknown[] } {
    const body: { code: number; message: string; data?: unknown[] } = { code: this.rpcCode, message: this.message };
    if (version.startsWith('0.')) return body;
    const data: unknown[] = [];
    if (this.reason !== undefined) data.push({ '@type': ERROR_INFO, reason: this.reason, domain: this.domain });
    if (this.field !== undefined) data.push({ '@type': BAD_REQUEST, fieldViolations: [{ field: this.field, description: this.message }] });
    if (data.length > 0) body.data = data;
    return body;
  }
}

/** The errors the endpoint answers with, by name. */
export const rpcErrors = {
  parse: () => new RpcError(RPC_CODES.PARSE_ERROR, 'Invalid JSON payload', undefined, undefined, 400),
  invalidRequest: (message: string, status = 200) => new RpcError(RPC_CODES.INVALID_REQUEST, message, undefined, undefined, status),
  methodNotFound: (message: string) => new RpcError(RPC_CODES.METHOD_NOT_FOUND, message),
  invalidParams: (field: string, message: string) => new RpcError(RPC_CODES.INVALID_PARAMS, message, 'INVALID_PARAMS', field),
  internal: (message = 'Internal error') => new RpcError(RPC_CODES.INTERNAL_ERROR, message),
  taskNotFound: (id: string) => new RpcError(RPC_CODES.TASK_NOT_FOUND, `Task not found: ${id}`, 'TASK_NOT_FOUND'),
  taskNotCancelable: (id: string, state: string) =>
    new RpcError(RPC_CODES.TASK_NOT_CANCELABLE, `Task not cancelable: ${id} is ${state}`, 'TASK_NOT_CANCELABLE'),
  unsupported: (message: string) => new RpcError(RPC_CODES.UNSUPPORTED_OPERATION, message, 'UNSUPPORTED_OPERATION'),
  pushNotSupported: () => new RpcError(RPC_CODES.PUSH_NOTIFICATION_NOT_SUPPORTED, 'Push notifications are not supported', 'PUSH_NOTIFICATION_NOT_SUPPORTED'),
  extendedCardNotConfigured: () =>
    new RpcError(RPC_CODES.EXTENDED_CARD_NOT_CONFIGURED, 'No extended agent card is configured', 'EXTENDED_AGENT_CARD_NOT_CONFIGURED'),
  contentType: (message: string) => new RpcError(RPC_CODES.CONTENT_TYPE_NOT_SUPPORTED, message, 'CONTENT_TYPE_NOT_SUPPORTED'),
  versionNotSupported: (version: string, supported: readonly string[]) => new RpcError(RPC_CODES.VERSION_NOT_SUPPORTED,
    `A2A version '${version}' is not supported; supported versions: ${supported.join(', ')}`, 'VERSION_NOT_SUPPORTED'),
  unauthenticated: (message: string) => new RpcError(RPC_CODES.UNAUTHENTICATED, message, 'UNAUTHENTICATED', undefined, 401, 'agentway'),
  /** The server is closing (`close()`): a call refused or cut short (HTTP 503), or the last frame of a stream. */
  shuttingDown: () => new RpcError(RPC_CODES.INTERNAL_ERROR,
    'The server is shutting down: the task goes on; get it (GetTask) or subscribe to it (SubscribeToTask) on another instance',
    'SERVER_SHUTTING_DOWN', undefined, 503, 'agentway'),
};
