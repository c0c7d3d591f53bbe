import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { forEachExpress } from '@agentway/test-harness';
import { forEachBroker, Harness } from './fixture';

const MANIFEST = {
  gateways: [
    { id: 'in', type: 'produce', topic: 'in', parameters: ['sessionId', 'user'] },
    { id: 'out', type: 'consume', topic: 'in', parameters: ['sessionId'] },
    { id: 'chat', type: 'chat', parameters: ['lang'], 'chat-options': { 'questions-topic': 'q', 'answers-topic': 'a', headers: [{ 'value-from-parameters': 'session' }] } },
  ],
};

const PREFIX = 'Error for gateway in (tenant: t, appId: app): ';

forEachExpress('langstreamGateway() handshake', (express) => {
  forEachBroker((kind) => {
    let h: Harness;
    beforeEach(async () => {
      h = await Harness.start(express, kind, MANIFEST);
    });
    afterEach(() => h.close());

    async function refusedWith(type: 'produce' | 'consume' | 'chat', path: string, query: Record<string, string>, status: number, detail: string) {
      const refused = await h.client.refused(type, path, query);
      assert.equal(refused.status, status);
      const body = JSON.parse(refused.body);
      assert.deepEqual(body, { type: 'about:blank', title: status === 401 ? 'Unauthorized' : 'Internal Server Error', status, detail, instance: `/v1/${type}/${path}` });
    }

    it('should 500 when a required parameter is missing or blank, naming them all', async () => {
      await refusedWith('produce', 't/app/in', { 'param:sessionId': 's' }, 500,
        `${PREFIX}missing required parameter user. Required parameters: [sessionId, user]`);
      await refusedWith('produce', 't/app/in', { 'param:sessionId': ' ', 'param:user': 'u' }, 500,
        `${PREFIX}missing required parameter sessionId. Required parameters: [sessionId, user]`);
    });

    it('should 500 on unknown parameters and on keys that are neither param: nor option:', async () => {
      await refusedWith('produce', 't/app/in', { 'param:sessionId': 's', 'param:user': 'u', 'param:extra': 'x' }, 500,
        `${PREFIX}unknown parameters: [extra]`);
      await refusedWith('consume', 't/app/out', { sessionId: 's' }, 500,
        'invalid query parameter sessionId. To specify a gateway parameter, use the format param:<parameter_name>.To specify a option, use the format option:<option_name>.');
    });

    it('should 500 on options a gateway does not take', async () => {
      await refusedWith('produce', 't/app/in', { 'param:sessionId': 's', 'param:user': 'u', 'option:position': 'earliest' }, 500, 'Unknown option position');
      await refusedWith('consume', 't/app/out', { 'param:sessionId': 's', 'option:from': 'x' }, 500, 'Unknown option from');
      await refusedWith('consume', 't/app/out', { 'param:sessionId': 's', 'option:position': '' }, 500, "'position' cannot be blank");
    });

    it('should 500 when credentials and test-credentials come together', async () => {
      await refusedWith('produce', 't/app/in', { 'param:sessionId': 's', 'param:user': 'u', credentials: 'a', 'test-credentials': 'b' }, 500,
        `${PREFIX}credentials and test-credentials cannot be used together`);
    });

    it('should require a chat header\'s parameter besides the declared ones', async () => {
      await refusedWith('chat', 't/app/chat', { 'param:lang': 'en' }, 500,
        'Error for gateway chat (tenant: t, appId: app): missing required parameter session. Required parameters: [lang, session]');
    });

    it('should 500 for an unknown tenant, application, gateway, or a gateway of another type', async () => {
      await refusedWith('consume', 'other/app/out', {}, 500, 'application app not found');
      await refusedWith('consume', 't/nope/out', {}, 500, 'application nope not found');
      await refusedWith('consume', 't/app/nope', {}, 500, 'gateway nope of type consume is not defined in the application');
      await refusedWith('consume', 't/app/in', {}, 500, 'gateway in of type consume is not defined in the application');
    });

    it('should parse the query as LangStream: + is a space, the last duplicate wins, a bad escape is a 500', async () => {
      const consumer = await h.client.consume('t/app/out', { 'param:sessionId': 's 1' });
      const url = `${h.listening.url.replace('http', 'ws')}/v1/produce/t/app/in?param:sessionId=x&param:user=u&param:sessionId=s+1`;
      const { default: WebSocket } = await import('ws');
      const ws = new WebSocket(url);
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ value: 'spaced' }));
      assert.deepEqual((await consumer.nextRecord()).record.value, 'spaced');
      ws.close();
      await new Promise((resolve) => ws.once('close', resolve));
      const bad = await rawUpgrade(h.listening.port, '/v1/consume/t/app/out?param:sessionId=%zz');
      assert.match(bad, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
      assert.match(bad, /URLDecoder: Illegal hex characters/);
    });

    it('should leave other upgrade paths to other listeners, and 404 them when there are none', async () => {
      assert.match(await rawUpgrade(h.listening.port, '/v2/consume/t/app/out'), /^HTTP\/1\.1 404 Not Found\r\n/);
      const other = (req: { url?: string }, socket: import('node:stream').Duplex) => {
        socket.end('HTTP/1.1 418 I\'m a Teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      };
      h.listening.server.on('upgrade', other);
      assert.match(await rawUpgrade(h.listening.port, '/elsewhere'), /^HTTP\/1\.1 418 /);
      h.listening.server.off('upgrade', other);
    });
  });
});

/** Sends a WebSocket upgrade by hand and returns the raw answer. */
function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      port, host: '127.0.0.1', path,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n${body}`));
    });
    req.on('error', reject);
    req.end();
  });
}
