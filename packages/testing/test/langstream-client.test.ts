import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { langstreamGateway, type LangStreamGateway } from '@agentway/langstream-gateway';
import { langstreamClient, listen, type LangStreamClient, type Listening } from '@agentway/testing';
import { forEachExpress } from '@agentway/test-harness';

const MANIFEST = `
gateways:
  - id: in
    type: produce
    topic: questions
    parameters: [sessionId]
  - id: out
    type: consume
    topic: questions
  - id: chat
    type: chat
    chat-options:
      questions-topic: questions
      answers-topic: answers
`;

forEachExpress('langstreamClient()', (express) => {
  let broker: Broker;
  let gateway: LangStreamGateway;
  let server: Listening;
  let client: LangStreamClient;

  beforeEach(async () => {
    broker = createMemoryBroker();
    gateway = langstreamGateway({ broker, manifest: MANIFEST, tenant: 't', application: 'app', pingInterval: 0 });
    const app = express();
    app.use(gateway.router);
    server = await listen(app);
    gateway.attach(server.server);
    client = langstreamClient(server.url);
  });

  afterEach(async () => {
    await client.close();
    await gateway.close();
    await server.close();
    await broker.close();
  });

  it('should produce, consume and chat with typed frames', async () => {
    const consumer = await client.consume('t/app/out', { 'option:position': 'earliest' });
    const producer = await client.produce('t/app/in', { 'param:sessionId': 's1' });
    assert.deepEqual(await producer.produce({ key: 'k', value: { q: 'hi' }, headers: { h: '1' } }), { status: 'OK', reason: null });
    const [pushed] = await consumer.records<{ q: string }>(1);
    assert.deepEqual(pushed!.record, { key: 'k', value: '{"q":"hi"}', headers: { h: '1' } });
    assert.equal(typeof pushed!.offset, 'string');

    assert.deepEqual(await producer.produce('not json'),
      { status: 'BAD_REQUEST', reason: 'Error while parsing JSON payload: Unexpected token \'o\', "not json" is not valid JSON' });

    const chat = await client.chat('t/app/chat');
    assert.deepEqual(await chat.produce({ value: 'What is LangStream?' }), { status: 'OK', reason: null });
    assert.equal((await consumer.nextRecord()).record.value, 'What is LangStream?');
    await broker.publish('answers', { value: 'A streaming platform.', headers: { 'stream-last-message': 'true' } });
    assert.deepEqual((await chat.nextRecord()).record, { key: null, value: 'A streaming platform.', headers: { 'stream-last-message': 'true' } });
  });

  it('should tell how a handshake was refused, and fail open() on a refusal', async () => {
    const refused = await client.refused('produce', 't/app/in');
    assert.equal(refused.status, 500);
    assert.match(JSON.parse(refused.body).detail, /missing required parameter sessionId/);
    await assert.rejects(client.produce('t/app/in'), { name: 'TestingError', code: 'ERR_TESTING_HANDSHAKE_REFUSED', message: /^\[@agentway\/testing\] the handshake of produce\/t\/app\/in was refused: 500 / });
    await assert.rejects(client.refused('consume', 't/app/out'), { code: 'ERR_TESTING_HANDSHAKE_ACCEPTED', message: '[@agentway/testing] the handshake of consume/t/app/out was accepted' });
  });

  it('should time out a wait on the fake clock, and fail waits when the socket closes', async () => {
    const consumer = await client.consume('t/app/out');
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const waiting = consumer.nextRecord();
      const outcome = waiting.then(() => 'record', (err: { code: string; message: string }) => `${err.code}: ${err.message}`);
      await clock.tickAsync(1_999);
      await clock.tickAsync(1);
      assert.equal(await outcome, 'ERR_TESTING_TIMEOUT: [@agentway/testing] no record within 2000 ms');
    } finally {
      clock.uninstall();
    }
    const pending = consumer.nextResponse();
    await consumer.close();
    await assert.rejects(pending, { code: 'ERR_TESTING_SOCKET_CLOSED', message: '[@agentway/testing] the socket closed (1000 )' });
    assert.deepEqual(await consumer.closed, { code: 1000, reason: '' });
  });

  it('should check its options', () => {
    assert.throws(() => langstreamClient(server.url, { timout: 5 } as never), { code: 'ERR_TESTING_UNKNOWN_OPTION', message: '[@agentway/testing] unknown option "timout"; did you mean "timeout"?' });
    assert.throws(() => langstreamClient(server.url, { timeout: 0 }), { code: 'ERR_TESTING_INVALID_OPTION' });
  });
});
