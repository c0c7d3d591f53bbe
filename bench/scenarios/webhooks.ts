import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { BENCH_SECRET } from '../apps/webhooks';
import type { Result, Scenario } from '../harness';
import { startApp, stopApp } from '../http-load';

/** A 4 KB Stripe-style event; each request gets its own id (deliveries are de-duplicated) and signature. */
const filler = 'x'.repeat(4096 - 330);
const [head, tail] = JSON.stringify({
  id: '@ID@', object: 'event', api_version: '2026-10-28', created: 1_790_000_000, type: 'payment_intent.succeeded', livemode: false,
  data: { object: { id: 'pi_3Q', object: 'payment_intent', amount: 2000, currency: 'eur', status: 'succeeded', description: filler } },
}, null, 2).split('"@ID@"') as [string, string];

let sequence = 0;

function signedDelivery(): { body: string; signature: string } {
  const body = `${head}"evt_${process.pid}_${++sequence}"${tail}`;
  const t = Math.floor(Date.now() / 1000);
  return { body, signature: `t=${t},v1=${createHmac('sha256', BENCH_SECRET).update(`${t}.${body}`).digest('hex')}` };
}

/** autocannon with a fresh signed delivery per request (signing happens in the load generator, the same for both sides). */
async function deliveries(side: string): Promise<Result> {
  const { port, child } = await startApp('webhooks', side);
  try {
    const options = {
      url: `http://127.0.0.1:${port}`,
      connections: 50,
      requests: [{
        method: 'POST' as const,
        path: '/webhooks/stripe',
        setupRequest(request: autocannon.Request) {
          const { body, signature } = signedDelivery();
          return { ...request, body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
        },
      }],
    };
    await autocannon({ ...options, duration: 1 });
    const result = await autocannon({ ...options, duration: 5 });
    const errors = result.errors + result.timeouts + result.non2xx;
    if (errors > 0) throw new Error(`webhooks/${side}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
    return { throughput: result.requests.average, p99: result.latency.p99 };
  } finally {
    await stopApp(child);
  }
}

if (Buffer.byteLength(signedDelivery().body) < 4000 || Buffer.byteLength(signedDelivery().body) > 4200) throw new Error('the bench payload should be about 4 KB');

/** Issue 5's target: verified deliveries/s of a 4 KB Stripe payload, against express.raw + a hand-written HMAC check. */
export const scenarios: Scenario[] = [{
  name: 'webhooks: WebhookRouter (verify, dedupe, publish, dispatch) vs express.raw + HMAC',
  issue: 5,
  unit: 'deliveries/s',
  target: { throughput: 0.9 },
  baseline: { label: 'express.raw + hand-written HMAC', run: () => deliveries('baseline') },
  subject: { label: 'WebhookRouter', run: () => deliveries('router') },
}, {
  name: 'webhooks: webhookVerify() middleware vs express.raw + HMAC',
  issue: 5,
  unit: 'deliveries/s',
  target: { throughput: 0.9 },
  baseline: { label: 'express.raw + hand-written HMAC', run: () => deliveries('baseline') },
  subject: { label: 'webhookVerify()', run: () => deliveries('verify') },
}];
