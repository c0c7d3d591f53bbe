import assert from 'node:assert/strict';
import { reply, request } from '../request';
import type { Fixture } from './harness';
import { rejectsWithCode } from './harness';

export function requestReplyTests({ broker, topic }: Fixture): void {
  describe('request() and reply()', () => {
    it('should resolve with the reply correlated to the request', async () => {
      const t = topic('service');
      const server = broker().subscribe<{ n: number }>(t, { group: 'service' });
      const serving = (async () => {
        for await (const record of server) {
          await reply(broker(), record, { value: { doubled: record.value.n * 2 } });
          await server.ack(record);
        }
      })();
      const replies = await Promise.all([...Array(20).keys()].map((n) =>
        request<{ doubled: number }>(broker(), t, { value: { n } }, { timeout: 5000 })));
      assert.deepEqual(replies.map((r) => r.value.doubled), [...Array(20).keys()].map((n) => n * 2));
      await server.close();
      await serving;
    });

    it('should reject with ERR_BROKER_REQUEST_TIMEOUT when nobody answers', async () => {
      await rejectsWithCode(() => request(broker(), topic(), { value: 1 }, { timeout: 50 }), 'ERR_BROKER_REQUEST_TIMEOUT');
    });

    it('should refuse to reply to a record that is not a request', async () => {
      const t = topic();
      const record = await broker().publish(t, { value: 1 });
      await rejectsWithCode(() => reply(broker(), record, { value: 2 }), 'ERR_BROKER_INVALID_MESSAGE');
    });
  });
}
