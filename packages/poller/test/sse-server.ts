import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type Listening } from '@agentway/testing';

export interface SseEventOut { id?: string; event?: string; data: string }

/** What the server does on connection number `n` (1-based): stream, drop after what is due, or answer a status. */
export type Behaviour = 'stream' | 'stream-and-drop' | 'stream-and-end' | 'replay-all' | { status: number; contentType?: string; body?: string };

/**
 * A scripted SSE server over node:http: it keeps a log of events, streams those after the
 * request's Last-Event-ID (then new ones as they are pushed), and records every connection.
 */
export async function sseServer(behave: (n: number) => Behaviour) {
  const log: SseEventOut[] = [];
  const open = new Set<ServerResponse>();
  const connections: Array<{ lastEventId: string | null; authorization: string | null; accept: string | null; status: number }> = [];
  const frame = (e: SseEventOut) => `${e.id !== undefined ? `id: ${e.id}\n` : ''}${e.event ? `event: ${e.event}\n` : ''}${e.data.split('\n').map((l) => `data: ${l}\n`).join('')}\n`;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const n = connections.length + 1;
    const b = behave(n);
    const lastEventId = (req.headers['last-event-id'] as string | undefined) ?? null;
    const status = typeof b === 'object' ? b.status : 200;
    connections.push({ lastEventId, authorization: req.headers.authorization ?? null, accept: req.headers.accept ?? null, status });
    if (typeof b === 'object') {
      res.writeHead(b.status, { 'content-type': b.contentType ?? 'text/plain' }).end(b.body ?? 'unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': hello\nretry: 10\n\n');
    const start = b === 'replay-all' || lastEventId === null ? 0 : log.findIndex((e) => e.id === lastEventId) + 1;
    if (b === 'stream-and-end') { // what was due, 1,000 events to a write with back-pressure, then the end
      const due = log.slice(start);
      let at = 0;
      const pump = () => {
        while (at < due.length) {
          const batch = due.slice(at, at += 1_000).map(frame).join('');
          if (!res.write(batch)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    res.write(log.slice(start).map(frame).join(''));
    if (b === 'stream-and-drop') {
      res.socket?.end(); // flushes what was written, then cuts the connection mid-response
      return;
    }
    open.add(res);
    res.on('close', () => open.delete(res));
  };
  const server: Listening = await listen(handler);
  return {
    url: `${server.url}/events`,
    connections,
    log,
    /** Appends to the log and sends to the open streams. */
    push(...events: SseEventOut[]) {
      log.push(...events);
      for (const res of open) res.write(events.map(frame).join(''));
    },
    /** Appends many events to the log (not sent to open streams). */
    load(events: SseEventOut[]) {
      for (const e of events) log.push(e);
    },
    /** Writes raw bytes to the open streams. */
    raw(text: string) {
      for (const res of open) res.write(text);
    },
    openStreams: () => open.size,
    close: () => server.close(),
  };
}

/** Collects messages; `until(n)` resolves once n have arrived. */
export function collector<T>() {
  const items: T[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    items,
    add(item: T) {
      items.push(item);
      for (const w of waiters.filter((x) => items.length >= x.n)) w.resolve();
    },
    until(n: number): Promise<void> {
      if (items.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

/** Resolves once `condition()` holds, checking after each turn of the event loop (for I/O, not time). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
