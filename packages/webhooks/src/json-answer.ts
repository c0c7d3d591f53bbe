import type { Response } from 'express';

/** A JSON answer serialised once (the fixed acknowledgements), sent without Express's per-call stringify and ETag. */
export interface JsonAnswer {
  readonly body: Buffer;
  readonly headers: readonly string[];
}

/** Serialises an answer once. */
export function jsonAnswer(value: unknown): JsonAnswer {
  const body = Buffer.from(JSON.stringify(value));
  return Object.freeze({ body, headers: Object.freeze(['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(body.length)]) });
}

/** Sends a prebuilt JSON answer with status 200 (headers set earlier, `X-Powered-By` say, are kept). */
export function sendJsonAnswer(res: Response, answer: JsonAnswer): void {
  res.writeHead(200, answer.headers as string[]);
  res.end(answer.body);
}

/** `{"received":true}`: the delivery is stored (or handled). */
export const RECEIVED = jsonAnswer({ received: true });
/** `{"received":true,"duplicate":true}`: the delivery id was claimed before. */
export const DUPLICATE = jsonAnswer({ received: true, duplicate: true });
