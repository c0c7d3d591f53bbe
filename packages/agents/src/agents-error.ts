export type AgentsErrorCode =
  | 'ERR_AGENTS_UNKNOWN_AGENT'
  | 'ERR_AGENTS_RUN_NOT_FOUND'
  | 'ERR_AGENTS_RUN_EXISTS'
  | 'ERR_AGENTS_INVALID_INPUT'
  | 'ERR_AGENTS_CLOSED';

/** An error of the agents runtime, with a stable `code`. */
export class AgentsError extends Error {
  readonly code: AgentsErrorCode;

  constructor(code: AgentsErrorCode, message: string) {
    super(`[@agentway/agents] ${message}`);
    this.name = 'AgentsError';
    this.code = code;
  }
}
