/** What a client sends to produce (LangStream's `ProduceRequest`): key and value are any JSON. */
export interface ProduceRequest {
  readonly key?: unknown;
  readonly value?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** LangStream's `ProduceResponse` statuses. */
export type ProduceStatus = 'OK' | 'BAD_REQUEST' | 'PRODUCER_ERROR';

/** A produce that failed: answered as `{"status": …, "reason": …}` (the socket stays open). */
export class ProduceError extends Error {
  constructor(readonly status: Exclude<ProduceStatus, 'OK'>, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'ProduceError';
  }
}

const FIELDS = new Set(['key', 'value', 'headers']);

/**
 * Parses a produce frame or JSON body as LangStream's Jackson binding does: a JSON object with
 * `key`, `value` and `headers` only; header values are strings (numbers and booleans are coerced,
 * nulls dropped). Anything else is `BAD_REQUEST` "Error while parsing JSON payload: …" — including
 * `null`, which closes the socket with 1011 on LangStream.
 */
export function parseProduceRequest(payload: string): ProduceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (err) {
    throw new ProduceError('BAD_REQUEST', `Error while parsing JSON payload: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw parseError(`Cannot deserialize value of type \`ProduceRequest\` from ${Array.isArray(parsed) ? 'Array' : JSON.stringify(parsed)} value`);
  }
  const request = parsed as Record<string, unknown>;
  for (const name in request) {
    if (!FIELDS.has(name)) {
      throw parseError(`Unrecognized field "${name}" (class ProduceRequest), not marked as ignorable (3 known properties: "key", "value", "headers")`);
    }
  }
  const { headers } = request;
  if (headers === undefined || headers === null) return request;
  if (typeof headers !== 'object' || Array.isArray(headers)) throw parseError('Cannot deserialize value of type `java.util.Map` from non-object "headers"');
  const strings: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') strings[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') strings[name] = String(value);
    else if (value !== null) throw parseError(`Cannot deserialize value of type \`java.lang.String\` from ${Array.isArray(value) ? 'Array' : 'Object'} value (header "${name}")`);
  }
  return { key: request.key, value: request.value, headers: strings };
}

function parseError(message: string): ProduceError {
  return new ProduceError('BAD_REQUEST', `Error while parsing JSON payload: ${message}`);
}

/** The frame of a successful produce, built once. */
export const OK_RESPONSE = Buffer.from('{"status":"OK","reason":null}');

/** The frame of a failed produce. */
export function errorResponse(error: ProduceError): Buffer {
  return Buffer.from(JSON.stringify({ status: error.status, reason: error.message }));
}
