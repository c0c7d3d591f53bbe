/** An abort reason that says why a run stopped; it becomes the `code` of its `run_error`. */
export class RunAbort extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'AbortError';
    this.code = code;
  }
}

export function abortInfo(reason: unknown): { code: string; message: string } {
  if (reason instanceof RunAbort) return { code: reason.code, message: reason.message };
  return { code: 'cancelled', message: 'the run was cancelled' };
}
