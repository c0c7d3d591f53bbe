import assert from 'node:assert/strict';
import { forEachExpress } from '@agentway/test-harness';
import { forEachBroker, Harness } from './fixture';

const MANIFEST = `
gateways:
  - id: produce-input
    type: produce
    topic: input
    parameters: [sessionId]
    produce-options:
      headers:
        - key: langstream-client-session-id
          value-from-parameters: sessionId
  - id: consume-output
    type: consume
    topic: input
    parameters: [sessionId]
    consume-options:
      filters:
        headers:
          - key: langstream-client-session-id
            value-from-parameters: sessionId
  - id: plain
    type: produce
    topic: plain
  - id: plain
    type: consume
    topic: plain
  - id: gold-in
    type: produce
    topic: tiers
    produce-options:
      headers:
        - key: tier
          value: gold
  - id: gold-out
    type: consume
    topic: tiers
    consume-options:
      filters:
        headers:
          - value: gold
            key: tier
`;

forEachExpress('langstreamGateway() produce and consume', (express) => {
  forEachBroker((kind) => {
    let h: Harness;
    beforeEach(async () => {
      h = await Harness.start(express, kind, MANIFEST);
    });
    afterEach(() => h.close());

    describe('over WebSocket', () => {
      it('should push a produced record to a consumer: key, value, gateway and client headers, offset', async () => {
        const consumer = await h.client.consume('t/app/consume-output', { 'param:sessionId': 's1' });
        const raw = new Promise<string>((resolve) => consumer.ws.once('message', (data) => resolve(data.toString())));
        const producer = await h.client.produce('t/app/produce-input', { 'param:sessionId': 's1' });
        assert.deepEqual(await producer.produce({ key: 'k1', value: 'hello', headers: { h1: 'v1' } }), { status: 'OK', reason: null });
        const frame = await raw;
        const { offset } = JSON.parse(frame) as { offset: string };
        assert.match(offset, /^[A-Za-z0-9_-]+$/);
        assert.equal(frame, `{"record":{"key":"k1","value":"hello","headers":{"langstream-client-session-id":"s1","h1":"v1"}},"offset":"${offset}"}`);
      });

      it('should serve the documented paths without /v1', async () => {
        const consumer = await h.client.consume('t/app/plain');
        const producer = await h.client.produce('t/app/plain');
        await producer.produce({ value: 'no v1' });
        const v1 = (await consumer.nextRecord()).record.value;
        assert.equal(v1, 'no v1');
        const client = (await import('@agentway/testing')).langstreamClient(h.listening.url, { withoutV1: true });
        try {
          const documented = await client.consume('t/app/plain');
          await (await client.produce('t/app/plain')).produce({ value: 'documented' });
          assert.equal((await documented.nextRecord()).record.value, 'documented');
        } finally {
          await client.close();
        }
      });

      it('should answer every frame in order, invalid ones with BAD_REQUEST, and keep the socket open', async () => {
        const producer = await h.client.produce('t/app/plain');
        producer.send({ value: 'one' });
        producer.send('invalid-json');
        producer.send({});
        producer.send(JSON.stringify({ value: 'x', topic: 'elsewhere' }));
        producer.send('null');
        producer.send({ key: { id: 7 } });
        producer.send(JSON.stringify({ value: 'x', headers: { n: { nested: true } } }));
        producer.send(JSON.stringify({ value: 'two', headers: { n: 5, b: true, gone: null } }));
        const responses = [];
        for (let i = 0; i < 8; i++) responses.push(await producer.nextResponse());
        assert.deepEqual(responses.map((r) => r.status), ['OK', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'OK', 'BAD_REQUEST', 'OK']);
        assert.match(responses[1]!.reason!, /^Error while parsing JSON payload: /);
        assert.equal(responses[2]!.reason, 'Either key or value must be set.');
        assert.match(responses[3]!.reason!, /^Error while parsing JSON payload: Unrecognized field "topic"/);
        assert.match(responses[4]!.reason!, /^Error while parsing JSON payload: /);
        assert.match(responses[6]!.reason!, /^Error while parsing JSON payload: .*header "n"/);
        const consumer = await h.client.consume('t/app/plain', { 'option:position': 'earliest' });
        const records = await consumer.records(3);
        assert.deepEqual(records.map((m) => m.record), [
          { key: null, value: 'one', headers: {} },
          { key: '{"id":7}', value: null, headers: {} },
          { key: null, value: 'two', headers: { n: '5', b: 'true' } },
        ]);
      });

      it('should refuse a client header that redefines a gateway header', async () => {
        const producer = await h.client.produce('t/app/produce-input', { 'param:sessionId': 's1' });
        assert.deepEqual(await producer.produce({ value: 'v', headers: { 'langstream-client-session-id': 's2' } }), {
          status: 'BAD_REQUEST', reason: 'Header langstream-client-session-id is configured as parameter-level header.',
        });
      });

      it('should push non-string values as JSON text (as LangStream on Kafka)', async () => {
        const consumer = await h.client.consume('t/app/plain');
        const producer = await h.client.produce('t/app/plain');
        await producer.produce({ value: { answer: 42 } });
        await producer.produce({ value: 3.5 });
        assert.deepEqual((await consumer.records(2)).map((m) => m.record.value), ['{"answer":42}', '3.5']);
      });

      it('should close with 1003 on a binary frame', async () => {
        const producer = await h.client.produce('t/app/plain');
        producer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
        assert.deepEqual(await producer.closed, { code: 1003, reason: 'Binary messages not supported' });
      });
    });

    describe('with filters', () => {
      it('should deliver to each consumer only the records of its own session parameter', async () => {
        const s1 = await h.client.consume('t/app/consume-output', { 'param:sessionId': 's1' });
        const s2 = await h.client.consume('t/app/consume-output', { 'param:sessionId': 's2' });
        const p1 = await h.client.produce('t/app/produce-input', { 'param:sessionId': 's1' });
        const p2 = await h.client.produce('t/app/produce-input', { 'param:sessionId': 's2' });
        await p1.produce({ value: 'for s1 #1' });
        await p2.produce({ value: 'for s2 #1' });
        await p1.produce({ value: 'for s1 #2' });
        await p2.produce({ value: 'for s2 #2' });
        assert.deepEqual((await s1.records(2)).map((m) => m.record.value), ['for s1 #1', 'for s1 #2']);
        assert.deepEqual((await s2.records(2)).map((m) => m.record.value), ['for s2 #1', 'for s2 #2']);
      });

      it('should filter by a fixed value: records without the header or with another value are skipped', async () => {
        const gold = await h.client.consume('t/app/gold-out');
        await h.broker.publish(h.topic('tiers'), { value: 'no tier' });
        await h.broker.publish(h.topic('tiers'), { value: 'silver', headers: { tier: 'silver' } });
        await (await h.client.produce('t/app/gold-in')).produce({ value: 'gold via gateway' });
        await h.broker.publish(h.topic('tiers'), { value: 'gold direct', headers: { tier: 'gold' } });
        assert.deepEqual((await gold.records(2)).map((m) => m.record), [
          { key: null, value: 'gold via gateway', headers: { tier: 'gold' } },
          { key: null, value: 'gold direct', headers: { tier: 'gold' } },
        ]);
      });
    });

    describe('with option:position', () => {
      it('should read from earliest, from latest, and resume right after an offset', async () => {
        const producer = await h.client.produce('t/app/plain');
        const first = await h.client.consume('t/app/plain');
        await producer.produce({ value: 'msg1' });
        await producer.produce({ value: 'msg2' });
        const [msg1] = await first.records(2);
        const latest = await h.client.consume('t/app/plain', { 'option:position': 'latest' });
        await producer.produce({ value: 'msg3' });
        const earliest = await h.client.consume('t/app/plain', { 'option:position': 'earliest' });
        const resumed = await h.client.consume('t/app/plain', { 'option:position': msg1!.offset! });
        assert.deepEqual((await earliest.records(3)).map((m) => m.record.value), ['msg1', 'msg2', 'msg3']);
        assert.deepEqual((await resumed.records(2)).map((m) => m.record.value), ['msg2', 'msg3']);
        assert.equal((await latest.nextRecord()).record.value, 'msg3');
        await producer.produce({ value: 'msg4' });
        assert.equal((await latest.nextRecord()).record.value, 'msg4');
        assert.equal((await resumed.nextRecord()).record.value, 'msg4');
      });

      it('should accept an offset sent in standard base64 or with its + unescaped', async () => {
        const producer = await h.client.produce('t/app/plain');
        await producer.produce({ value: 'a' });
        await producer.produce({ value: 'b' });
        const [a] = await (await h.client.consume('t/app/plain', { 'option:position': 'earliest' })).records(1);
        const standard = Buffer.from(a!.offset!, 'base64url').toString('base64');
        const resumed = await h.client.consume('t/app/plain', { 'option:position': standard });
        assert.equal((await resumed.nextRecord()).record.value, 'b');
      });

      it('should 500 on a position that is not an offset of this gateway', async () => {
        const garbage = await h.client.refused('consume', 't/app/plain', { 'option:position': '%%%' });
        assert.equal(garbage.status, 500);
        assert.match(JSON.parse(garbage.body).detail, /^Invalid position %%%/);
        const unknown = await h.client.refused('consume', 't/app/plain', { 'option:position': Buffer.from('not-an-offset').toString('base64url') });
        assert.equal(unknown.status, 500);
        assert.match(JSON.parse(unknown.body).detail, /^Invalid position /);
      });
    });
  });
});
