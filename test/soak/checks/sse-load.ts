import { Agent } from 'undici';
import type { SoakServer } from '../soak-server';
import { baseline, Check, kb, settle, sleep, type CheckResult } from './common';
import { PROTOCOLS, runStream, type StreamOutcome } from './streams';

export interface SseLoadSize {
  /** Streams open at once (a third each OpenAI, AG-UI, A2A). */
  streams: number;
  /** How long each stream lasts: one piece a second. */
  seconds: number;
}

/**
 * `streams` concurrent SSE streams for `seconds` s: each a ticker run of one piece a second, a
 * third on each protocol. Every stream must get all its pieces and its protocol's success end;
 * the server's memory per open stream is measured once they are all open; afterwards the server
 * must be back where it started.
 */
export async function sseLoad(server: SoakServer, size: SseLoadSize): Promise<CheckResult> {
  const check = new Check(`${size.streams} concurrent SSE streams for ${size.seconds} s`);
  const dispatcher = new Agent({ connections: null, pipelining: 0, keepAliveTimeout: 1_000, bodyTimeout: 0, headersTimeout: 30_000 });
  // A short burst at the same concurrency first: V8's optimised code and Node's pool of HTTP
  // parsers (up to 1000) grow once, on the first load of that size, and stay — not per stream.
  const burst: Promise<unknown>[] = [];
  for (let i = 0; i < size.streams; i++) {
    burst.push(runStream(dispatcher, server.url, PROTOCOLS[i % PROTOCOLS.length]!, 2, 200));
    if (i % 100 === 99) await sleep(20);
  }
  await Promise.all(burst);
  const start = await baseline(server);
  let open = 0;
  let allOpen!: () => void;
  const opened = new Promise<void>((resolve) => { allOpen = resolve; });
  const began = Date.now();
  const outcomes: Promise<StreamOutcome>[] = [];
  for (let i = 0; i < size.streams; i++) {
    const protocol = PROTOCOLS[i % PROTOCOLS.length]!;
    outcomes.push(runStream(dispatcher, server.url, protocol, size.seconds, 1_000, { onFirstPiece: () => { if (++open === size.streams) allOpen(); } }));
    if (i % 100 === 99) await sleep(20); // a ramp: the listen backlog is 511
  }
  const first = await Promise.race([opened.then(() => true), sleep(30_000 + size.seconds * 1_000).then(() => false)]);
  check.expect(first, `only ${open} of ${size.streams} streams got their first piece`);
  check.figure('all open after', `${((Date.now() - began) / 1000).toFixed(1)} s`);
  const loaded = await server.stats();
  const perStream = (loaded.memory.heapUsed - start.memory.heapUsed) / size.streams;
  const perStreamRss = (loaded.memory.rss - start.memory.rss) / size.streams;
  check.figure('server memory per open stream (heap)', kb(perStream));
  check.figure('server memory per open stream (RSS)', kb(perStreamRss));
  check.figure('open connections (server)', loaded.connections);
  const results = await Promise.all(outcomes);
  const completed = results.filter((r) => r.end === 'completed' && r.pieces === size.seconds).length;
  check.figure('streams completed with every piece', `${completed} / ${size.streams}`);
  check.figure('duration', `${((Date.now() - began) / 1000).toFixed(1)} s`);
  for (const r of results) {
    check.expect(r.end === 'completed' && r.pieces === size.seconds, `${r.protocol} stream: ${r.end}${r.code ? ` (${r.code})` : ''} after ${r.pieces} of ${size.seconds} pieces (HTTP ${r.status})`);
  }
  await dispatcher.close();
  await settle(check, server, start);
  return check.result();
}
