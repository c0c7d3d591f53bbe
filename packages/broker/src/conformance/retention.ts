import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { Fixture } from './harness';
import { eventually, publishMany, rejectsWithCode, take } from './harness';

export function retentionTests({ broker, topic, options }: Fixture): void {
  const { retentionSlack } = options;

  describe('setRetention()', () => {
    it('should bound the log to about maxLength records, dropping the oldest', async () => {
      const t = topic();
      await broker().setRetention(t, { maxLength: 50 });
      const published = await publishMany(broker(), t, 400);
      const info = (await broker().describe(t))!;
      assert.ok(info.length >= 50 && info.length <= 50 + retentionSlack, `length ${info.length}`);
      assert.equal(info.last!.offset, published[399]!.offset);
      const [oldest] = await take(broker().subscribe(t, { from: 'earliest' }), 1);
      assert.equal(oldest!.offset, info.first!.offset);
      assert.notEqual(oldest!.offset, published[0]!.offset);
    });

    it('should end a subscriber that fell behind with ERR_BROKER_RECORDS_TRIMMED', async () => {
      const t = topic();
      await broker().setRetention(t, { maxLength: 10 });
      const [first] = await publishMany(broker(), t, 1);
      const slow = broker().subscribe(t, { from: { after: first!.offset } });
      await slow.ready;
      await publishMany(broker(), t, 300 + retentionSlack * 2);
      await rejectsWithCode(() => slow.next(), 'ERR_BROKER_RECORDS_TRIMMED');
      await slow.close();
    });

    it("should skip to the oldest retained record and count the loss with onTrimmed: 'skip'", async () => {
      const t = topic();
      await broker().setRetention(t, { maxLength: 10 });
      const [first] = await publishMany(broker(), t, 1);
      const slow = broker().subscribe(t, { from: { after: first!.offset }, onTrimmed: 'skip' });
      await slow.ready;
      const rest = await publishMany(broker(), t, 300 + retentionSlack * 2);
      const info = (await broker().describe(t))!;
      const next = (await slow.next())!;
      assert.equal(next.offset, info.first!.offset);
      assert.ok(slow.skipped > 0, 'the loss is counted');
      assert.ok(next.offset !== rest[0]!.offset);
      await slow.close();
    });

    it('should reject bad retention', async () => {
      await assert.rejects(() => broker().setRetention(topic(), { maxLength: 0 }), TypeError);
      await assert.rejects(() => broker().setRetention(topic(), { maxLen: 5 } as never), TypeError);
    });
  });

  describe('expire()', () => {
    it('should delete the topic and its records after the ttl', async () => {
      const t = topic();
      await publishMany(broker(), t, 3);
      await broker().expire(t, 60);
      const sub = broker().subscribe(t);
      await sub.ready;
      await eventually(async () => (await broker().describe(t)) === undefined, 3000);
      const fresh = broker().subscribe(t, { from: 'earliest' });
      // One read that waits (nothing survived the expiry), then gets the first new record: a second
      // next() after an abandoned one would race it for that record on an asynchronous broker.
      const waiting = fresh.next();
      assert.equal(await Promise.race([waiting, delay(50).then(() => 'none')]), 'none');
      const after = await broker().publish(t, { value: 'after' });
      assert.equal((await waiting)!.offset, after.offset);
      assert.equal((await sub.next())!.offset, after.offset, 'a subscriber from before the expiry reads the new records');
      await Promise.all([sub.close(), fresh.close()]);
    });

    it('should reject a ttl that is not a positive number', async () => {
      await assert.rejects(() => broker().expire(topic(), 0), TypeError);
      await assert.rejects(() => broker().expire(topic(), Infinity), TypeError);
    });
  });
}
