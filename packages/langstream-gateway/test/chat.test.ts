import assert from 'node:assert/strict';
import { forEachExpress } from '@agentway/test-harness';
import { langstreamClient } from '@agentway/testing';
import { forEachBroker, Harness } from './fixture';

const MANIFEST = `
gateways:
  - id: chat
    type: chat
    chat-options:
      questions-topic: questions
      answers-topic: answers
      headers:
        - value-from-parameters: session-id
  - id: questions-log
    type: consume
    topic: questions
`;

forEachExpress('langstreamGateway() chat', (express) => {
  forEachBroker((kind) => {
    let h: Harness;
    beforeEach(async () => {
      h = await Harness.start(express, kind, MANIFEST);
    });
    afterEach(() => h.close());

    it('should produce questions with the session header and push only the answers of that session', async () => {
      const questions = await h.client.consume('t/app/questions-log');
      const chat = await h.client.chat('t/app/chat', { 'param:session-id': 's1' });
      const other = await h.client.chat('t/app/chat', { 'param:session-id': 's2' });
      assert.deepEqual(await chat.produce({ value: 'What is LangStream?' }), { status: 'OK', reason: null });
      const question = await questions.nextRecord();
      assert.deepEqual(question.record, { key: null, value: 'What is LangStream?', headers: { 'session-id': 's1' } });
      // A pipeline answers on the answers topic, keeping the headers (and adding the streaming ones).
      await h.broker.publish(h.topic('answers'), { value: 'for someone else', headers: { 'session-id': 's2' } });
      await h.broker.publish(h.topic('answers'), {
        value: 'A streaming platform.', headers: { 'session-id': 's1', 'stream-id': 'a1', 'stream-index': '1', 'stream-last-message': 'true' },
      });
      const answer = await chat.nextRecord();
      assert.deepEqual(answer.record, {
        key: null, value: 'A streaming platform.', headers: { 'session-id': 's1', 'stream-id': 'a1', 'stream-index': '1', 'stream-last-message': 'true' },
      });
      assert.equal((await other.nextRecord()).record.value, 'for someone else');
      assert.deepEqual(await chat.produce({}), { status: 'BAD_REQUEST', reason: 'Either key or value must be set.' });
    });

    it('should serve a chat gateway on the URL LangStream\'s docs give (/consume/…), and only there', async () => {
      const documented = langstreamClient(h.listening.url, { withoutV1: true });
      try {
        const chat = await documented.consume('t/app/chat', { 'param:session-id': 's1' });
        assert.deepEqual(await chat.produce({ value: 'via the docs URL' }), { status: 'OK', reason: null });
        await h.broker.publish(h.topic('answers'), { value: 'answer', headers: { 'session-id': 's1' } });
        assert.equal((await chat.nextRecord()).record.value, 'answer');
      } finally {
        await documented.close();
      }
      const strict = await h.client.refused('consume', 't/app/chat', { 'param:session-id': 's1' });
      assert.equal(JSON.parse(strict.body).detail, 'gateway chat of type consume is not defined in the application');
    });

    it('should resume the answers after an offset', async () => {
      await h.broker.publish(h.topic('answers'), { value: 'a1', headers: { 'session-id': 's1' } });
      await h.broker.publish(h.topic('answers'), { value: 'a2', headers: { 'session-id': 's1' } });
      const first = await h.client.chat('t/app/chat', { 'param:session-id': 's1', 'option:position': 'earliest' });
      const [a1] = await first.records(2);
      const resumed = await h.client.chat('t/app/chat', { 'param:session-id': 's1', 'option:position': a1!.offset! });
      assert.equal((await resumed.nextRecord()).record.value, 'a2');
    });
  });
});
