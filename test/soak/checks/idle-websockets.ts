import WebSocket from 'ws';
import type { SoakServer } from '../soak-server';
import { baseline, Check, kb, pool, settle, type CheckResult } from './common';

/** Opens `count` LangStream consume sockets, `concurrency` handshakes at a time. */
async function openSockets(url: string, count: number): Promise<WebSocket[]> {
  return pool(Array.from({ length: count }), 200, () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/consume/t/a/out`, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  }));
}

async function closeAll(sockets: readonly WebSocket[]): Promise<number[]> {
  return Promise.all(sockets.map((ws) => new Promise<number>((resolve) => {
    ws.once('close', (code) => resolve(code));
    ws.close(1000);
  })));
}

/**
 * `count` idle LangStream WebSockets (consumers of a quiet topic): the server's memory per socket
 * once they are all open; one record published then reaches every one of them; they close
 * cleanly, and the server is back where it started.
 */
export async function idleWebSockets(server: SoakServer, count: number): Promise<CheckResult> {
  const check = new Check(`${count} idle WebSockets`);
  await closeAll(await openSockets(server.url, Math.min(count, 1000))); // a burst first (compiled code, pools)
  const start = await baseline(server);
  const began = Date.now();
  const sockets = await openSockets(server.url, count);
  check.figure('all open after', `${((Date.now() - began) / 1000).toFixed(1)} s`);
  const loaded = await server.stats();
  check.figure('server memory per idle socket (heap)', kb((loaded.memory.heapUsed - start.memory.heapUsed) / count));
  check.figure('server memory per idle socket (RSS)', kb((loaded.memory.rss - start.memory.rss) / count));
  check.expect(loaded.connections === count, `${loaded.connections} connections on the server for ${count} sockets`);
  // Idle, not dead: one record to the topic reaches every socket.
  const received = Promise.all(sockets.map((ws) => new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))))));
  const producer = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/produce/t/a/in`);
  await new Promise((resolve, reject) => { producer.once('open', resolve); producer.once('error', reject); });
  producer.send(JSON.stringify({ value: 'wake up' }));
  const frames = await received;
  const woke = frames.filter((f) => (JSON.parse(f) as { record?: { value?: unknown } }).record?.value === 'wake up').length;
  check.figure('sockets that got the record', `${woke} / ${count}`);
  check.expect(woke === count, `${count - woke} sockets did not get the record`);
  const codes = await closeAll([...sockets, producer]);
  check.expect(codes.every((code) => code === 1000), `close codes other than 1000: ${[...new Set(codes)].join(', ')}`);
  await settle(check, server, start);
  return check.result();
}
