import { Agent } from 'undici';
import WebSocket from 'ws';
import type { SoakServer } from '../soak-server';
import { PROTOCOLS, runStream } from './streams';

/**
 * One of everything before the first baseline: each protocol's stream, a webhook delivery, a
 * WebSocket — so that what loads lazily (modules, compiled code, caches) is not counted as load.
 */
export async function warmUp(server: SoakServer): Promise<void> {
  const dispatcher = new Agent({ keepAliveTimeout: 100 });
  for (let round = 0; round < 3; round++) {
    await Promise.all(PROTOCOLS.map((protocol) => runStream(dispatcher, server.url, protocol, 3, 10)));
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/consume/t/a/out`);
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
    const res = await fetch(`${server.url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.text();
  }
  await dispatcher.close();
}
