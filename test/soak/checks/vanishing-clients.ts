import { connect } from 'node:net';
import { Agent } from 'undici';
import WebSocket from 'ws';
import type { SoakServer } from '../soak-server';
import { baseline, Check, pool, settle, sleep, until, type CheckResult } from './common';
import { sample, scrape, total } from './metrics-text';
import { PROTOCOLS, runStream, type StreamProtocol } from './streams';

/** Sends a request's head and half its body on a raw socket, then drops the connection. */
function halfRequest(base: string, path: string, headers: Record<string, string>): Promise<void> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      const head = Object.entries({ host: `${hostname}:${port}`, 'content-type': 'application/json', 'content-length': '4096', ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n{"model":"echo","messages":[{"role":"user","con`);
      setTimeout(() => { socket.destroy(); resolve(); }, 20);
    });
    socket.on('error', () => resolve());
  });
}

/**
 * Clients that vanish: `each` streams per protocol left after their first piece (an OpenAI run
 * is then cancelled; AG-UI and A2A runs go on to their end), requests dropped halfway through
 * their body, WebSockets cut without a close frame. Afterwards no stream, socket, run or timer may
 * be left on the server.
 */
export async function vanishingClients(server: SoakServer, each: number): Promise<CheckResult> {
  const check = new Check(`clients that vanish mid-stream (${each} per kind)`);
  const start = await baseline(server);
  const before = await scrape(server.url);
  const dispatcher = new Agent({ connections: null, keepAliveTimeout: 500 });
  const left = await pool(Array.from({ length: each * PROTOCOLS.length }), 100, async (_, i) => {
    const protocol: StreamProtocol = PROTOCOLS[i % PROTOCOLS.length]!;
    const controller = new AbortController();
    const outcome = await runStream(dispatcher, server.url, protocol, 20, 50, { signal: controller.signal, onFirstPiece: () => controller.abort() });
    return outcome.end === 'cut' && outcome.pieces === 1;
  });
  check.expect(left.every(Boolean), `${left.filter((l) => !l).length} streams did not end as the client left after the first piece`);
  await pool(Array.from({ length: each }), 50, async () => {
    await halfRequest(server.url, '/v1/chat/completions', {});
    await halfRequest(server.url, '/agui/runs', { accept: 'text/event-stream' });
    await halfRequest(server.url, '/a2a/echo/', { 'a2a-version': '1.0' });
    await halfRequest(server.url, '/webhooks/stripe', { 'stripe-signature': 't=1,v1=00' });
  });
  const ws = `${server.url.replace(/^http/, 'ws')}/v1`;
  await pool(Array.from({ length: each }), 50, async (_, i) => {
    const socket = new WebSocket(`${ws}/${i % 2 === 0 ? 'consume' : 'produce'}/t/a/${i % 2 === 0 ? 'out' : 'in'}`);
    await new Promise((resolve) => { socket.once('open', resolve); socket.once('error', resolve); });
    if (i % 2 === 1) socket.send('{"value":'); // a frame cut short, then the socket
    socket.terminate();
  });
  await dispatcher.close();
  // The OpenAI runs are cancelled; the AG-UI and A2A runs (20 × 50 ms) run to their end.
  const settled = await until(async () => {
    const m = await scrape(server.url);
    return total(m, 'agentway_open_streams') === 0 && total(m, 'agentway_open_websockets') === 0
      && total(m, 'agentway_runs_started_total') - total(before, 'agentway_runs_started_total')
        === (total(m, 'agentway_runs_completed_total') - total(before, 'agentway_runs_completed_total'))
        + (total(m, 'agentway_runs_failed_total') - total(before, 'agentway_runs_failed_total'));
  }, 15_000);
  const after = await scrape(server.url);
  check.expect(settled, 'streams, sockets or runs still open after the clients left');
  const delta = (series: string) => sample(after, series) - sample(before, series);
  check.figure('OpenAI runs cancelled', `${delta('agentway_runs_failed_total{agent="ticker",code="cancelled"}')} / ${each}`);
  check.figure('AG-UI and A2A runs completed', `${delta('agentway_runs_completed_total{agent="ticker"}')} / ${2 * each}`);
  check.expect(delta('agentway_runs_failed_total{agent="ticker",code="cancelled"}') === each, 'not every OpenAI run was cancelled when its client left');
  check.expect(delta('agentway_runs_completed_total{agent="ticker"}') === 2 * each, 'not every AG-UI and A2A run completed after its client left');
  await sleep(100);
  await settle(check, server, start);
  return check.result();
}
