/** The codes of the errors `openaiCompat()` answers; each maps to one status and envelope (see the README). */
export type OpenAICompatErrorCode =
  | 'ERR_OPENAI_COMPAT_INVALID_JSON'
  | 'ERR_OPENAI_COMPAT_BODY_TOO_LARGE'
  | 'ERR_OPENAI_COMPAT_INVALID_REQUEST'
  | 'ERR_OPENAI_COMPAT_UNSUPPORTED'
  | 'ERR_OPENAI_COMPAT_UNAUTHORIZED'
  | 'ERR_OPENAI_COMPAT_MODEL_NOT_FOUND'
  | 'ERR_OPENAI_COMPAT_NOT_FOUND'
  | 'ERR_OPENAI_COMPAT_RATE_LIMITED'
  | 'ERR_OPENAI_COMPAT_OVERLOADED'
  | 'ERR_OPENAI_COMPAT_SHUTTING_DOWN'
  | 'ERR_OPENAI_COMPAT_RUN_FAILED';

/** The inner object of OpenAI's error envelope `{"error":{…}}`; all four keys are always present. */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export interface OpenAICompatErrorInit {
  status: number;
  /** The envelope's `type`: `invalid_request_error`, `requests`, `server_error`, … */
  type: string;
  /** The envelope's `code` (`model_not_found`, `missing_required_parameter`, …). */
  errorCode?: string | null;
  /** The request field at fault (`model`, `messages[0].content[1]`). */
  param?: string | null;
  /** Extra response headers (`Retry-After`, …). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * An error `openaiCompat()` answers in OpenAI's envelope. `code` is this package's stable code;
 * `status`, `type`, `param` and `errorCode` are what goes on the wire.
 */
export class OpenAICompatError extends Error {
  readonly code: OpenAICompatErrorCode;
  readonly status: number;
  readonly expose = true;
  readonly type: string;
  readonly param: string | null;
  readonly errorCode: string | null;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: OpenAICompatErrorCode, message: string, init: OpenAICompatErrorInit) {
    super(`[@agentway/openai-compat] ${message}`);
    this.name = 'OpenAICompatError';
    this.code = code;
    this.status = init.status;
    this.type = init.type;
    this.param = init.param ?? null;
    this.errorCode = init.errorCode ?? null;
    this.headers = init.headers;
  }

  /** The envelope's inner object. */
  toObject(): OpenAIErrorObject {
    return { message: this.message, type: this.type, param: this.param, code: this.errorCode };
  }
}

/** A 400 `invalid_request_error` about one request field. */
export function invalidRequest(message: string, param: string | null, errorCode = 'invalid_value'): OpenAICompatError {
  return new OpenAICompatError('ERR_OPENAI_COMPAT_INVALID_REQUEST', message, { status: 400, type: 'invalid_request_error', param, errorCode });
}

/** A 400 for something valid in OpenAI's API that agents do not do (`n > 1`, image parts, …). */
export function unsupported(message: string, param: string | null, errorCode = 'unsupported_value'): OpenAICompatError {
  return new OpenAICompatError('ERR_OPENAI_COMPAT_UNSUPPORTED', message, { status: 400, type: 'invalid_request_error', param, errorCode });
}
