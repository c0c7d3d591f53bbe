import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createGateway, type Gateway } from '@agentway/gateway';
import { signWebhook } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

type Line = { level: number; msg: string; reqId?: string; feature?: string; req?: { url: string; headers: Record<string, string> }; res?: { statusCode: number }; err?: { message: string } };

/** A pino logger writing JSON lines into an array. */
function capture(): { logger: ReturnType<typeof pino>; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

forEachExpress('createGateway() logging', () => {
  let gateway: Gateway | undefined;
  let broker: Broker | undefined;

  afterEach(async () => {
    await gateway?.close();
    await broker?.close();
    gateway = broker = undefined;
  });

  it('should give every request an id — the client\'s x-request-id, or a UUID — echoed, on openai-compat\'s answers too, and on every log line of it', async () => {
    const { logger, lines } = capture();
    gateway = await createGateway({ webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: 'whsec_l' }] }, features: { pollers: false } }, { env: {}, logger });
    const { url } = await gateway.listen(0);
    const given = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'client-id-1', authorization: 'Bearer sk-secret' },
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(given.headers.get('x-request-id'), 'client-id-1');
    await given.text();
    const generated = await fetch(`${url}/agui/ws?run_id=nope&access_token=tok-secret`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.equal(generated.status, 404);
    const generatedId = generated.headers.get('x-request-id')!;
    assert.match(generatedId, UUID);
    const { headers, body } = signWebhook({ scheme: 'stripe', secret: 'whsec_other', payload: { id: 'evt_l', type: 'x', data: {} } });
    const refused = await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers: { ...headers, 'x-request-id': 'hook-1' }, body });
    assert.equal(refused.status, 401);
    await fetch(`${url}/healthz`);

    const byRequest = (id: string) => lines.filter((l) => l.reqId === id);
    const chat = byRequest('client-id-1');
    assert.deepEqual(chat.map((l) => [l.level, l.msg, l.res?.statusCode]), [[30, 'request completed', 200]]);
    assert.equal(chat[0]!.req!.headers.authorization, '[redacted]');
    const agui = byRequest(generatedId);
    assert.deepEqual(agui.map((l) => [l.level, l.msg, l.req?.url]), [[40, 'request completed', '/agui/ws?run_id=nope&access_token=[redacted]']]);
    const hook = byRequest('hook-1');
    assert.deepEqual(hook.map((l) => [l.level, l.msg.replace(/: .*$/, ': …')]), [[40, 'delivery refused: …'], [40, 'request completed']]);
    assert.equal(lines.some((l) => l.req?.url === '/healthz'), false, '/healthz is not logged');
    assert.ok(!JSON.stringify(lines).includes('secret'), 'no credential in any line');
  });

  it('should answer what a feature passed on in its protocol\'s shape, logged through the request with its stack', async () => {
    const { logger, lines } = capture();
    broker = createMemoryBroker();
    const down = () => Promise.reject(Object.assign(new Error('redis is down'), { code: 'ERR_BROKER_UNAVAILABLE' }));
    const failing: Broker = Object.create(broker);
    failing.describe = down;
    failing.setRetention = down;
    gateway = await createGateway({ broker: failing, features: { pollers: false } }, { env: {}, logger });
    const { url } = await gateway.listen(0);
    const agui = await fetch(`${url}/agui/ws?run_id=run-1`, { headers: { 'x-request-id': 'boom-1' } });
    assert.equal(agui.status, 500);
    assert.equal(agui.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await agui.json(), { error: { code: 'ERR_BROKER_UNAVAILABLE', message: 'Internal Server Error' } });
    const openai = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(openai.status, 500);
    assert.deepEqual(await openai.json(), { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: 'ERR_BROKER_UNAVAILABLE' } });
    const a2a = await fetch(`${url}/a2a/echo/`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'r1', method: 'SendMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'hi' }] } } }),
    });
    assert.equal(a2a.status, 500);
    assert.deepEqual(await a2a.json(), { jsonrpc: '2.0', id: 'r1', error: { code: -32603, message: 'Internal error' } });
    const failed = lines.filter((l) => l.reqId === 'boom-1');
    assert.deepEqual(failed.map((l) => [l.level, l.msg, l.err?.message]), [
      [50, 'request failed: redis is down', 'redis is down'],
      [50, 'request errored', 'redis is down'],
    ]);
    assert.equal(lines.filter((l) => l.msg === 'request failed: redis is down').length, 3);
  });

  it('should set an id without a logger, and refuse a logger that is not one', async () => {
    gateway = await createGateway({ features: { pollers: false } }, { env: {} });
    const res = await fetch(`${(await gateway.listen(0)).url}/healthz`);
    assert.match(res.headers.get('x-request-id')!, UUID);
    await assert.rejects(createGateway({}, { env: {}, logger: { info() {} } as never }), {
      code: 'ERR_GATEWAY_INVALID_OPTION',
      message: '[@agentway/gateway] option "logger" must be a logger with debug, info, warn and error methods (pino, console, …)',
    });
  });
});
