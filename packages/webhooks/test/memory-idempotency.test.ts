import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { createMemoryIdempotencyStore } from '@agentway/webhooks';

describe('createMemoryIdempotencyStore()', () => {
  let clock: ReturnType<typeof FakeTimers.install>;
  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['Date'] });
  });
  afterEach(() => clock.uninstall());

  it('should take a key once within its ttl, and again once it lapsed', async () => {
    const store = createMemoryIdempotencyStore();
    assert.equal(await store.claim('a', 1000), true);
    assert.equal(await store.claim('a', 1000), false);
    clock.tick(999);
    assert.equal(await store.claim('a', 1000), false);
    clock.tick(1);
    assert.equal(await store.claim('a', 1000), true);
    await store.release!('a');
    assert.equal(await store.claim('a', 1000), true);
  });

  it('should sweep lapsed keys, up to 8 per claim from the oldest, and stop at a live one', async () => {
    const store = createMemoryIdempotencyStore();
    for (let i = 0; i < 20; i++) await store.claim(`old${i}`, 1000);
    clock.tick(500);
    for (let i = 0; i < 5; i++) await store.claim(`young${i}`, 1000);
    clock.tick(500); // the old ones lapse now, the young ones in 500 ms
    await store.claim('new0', 1000);
    assert.equal(store.size, 20 - 8 + 5 + 1);
    await store.claim('new1', 1000);
    await store.claim('new2', 1000);
    assert.equal(store.size, 5 + 3, 'every old key swept, no young one');
    await store.claim('new3', 1000);
    assert.equal(store.size, 5 + 4, 'a live key at the front stops the sweep');
  });
});
