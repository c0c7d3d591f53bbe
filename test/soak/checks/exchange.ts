import { Agent, request } from 'node:http';

/** What one HTTP request got: its status, Content-Type and whole body — or that it hung or failed. */
export type Exchange =
  | { readonly kind: 'answer'; readonly status: number; readonly type: string; readonly body: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly message: string };

export interface ExchangeRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * HTTP requests on a small keep-alive pool, each bounded in time: a request not answered (to its
 * last byte) within `ms` is a hang. `close()` drops the pool's sockets.
 */
export class Exchanger {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16, keepAliveMsecs: 500 });

  constructor(private readonly base: string, private readonly ms = 15_000) {}

  send(req: ExchangeRequest): Promise<Exchange> {
    const url = new URL(this.base);
    return new Promise<Exchange>((resolve) => {
      const outgoing = request({
        host: url.hostname, port: url.port, method: req.method ?? 'POST', path: req.path, headers: req.headers, agent: this.agent,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ kind: 'answer', status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          resolve({ kind: 'error', message: err.message });
        });
      });
      const timer = setTimeout(() => {
        outgoing.destroy();
        resolve({ kind: 'timeout' });
      }, this.ms);
      outgoing.on('error', (err) => {
        clearTimeout(timer);
        resolve({ kind: 'error', message: err.message });
      });
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Parses JSON, or undefined. */
export function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A stack frame in a body: a leaked stack trace. */
export function leaksStack(body: string): boolean {
  return /\n\s+at |\\n\s+at /.test(body);
}
