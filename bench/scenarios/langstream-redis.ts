import WebSocket from 'ws';
import type { Result, Scenario } from '../harness';
import { startApp, stopApp } from '../http-load';
import { withPrefix } from '../redis-bench';

const message = JSON.stringify({ value: 'The quick brown fox jumps over the lazy dog; a token streamed to a client.' });

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * As `relayRun()` of bench/scenarios/langstream.ts, for any app: one producer socket sends
 * `records` messages (never more than `window` ahead of the slowest consumer) while `consumers`
 * sockets receive them; records/s from the first send to the last delivery.
 */
async function relayRun(app: string, side: string, consumers: number, records: number, window = 2000): Promise<Result> {
  const { port, child } = await startApp(app, side);
  const base = `ws://127.0.0.1:${port}/v1`;
  const sockets: WebSocket[] = [];
  try {
    const readers = await Promise.all(Array.from({ length: consumers }, () => open(`${base}/consume/bench/app/out`)));
    sockets.push(...readers);
    const producer = await open(`${base}/produce/bench/app/in`);
    sockets.push(producer);
    producer.on('message', () => undefined); // the gateway's acks
    const received = new Array<number>(consumers).fill(0);
    let slowest = 0;
    let sent = 0;
    let wake: (() => void) | undefined;
    const done = new Promise<void>((resolve) => {
      let finished = 0;
      readers.forEach((ws, i) => ws.on('message', () => {
        const count = ++received[i]!;
        if (count === records && ++finished === consumers) resolve();
        if (wake && count > slowest) {
          slowest = Math.min(...received);
          if (slowest + window > sent) { const w = wake; wake = undefined; w(); }
        }
      }));
    });
    const start = process.hrtime.bigint();
    while (sent < records) {
      const batch = Math.min(records - sent, 100);
      for (let i = 0; i < batch; i++) producer.send(message);
      sent += batch;
      if (sent - slowest >= window) await new Promise<void>((resolve) => { wake = resolve; slowest = Math.min(...received); if (slowest + window > sent) { wake = undefined; resolve(); } });
    }
    await done;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { throughput: records / seconds, extra: { deliveries_per_s: Math.round((records * consumers) / seconds) } };
  } finally {
    for (const ws of sockets) ws.terminate();
    await stopApp(child);
  }
}

const onRedis = (consumers: number, records: number) => () =>
  withPrefix('langstream', (prefix) => relayRun('langstream-redis', `gateway ${prefix}`, consumers, records));

/**
 * Issue 9: bench/scenarios/langstream.ts's rows again, with the gateway on the Redis broker (same
 * baseline). Issue 9 sets no target on them (the memory row's is ≥ 0.70×): every record now goes
 * through Redis, which shares the machine.
 */
export const scenarios: Scenario[] = [
  {
    name: 'langstream: produce → consume over WebSocket (Redis broker) vs a bare ws relay',
    issue: 9,
    unit: 'records/s',
    baseline: { label: 'bare ws relay', run: () => relayRun('langstream', 'relay', 1, 100_000) },
    subject: { label: 'langstreamGateway on Redis', run: onRedis(1, 100_000) },
  },
  {
    name: 'langstream: one producer fanned out to 100 consumers (Redis broker) vs a bare ws relay',
    issue: 9,
    unit: 'records/s',
    baseline: { label: 'bare ws relay', run: () => relayRun('langstream', 'relay', 100, 5_000) },
    subject: { label: 'langstreamGateway on Redis', run: onRedis(100, 5_000) },
  },
];
