/** Every code `aguiStream()` answers with (see the README's errors table). */
export type AguiErrorCode =
  | 'ERR_AGUI_INVALID_INPUT'
  | 'ERR_AGUI_INVALID_JSON'
  | 'ERR_AGUI_BODY_TOO_LARGE'
  | 'ERR_AGUI_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_AGUI_INVALID_DIALECT'
  | 'ERR_AGUI_UNKNOWN_AGENT'
  | 'ERR_AGUI_RUN_EXISTS'
  | 'ERR_AGUI_MISSING_RUN_ID'
  | 'ERR_AGUI_RUN_NOT_FOUND'
  | 'ERR_AGUI_INVALID_LAST_EVENT_ID'
  | 'ERR_AGUI_SHUTTING_DOWN'
  | 'ERR_AGUI_NOT_FOUND'
  | 'ERR_AGUI_METHOD_NOT_ALLOWED';

/**
 * A request `aguiStream()` refuses before streaming: answered as JSON `{ error: { code, message } }`
 * with `status`, which `@ag-ui/client` surfaces as `HTTP <status>: …`.
 */
export class AguiError extends Error {
  readonly code: AguiErrorCode;
  readonly status: number;
  readonly expose = true;

  constructor(status: number, code: AguiErrorCode, message: string) {
    super(`[@agentway/agui] ${message}`);
    this.name = 'AguiError';
    this.status = status;
    this.code = code;
  }
}
