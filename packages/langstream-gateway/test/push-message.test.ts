import assert from 'node:assert/strict';
import { decodePosition, encodeOffset } from '../src/push-message';

describe('push message offsets', () => {
  it('should encode every offset exactly as base64url of its UTF-8 bytes, and decode it back', () => {
    const offsets = ['', '1', '12', '0-0', '12-3', '1732000000000-0', '1732000000000-12345', 'é', 'a€b', '9-😀', 'x'.repeat(40)];
    for (let n = 0; n < 300; n++) offsets.push(`${n}-${n * 7}`);
    for (const offset of offsets) {
      assert.equal(encodeOffset(offset), Buffer.from(offset, 'utf8').toString('base64url'), offset);
      if (offset !== '') assert.deepEqual(decodePosition(encodeOffset(offset)), { after: offset });
    }
  });
});
