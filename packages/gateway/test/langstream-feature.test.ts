import assert from 'node:assert/strict';
import { join } from 'node:path';
import request from 'supertest';
import { createGateway, loadConfigFile, type Gateway } from '@agentway/gateway';
import { langstreamClient } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

const example = join(__dirname, '..', '..', 'langstream-gateway', 'examples', 'gateway.yaml');

forEachExpress('createGateway() with the langstream feature', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('should serve the example config: manifest relative to the file, WebSockets on the server, agents of the runtime', async () => {
    gateway = await createGateway({ ...(await loadConfigFile(example)), port: 0 }, { env: {} });
    assert.deepEqual(gateway.endpoints.filter((e) => e.includes('chatbot')), [
      'WS /v1/produce/default/chatbot/produce-input', 'POST /api/gateways/produce/default/chatbot/produce-input',
      'WS /v1/consume/default/chatbot/consume-output', 'WS /v1/chat/default/chatbot/chat', 'POST /api/gateways/service/default/chatbot/ask-echo',
    ]);
    const { url } = await gateway.listen(0);
    const client = langstreamClient(url);
    try {
      const consumer = await client.consume('default/chatbot/consume-output', { 'param:sessionId': 's1' });
      const questions = gateway.broker.subscribe('chatbot.questions-topic');
      await questions.ready;
      await (await client.produce('default/chatbot/produce-input', { 'param:sessionId': 's1' })).produce({ value: 'hello' });
      const question = await questions.next();
      await questions.close();
      assert.deepEqual([question!.value, question!.headers], ['hello', { 'langstream-client-session-id': 's1' }]);
      await gateway.broker.publish('chatbot.answers-topic', { value: 'hi there', headers: { 'langstream-client-session-id': 's1' } });
      assert.deepEqual((await consumer.nextRecord()).record, { key: null, value: 'hi there', headers: { 'langstream-client-session-id': 's1' } });
    } finally {
      await client.close();
    }
    const echo = await request(url).post('/api/gateways/service/default/chatbot/ask-echo').set('Content-Type', 'text/plain').send('echo me').expect(200);
    assert.deepEqual(JSON.parse(echo.text), { record: { key: null, value: 'echo me', headers: {} }, offset: null });
  });

  it('should take an inline manifest and the section\'s options, and check them', async () => {
    gateway = await createGateway({
      langstream: { valueFormat: 'json', tenants: { t: { applications: { a: { manifest: { gateways: [{ id: 'in', type: 'produce', topic: 'x' }] } } } } } },
    }, { env: {} });
    assert.ok(gateway.endpoints.includes('POST /api/gateways/produce/t/a/in'));
    await request(gateway.app).post('/api/gateways/produce/t/a/in').set('Content-Type', 'text/plain').send('v').expect(200, '{"status":"OK","reason":null}');
    await gateway.close();
    gateway = undefined;
    await assert.rejects(createGateway({ langstream: { valueFormats: 'json' } }, { env: {} }), {
      code: 'ERR_GATEWAY_UNKNOWN_OPTION', message: '[@agentway/gateway] unknown option "langstream.valueFormats"; did you mean "valueFormat"?',
    });
    await assert.rejects(createGateway({ langstream: { tenants: { t: { applications: { a: { manifest: './missing.yaml' } } } } }, baseDir: '/nowhere' }, { env: {} }), {
      code: 'ERR_LANGSTREAM_GATEWAY_MANIFEST_FILE', message: /\/nowhere\/missing\.yaml: cannot read the manifest/,
    });
  });
});
