export type BrokerErrorCode =
  | 'ERR_BROKER_CLOSED'
  | 'ERR_BROKER_RECORDS_TRIMMED'
  | 'ERR_BROKER_INVALID_OFFSET'
  | 'ERR_BROKER_INVALID_TOPIC'
  | 'ERR_BROKER_INVALID_MESSAGE'
  | 'ERR_BROKER_NOT_A_GROUP'
  | 'ERR_BROKER_REQUEST_TIMEOUT'
  | 'ERR_BROKER_UNAVAILABLE';

/** An error from a broker operation, with a stable `code`. */
export class BrokerError extends Error {
  readonly code: BrokerErrorCode;

  constructor(code: BrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[@agentway/broker] ${message}`, options);
    this.name = 'BrokerError';
    this.code = code;
  }
}
