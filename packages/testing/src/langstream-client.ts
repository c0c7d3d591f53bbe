import WebSocket from 'ws';
import { boolean, checkOptions, number } from '@agentway/options';
import { TestingError } from './testing-error';

/** A record as a LangStream consume gateway pushes it. */
export interface LangStreamRecord<V = unknown> {
  key: string | null;
  value: V;
  headers: Record<string, string>;
}

/** A consume/chat push message: the record and its resumable offset. */
export interface ConsumePushMessage<V = unknown> {
  record: LangStreamRecord<V>;
  offset: string | null;
}

/** A produce/chat gateway's answer to each message sent. */
export interface ProduceResponse {
  status: 'OK' | 'BAD_REQUEST' | 'PRODUCER_ERROR';
  reason: string | null;
}

/** What a client sends to produce. */
export interface ProduceRequestMessage {
  key?: unknown;
  value?: unknown;
  headers?: Record<string, string>;
}

/** Query string entries: `param:<name>`, `option:position`, `credentials`, `test-credentials`. */
export type GatewayQuery = Readonly<Record<string, string>>;

/** How long to wait, and which paths to use. */
export interface LangStreamClientOptions {
  /** How long to wait for a handshake, a frame or a close, in ms. Default 2000. */
  timeout?: number;
  /** Use the documented paths without `/v1` (`/consume/…`). */
  withoutV1?: boolean;
}

/** A handshake the gateway refused: its HTTP status and body. */
export interface RefusedHandshake {
  status: number;
  body: string;
}

type Waiter<T> = { resolve(value: T): void; reject(err: Error): void };

/** A frame queue with timed waits. */
class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private failure: Error | undefined;

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(item);
    else this.items.push(item);
  }

  fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
  }

  next(timeout: number, what: string): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new TestingError('ERR_TESTING_TIMEOUT', `no ${what} within ${timeout} ms`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }
}

/**
 * One produce, consume or chat socket. Frames are sorted as the LangStream CLI sorts them:
 * produce responses (`status`) and pushed records (`record`).
 */
export class LangStreamSocket {
  private readonly responses = new Inbox<ProduceResponse>();
  private readonly pushed = new Inbox<ConsumePushMessage>();
  /** Resolves with the close code and reason once the socket has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket, private readonly timeout: number) {
    ws.on('message', (data) => {
      let frame: ProduceResponse | ConsumePushMessage;
      try {
        frame = JSON.parse(data.toString()) as ProduceResponse | ConsumePushMessage;
      } catch {
        const err = new TestingError('ERR_TESTING_INVALID_FRAME', `a frame that is not JSON: ${data.toString().slice(0, 120)}`);
        this.responses.fail(err);
        this.pushed.fail(err);
        return;
      }
      if ('record' in frame) this.pushed.push(frame);
      else this.responses.push(frame);
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        const err = new TestingError('ERR_TESTING_SOCKET_CLOSED', `the socket closed (${code} ${reason.toString()})`);
        this.responses.fail(err);
        this.pushed.fail(err);
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('error', () => undefined);
  }

  /** Sends a produce request (an object is sent as JSON, a string as it is). */
  send(message: ProduceRequestMessage | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends and waits for the answer to it (responses come in the order of the messages). */
  async produce(message: ProduceRequestMessage | string): Promise<ProduceResponse> {
    this.send(message);
    return this.nextResponse();
  }

  /** The next produce response; `ERR_TESTING_TIMEOUT` after `timeout` ms, `ERR_TESTING_SOCKET_CLOSED` if the socket closes first. */
  nextResponse(): Promise<ProduceResponse> {
    return this.responses.next(this.timeout, 'produce response');
  }

  /** The next pushed record and its offset; `ERR_TESTING_TIMEOUT` after `timeout` ms, `ERR_TESTING_SOCKET_CLOSED` if the socket closes first. */
  nextRecord<V = unknown>(): Promise<ConsumePushMessage<V>> {
    return this.pushed.next(this.timeout, 'record') as Promise<ConsumePushMessage<V>>;
  }

  /** The next `count` records. */
  async records<V = unknown>(count: number): Promise<ConsumePushMessage<V>[]> {
    const records: ConsumePushMessage<V>[] = [];
    while (records.length < count) records.push(await this.nextRecord<V>());
    return records;
  }

  /** Closes (1000) and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const timer = setTimeout(() => this.ws.terminate(), this.timeout);
    this.ws.close(1000);
    await this.closed;
    clearTimeout(timer);
  }
}

/** Opens LangStream gateway sockets against a server; `close()` closes every one of them. */
export interface LangStreamClient {
  /** Opens a produce socket; `path` is `<tenant>/<application>/<gateway>`. `ERR_TESTING_HANDSHAKE_REFUSED` if refused. */
  produce(path: string, query?: GatewayQuery): Promise<LangStreamSocket>;
  /** Opens a consume socket (`{ 'option:position': 'earliest' }` to read from the start). */
  consume(path: string, query?: GatewayQuery): Promise<LangStreamSocket>;
  /** Opens a chat socket: produce questions, receive answers. */
  chat(path: string, query?: GatewayQuery): Promise<LangStreamSocket>;
  /** Opens a socket expected to be refused at the handshake, and tells how. */
  refused(type: 'produce' | 'consume' | 'chat', path: string, query?: GatewayQuery): Promise<RefusedHandshake>;
  /** Closes every socket it opened and waits for the closes. */
  close(): Promise<void>;
}

/**
 * A LangStream WebSocket client for tests (`ws` underneath): `baseUrl` is the server's
 * `http://127.0.0.1:<port>` (e.g. from `listen()`).
 *
 * ```ts
 * const client = langstreamClient(server.url);
 * const consumer = await client.consume('acme/chat/answers', { 'option:position': 'earliest' });
 * const { record } = await consumer.nextRecord();
 * await client.close();
 * ```
 */
export function langstreamClient(baseUrl: string, options: LangStreamClientOptions = {}): LangStreamClient {
  const checked = checkOptions('testing', options, { timeout: number({ min: 1 }), withoutV1: boolean() });
  const timeout = checked.timeout ?? 2000;
  const sockets = new Set<LangStreamSocket>();
  const urlOf = (type: string, path: string, query: GatewayQuery = {}) => {
    const search = new URLSearchParams(query).toString();
    return `${baseUrl.replace(/^http/, 'ws')}${checked.withoutV1 ? '' : '/v1'}/${type}/${path}${search ? `?${search}` : ''}`;
  };
  /** Opens a socket; its frames are queued from the first one (they may come with the handshake). */
  const handshake = (type: string, path: string, query?: GatewayQuery) => new Promise<LangStreamSocket | RefusedHandshake>((resolve, reject) => {
    const ws = new WebSocket(urlOf(type, path, query));
    const socket = new LangStreamSocket(ws, timeout);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new TestingError('ERR_TESTING_TIMEOUT', `no handshake within ${timeout} ms`));
    }, timeout);
    ws.once('open', () => { clearTimeout(timer); resolve(socket); });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, body }); });
    });
    ws.once('error', (err) => { clearTimeout(timer); reject(err); });
  });
  const open = async (type: string, path: string, query?: GatewayQuery) => {
    const result = await handshake(type, path, query);
    if (!(result instanceof LangStreamSocket)) throw new TestingError('ERR_TESTING_HANDSHAKE_REFUSED', `the handshake of ${type}/${path} was refused: ${result.status} ${result.body}`);
    sockets.add(result);
    return result;
  };
  return {
    produce: (path, query) => open('produce', path, query),
    consume: (path, query) => open('consume', path, query),
    chat: (path, query) => open('chat', path, query),
    async refused(type, path, query) {
      const result = await handshake(type, path, query);
      if (result instanceof LangStreamSocket) {
        result.ws.terminate();
        throw new TestingError('ERR_TESTING_HANDSHAKE_ACCEPTED', `the handshake of ${type}/${path} was accepted`);
      }
      return result;
    },
    async close() {
      await Promise.all([...sockets].map((s) => s.close()));
      sockets.clear();
    },
  };
}
