import { json, leaksStack, type Exchange } from './exchange';

/**
 * Each protocol's error shape, as a predicate on an HTTP answer: `undefined` when the answer is
 * an error in that shape, else what is wrong with it. None may carry a stack trace.
 */
export type ShapeCheck = (answer: Exchange & { kind: 'answer' }) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nullableString = (v: unknown) => v === null || typeof v === 'string';

function common(answer: Exchange & { kind: 'answer' }, type: RegExp): { body?: Record<string, unknown>; problem?: string } {
  if (leaksStack(answer.body)) return { problem: `a stack trace in the body: ${answer.body.slice(0, 200)}` };
  if (!type.test(answer.type)) return { problem: `Content-Type ${JSON.stringify(answer.type)}` };
  const body = json(answer.body);
  if (!isObject(body)) return { problem: `not a JSON object: ${answer.body.slice(0, 120)}` };
  return { body };
}

/** OpenAI: `{"error":{"message","type","param","code"}}`, all four keys present. */
export const openaiError: ShapeCheck = (answer) => {
  const { body, problem } = common(answer, /^application\/json\b/);
  if (problem) return problem;
  const error = body!.error;
  if (!isObject(error) || typeof error.message !== 'string' || typeof error.type !== 'string' || !('param' in error) || !('code' in error)
    || !nullableString(error.param) || !nullableString(error.code)) {
    return `not OpenAI's error envelope: ${answer.body.slice(0, 160)}`;
  }
  return undefined;
};

/** AG-UI (before a stream starts) and webhooks: `{"error":{"code","message"}}`. */
export const codeMessageError: ShapeCheck = (answer) => {
  const { body, problem } = common(answer, /^application\/json\b/);
  if (problem) return problem;
  const error = body!.error;
  if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') return `not {"error":{"code","message"}}: ${answer.body.slice(0, 160)}`;
  return undefined;
};

/** JSON-RPC 2.0: `{"jsonrpc":"2.0","id","error":{"code": integer,"message"}}`. */
export const jsonRpcError: ShapeCheck = (answer) => {
  const { body, problem } = common(answer, /^application\/json\b/);
  if (problem) return problem;
  const { jsonrpc, id, error } = body!;
  if (jsonrpc !== '2.0' || !(id === null || typeof id === 'string' || typeof id === 'number')
    || !isObject(error) || !Number.isInteger(error.code) || typeof error.message !== 'string') {
    return `not a JSON-RPC error: ${answer.body.slice(0, 160)}`;
  }
  return undefined;
};

/** LangStream (Spring): a ProblemDetail `{"type","title","status","detail","instance"}` whose status is the answer's. */
export const problemDetail: ShapeCheck = (answer) => {
  const { body, problem } = common(answer, /^application\/problem\+json\b/);
  if (problem) return problem;
  const { type, title, status, detail, instance } = body!;
  if (typeof type !== 'string' || typeof title !== 'string' || status !== answer.status || typeof detail !== 'string' || typeof instance !== 'string') {
    return `not a ProblemDetail for ${answer.status}: ${answer.body.slice(0, 160)}`;
  }
  return undefined;
};

/**
 * An answer to a malformed request: a 4xx in the protocol's shape — or a 2xx when the input
 * happened to be valid (`okStatus` says which). Never a 5xx, never a hang, never a stack trace.
 */
export function judgeRefusal(outcome: Exchange, shape: ShapeCheck, okStatus: (status: number) => boolean = (s) => s >= 200 && s < 300): { ok: boolean; refused: boolean; problem?: string } {
  if (outcome.kind === 'timeout') return { ok: false, refused: false, problem: 'no answer in time (a hang)' };
  if (outcome.kind === 'error') return { ok: false, refused: false, problem: `the connection failed: ${outcome.message}` };
  if (okStatus(outcome.status)) {
    return leaksStack(outcome.body) ? { ok: false, refused: false, problem: 'a stack trace in a 2xx body' } : { ok: true, refused: false };
  }
  if (outcome.status < 400 || outcome.status > 499) return { ok: false, refused: false, problem: `HTTP ${outcome.status}: ${outcome.body.slice(0, 160)}` };
  const problem = shape(outcome);
  return problem === undefined ? { ok: true, refused: true } : { ok: false, refused: true, problem: `HTTP ${outcome.status}, ${problem}` };
}
