import type { RequestListener } from 'node:http';

/** Events per stream, written 1,000 to a write (the source is not what is measured). */
export const SSE_EVENTS = 300_000;
const BATCH = 1_000;

/**
 * An upstream SSE source for the poller listener benchmarks: `GET /events` streams SSE_EVENTS
 * events (id, name, ~70-byte JSON data) after the request's Last-Event-ID, then ends. Both sides
 * read the same source; the side argument is ignored.
 */
export async function createApp(_side: string): Promise<RequestListener> {
  const frames: string[] = [];
  for (let i = 1; i <= SSE_EVENTS; i++) frames.push(`id: ${i}\nevent: price\ndata: {"symbol":"ACME","price":${(100 + (i % 997) / 100).toFixed(2)},"seq":${i}}\n\n`);
  const batches: Buffer[] = [];
  for (let i = 0; i < frames.length; i += BATCH) batches.push(Buffer.from(frames.slice(i, i + BATCH).join('')));
  return function sseSource(_req, res) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let next = 0;
    const pump = () => {
      while (next < batches.length) if (!res.write(batches[next++]!)) return void res.once('drain', pump);
      res.end();
    };
    pump();
  };
}
