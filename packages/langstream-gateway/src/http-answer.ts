import type { Response } from 'express';
import { asRequestError, RequestError } from './langstream-error';
import { problemDetail, statusOf, statusText } from './problem-detail';
import { ProduceError } from './produce-request';

/**
 * Answers a failed HTTP call as LangStream does, with a ProblemDetail: 400 for an invalid request
 * or produce request, 401 (`401 UNAUTHORIZED "<reason>"`), 500 for a producer error, 504 when a
 * service call timed out, and a body parser's own status (413 over the limit). Returns false when
 * the answer has begun already (the caller passes the error to `next`).
 */
export function answerError(res: Response, err: unknown, instance: string): boolean {
  if (res.headersSent) return false;
  let status: number;
  let detail: string;
  const httpStatus = (err as { status?: unknown; expose?: unknown } | null)?.status;
  if (err instanceof ProduceError) {
    status = err.status === 'BAD_REQUEST' ? 400 : 500;
    detail = err.message;
  } else if (typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500 && !(err instanceof RequestError)) {
    status = httpStatus;
    detail = (err as Error).message;
  } else {
    const error = asRequestError(err);
    status = statusOf(error, 'http');
    detail = error.kind === 'auth' ? statusText(401, error.message) : error.kind === 'timeout' ? 'Request timed out' : error.message;
  }
  res.status(status).type('application/problem+json').send(problemDetail(status, detail, instance));
  return true;
}
