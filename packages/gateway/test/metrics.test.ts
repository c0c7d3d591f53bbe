import assert from 'node:assert/strict';
import { defineAgent, echoAgent } from '@agentway/agents';
import { createGateway, type Gateway } from '@agentway/gateway';
import { channels } from '@agentway/observability';
import { langstreamClient, signWebhook } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

const failing = defineAgent({
  name: 'failing',
  async *run() {
    yield 'half';
    throw Object.assign(new Error('the tool is down'), { code: 'tool_down' });
  },
});

/** The value of one sample line of a Prometheus text exposition (`undefined` when absent). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

forEachExpress('createGateway() with metrics', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('should serve runs, streams, sockets, deliveries and broker lag at GET /metrics, and stop counting on close()', async () => {
    gateway = await createGateway({
      metrics: true,
      agents: [echoAgent(), failing],
      webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: 'whsec_m' }] },
      langstream: { tenants: { t: { applications: { a: { manifest: { gateways: [{ id: 'out', type: 'consume', topic: 'answers' }] } } } } } },
      features: { pollers: false },
    }, { env: {} });
    assert.ok(gateway.endpoints.includes('GET /metrics'));
    const { url } = await gateway.listen(0);
    const chat = (model: string, stream: boolean) => fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'one two' }] }),
    }).then((r) => r.text());
    await chat('echo', false);
    await chat('echo', true);
    await chat('failing', false);
    const { headers, body } = signWebhook({ scheme: 'stripe', secret: 'whsec_m', payload: { id: 'evt_m', type: 'invoice.paid', data: {} } });
    assert.equal((await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers, body })).status, 200);
    assert.equal((await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers: { ...headers, 'stripe-signature': 't=1,v1=00' }, body })).status, 401);
    const client = langstreamClient(url);
    await client.consume('t/a/out');

    const res = await fetch(`${url}/metrics`);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    assert.equal(sample(text, 'agentway_runs_started_total{agent="echo"}'), 2);
    assert.equal(sample(text, 'agentway_runs_completed_total{agent="echo"}'), 2);
    assert.equal(sample(text, 'agentway_runs_started_total{agent="failing"}'), 1);
    assert.equal(sample(text, 'agentway_runs_failed_total{agent="failing",code="tool_down"}'), 1);
    assert.equal(sample(text, 'agentway_run_duration_seconds_count{agent="echo",outcome="completed"}'), 2);
    assert.equal(sample(text, 'agentway_open_streams{protocol="openai"}'), 0);
    assert.equal(sample(text, 'agentway_stream_duration_seconds_count{protocol="openai"}'), 1);
    assert.equal(sample(text, 'agentway_open_websockets{protocol="langstream",kind="consume"}'), 1);
    assert.equal(sample(text, 'agentway_webhook_deliveries_total{source="stripe",result="accepted"}'), 1);
    assert.equal(sample(text, 'agentway_webhook_deliveries_total{source="stripe",result="rejected"}'), 1);
    assert.ok(sample(text, 'agentway_broker_lag_seconds_count{kind="run_events"}')! >= 4, 'the stream read its run\'s events');
    assert.ok(sample(text, 'process_cpu_user_seconds_total')! > 0, 'prom-client\'s default process metrics');

    await client.close();
    const after = await (await fetch(`${url}/metrics`)).text();
    assert.equal(sample(after, 'agentway_open_websockets{protocol="langstream",kind="consume"}'), 0);
    assert.equal(sample(after, 'agentway_websocket_duration_seconds_count{protocol="langstream",kind="consume"}'), 1);
    await gateway.close();
    gateway = undefined;
    assert.equal(channels.runStart.hasSubscribers, false, 'unsubscribed on close()');
  });

  it('should take AGENTWAY_METRICS, and serve no /metrics without it', async () => {
    gateway = await createGateway({ features: { pollers: false } }, { env: { AGENTWAY_METRICS: 'true' } });
    assert.ok(gateway.metrics);
    assert.equal((await fetch(`${(await gateway.listen(0)).url}/metrics`)).status, 200);
    await gateway.close();
    gateway = await createGateway({}, { env: {} });
    assert.equal(gateway.metrics, undefined);
    assert.equal((await fetch(`${(await gateway.listen(0)).url}/metrics`)).status, 404);
  });
});
