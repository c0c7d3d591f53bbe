import { A2AClientError } from './a2a-client-error';
import { readSse, SseError } from '@agentway/sse';
import type { Message, StreamResponse } from './a2a-types';
import { streamFromLegacy, taskFromLegacy } from './legacy-results';
import { messageToLegacy } from './legacy-wire';

/** The JSON-RPC calls `A2AClient` makes, by their 1.0 names. */
export type ClientMethod = 'SendMessage' | 'SendStreamingMessage' | 'GetTask' | 'CancelTask' | 'SubscribeToTask';

const LEGACY_NAMES: Record<ClientMethod, string> = {
  SendMessage: 'message/send',
  SendStreamingMessage: 'message/stream',
  GetTask: 'tasks/get',
  CancelTask: 'tasks/cancel',
  SubscribeToTask: 'tasks/resubscribe',
};

/** What every request of a client shares: its fetch, its headers, its SSE size limit. */
export interface TransportContext {
  readonly fetch: typeof fetch;
  readonly headers: (url: string) => Promise<Record<string, string>>;
  readonly maxEventSize: number;
}

type Json = Record<string, unknown>;

/**
 * JSON-RPC over HTTP to one agent interface, in its wire version: 1.0 (PascalCase methods, the
 * 1.0 objects) or 0.3 (`message/send`…, `kind`-tagged objects translated both ways), with
 * `A2A-Version` on every request. Results come back as 1.0 objects.
 */
export class RpcTransport {
  private nextId = 1;

  constructor(readonly url: string, readonly version: '1.0' | '0.3', private readonly context: TransportContext) {}

  /** One call: its result (a 1.0 `{ task }` / `{ message }` for SendMessage, a Task otherwise). */
  async call(method: ClientMethod, params: Json, signal?: AbortSignal): Promise<unknown> {
    const id = this.nextId++;
    const res = await this.post(method, params, id, 'application/json', signal);
    const body = await readJson(res);
    const result = checkResponse(body, id, res.status);
    if (this.version === '1.0') return result;
    return method === 'SendMessage' ? streamFromLegacy(result) ?? invalid('message/send answered neither a task nor a message') : taskFromLegacy(result as Json);
  }

  /** A streaming call: its frames as 1.0 StreamResponses, until the server ends the stream. */
  async *stream(method: 'SendStreamingMessage' | 'SubscribeToTask', params: Json, signal?: AbortSignal): AsyncGenerator<StreamResponse> {
    const id = this.nextId++;
    const res = await this.post(method, params, id, 'text/event-stream', signal);
    if (!res.headers.get('content-type')?.startsWith('text/event-stream') || !res.body) {
      const result = checkResponse(await readJson(res), id, res.status);
      yield (this.version === '1.0' ? result : streamFromLegacy(result)) as StreamResponse;
      return;
    }
    try {
      for await (const { data } of readSse(res.body, { maxEventSize: this.context.maxEventSize })) {
        const result = checkResponse(parse(data), id, res.status);
        const frame = this.version === '1.0' ? result as StreamResponse : streamFromLegacy(result);
        if (!frame || typeof frame !== 'object') invalid(`a stream frame holds no task, message or update: ${data.slice(0, 200)}`);
        yield frame;
      }
    } catch (err) {
      if (err instanceof SseError) invalid(`a server-sent event is larger than ${this.context.maxEventSize} characters`);
      throw err;
    }
  }

  private async post(method: ClientMethod, params: Json, id: number, accept: string, signal?: AbortSignal): Promise<Response> {
    const legacy = this.version === '0.3';
    const body = { jsonrpc: '2.0', id, method: legacy ? LEGACY_NAMES[method] : method, params: legacy ? legacyParams(params) : params };
    const headers = { ...(await this.context.headers(this.url)), 'Content-Type': 'application/json', Accept: accept, 'A2A-Version': this.version };
    try {
      return await this.context.fetch(this.url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError' || signal?.aborted) throw err;
      throw new A2AClientError('ERR_A2A_UNREACHABLE', `cannot reach ${this.url}: ${(err as Error)?.message}`, { cause: err });
    }
  }
}

function legacyParams(params: Json): Json {
  if (params.message === undefined) return params;
  const configuration = (params.configuration ?? {}) as Json;
  const { returnImmediately, ...rest } = configuration;
  return { ...params, message: messageToLegacy(params.message as Message), configuration: { ...rest, blocking: returnImmediately !== true } };
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    if (!res.ok) throw new A2AClientError('ERR_A2A_HTTP_ERROR', `HTTP ${res.status} from ${res.url}: ${text.slice(0, 200)}`, { status: res.status });
    return invalid(`the answer is not JSON: ${text.slice(0, 200)}`);
  }
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return invalid(`a stream frame is not JSON: ${data.slice(0, 200)}`);
  }
}

function checkResponse(body: unknown, id: number, status: number): unknown {
  const response = body as { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
  if (typeof response !== 'object' || response === null) return invalid('the answer is not a JSON-RPC response');
  if (response.error !== undefined) {
    const { code, message, data } = response.error ?? {};
    throw new A2AClientError('ERR_A2A_RPC_ERROR', `${typeof message === 'string' ? message : 'JSON-RPC error'} (${String(code)})`, {
      rpcCode: typeof code === 'number' ? code : undefined, rpcData: data, ...(status >= 300 && { status }),
    });
  }
  if (status >= 300) throw new A2AClientError('ERR_A2A_HTTP_ERROR', `HTTP ${status}`, { status });
  if (response.id !== id) return invalid(`the answer's id ${JSON.stringify(response.id)} is not the request's (${id})`);
  if (response.result === undefined) return invalid('the answer has neither a result nor an error');
  return response.result;
}

function invalid(message: string): never {
  throw new A2AClientError('ERR_A2A_INVALID_RESPONSE', message);
}
