import assert from 'node:assert/strict';
import type { Fixture } from './harness';
import { nextWithin, publishMany, rejectsWithCode, take } from './harness';

export function groupTests({ broker, topic, options }: Fixture): void {
  const { ackTimeout } = options;

  describe('subscribe({ group })', () => {
    it('should hand each record to exactly one member', async () => {
      const t = topic();
      const members = [0, 1, 2].map((n) => broker().subscribe(t, { group: 'workers', consumer: `m${n}` }));
      await Promise.all(members.map((m) => m.ready));
      await publishMany(broker(), t, 30);
      const seen: string[] = [];
      const counts = [0, 0, 0];
      await Promise.all(members.map(async (member, n) => {
        for (;;) {
          const record = await nextWithin(member, 200);
          if (record === 'none' || record === undefined) return;
          seen.push(record.offset);
          counts[n]!++;
          await member.ack(record);
        }
      }));
      assert.equal(seen.length, 30);
      assert.equal(new Set(seen).size, 30);
      assert.ok(counts.filter((c) => c > 0).length >= 2, `work was shared: ${counts}`);
      await Promise.all(members.map((m) => m.close()));
    });

    it('should start a new group from the earliest record by default', async () => {
      const t = topic();
      await publishMany(broker(), t, 3);
      const member = broker().subscribe(t, { group: 'late' });
      const read = await take(member, 3);
      assert.deepEqual(read.map((r) => r.value), [{ i: 0 }, { i: 1 }, { i: 2 }]);
      assert.deepEqual(read.map((r) => r.redelivered), [false, false, false]);
      await member.close();
    });

    it('should resume an existing group where it left off', async () => {
      const t = topic();
      await publishMany(broker(), t, 4);
      const first = broker().subscribe(t, { group: 'g' });
      for (const record of await take(first, 2)) await first.ack(record);
      await first.close();
      const second = broker().subscribe(t, { group: 'g' });
      const read = await take(second, 2);
      assert.deepEqual(read.map((r) => r.value), [{ i: 2 }, { i: 3 }]);
      await second.close();
    });

    it('should hand an unacked record out again after the ack timeout', async () => {
      const t = topic();
      const member = broker().subscribe(t, { group: 'g', ackTimeout });
      await member.ready;
      const [sent] = await publishMany(broker(), t, 1);
      const first = await member.next();
      assert.equal(first!.offset, sent!.offset);
      assert.equal(first!.redelivered, false);
      const again = await member.next();
      assert.equal(again!.offset, sent!.offset);
      assert.equal(again!.redelivered, true);
      await member.ack(again!);
      assert.equal(await nextWithin(member, ackTimeout * 3), 'none');
      await member.close();
    });

    it('should not hand out again a record that was acked', async () => {
      const t = topic();
      const member = broker().subscribe(t, { group: 'g', ackTimeout });
      await member.ready;
      await publishMany(broker(), t, 1);
      await member.ack((await member.next())!);
      assert.equal(await nextWithin(member, ackTimeout * 3), 'none');
      await member.close();
    });

    it('should keep a record whose deadline is extended', async () => {
      const t = topic();
      const holder = broker().subscribe(t, { group: 'g', ackTimeout: ackTimeout * 2, consumer: 'holder' });
      const other = broker().subscribe(t, { group: 'g', ackTimeout: ackTimeout * 2, consumer: 'other' });
      await Promise.all([holder.ready, other.ready]);
      await publishMany(broker(), t, 1);
      const record = (await holder.next())!;
      const timer = setInterval(() => void holder.extend(record), ackTimeout / 2);
      try {
        assert.equal(await nextWithin(other, ackTimeout * 4), 'none');
      } finally {
        clearInterval(timer);
      }
      await holder.ack(record);
      await Promise.all([holder.close(), other.close()]);
    });

    it("should give a member's unacked records to another member once it leaves", async () => {
      const t = topic();
      const leaving = broker().subscribe(t, { group: 'g', ackTimeout, consumer: 'leaving' });
      const staying = broker().subscribe(t, { group: 'g', ackTimeout, consumer: 'staying' });
      await Promise.all([leaving.ready, staying.ready]);
      const [sent] = await publishMany(broker(), t, 1);
      const held = (await leaving.next())!;
      assert.equal(held.offset, sent!.offset);
      await leaving.close();
      const taken = (await staying.next())!;
      assert.equal(taken.offset, sent!.offset);
      assert.equal(taken.redelivered, true);
      await staying.ack(taken);
      await staying.close();
    });

    it('should refuse ack() on a subscription without a group', async () => {
      const t = topic();
      const [record] = await publishMany(broker(), t, 1);
      const sub = broker().subscribe(t, { from: 'earliest' });
      await rejectsWithCode(() => sub.ack(record!), 'ERR_BROKER_NOT_A_GROUP');
      await sub.close();
    });
  });
}
