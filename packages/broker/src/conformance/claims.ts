import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Fixture } from './harness';
import { rejectsWithCode } from './harness';

export function claimTests({ broker }: Fixture): void {
  describe('claim()', () => {
    it('should grant a key to the first caller only, among many at once', async () => {
      const key = `claim.${randomUUID()}`;
      const results = await Promise.all([...Array(20)].map(() => broker().claim(key, 5_000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('should grant the key again once the claim has lapsed', async () => {
      const key = `claim.${randomUUID()}`;
      assert.equal(await broker().claim(key, 50), true);
      assert.equal(await broker().claim(key, 50), false);
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(await broker().claim(key, 50), true);
    });

    it('should grant a released key to the next caller', async () => {
      const key = `claim.${randomUUID()}`;
      assert.equal(await broker().claim(key, 60_000), true);
      await broker().release(key);
      assert.equal(await broker().claim(key, 60_000), true);
      assert.equal(await broker().claim(key, 60_000), false);
      await broker().release(`claim.${randomUUID()}`); // releasing what nobody holds is a no-op
    });

    it('should keep keys apart', async () => {
      const prefix = `claim.${randomUUID()}`;
      assert.deepEqual(await Promise.all([broker().claim(`${prefix}.a`, 1000), broker().claim(`${prefix}.b`, 1000)]), [true, true]);
    });

    it('should reject an empty key and a bad ttl', async () => {
      await rejectsWithCode(() => broker().claim('', 1000), 'ERR_BROKER_INVALID_MESSAGE');
      await rejectsWithCode(() => broker().release(''), 'ERR_BROKER_INVALID_MESSAGE');
      await assert.rejects(() => broker().claim('k', 0), TypeError);
    });
  });
}
