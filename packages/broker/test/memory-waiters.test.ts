import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { createMemoryBroker } from '@agentway/broker';

declare const gc: () => void;

describe('createMemoryBroker() subscriptions closed while waiting', () => {
  it('should let go of them on a quiet topic (not kept until its next record)', async () => {
    const broker = createMemoryBroker();
    await broker.publish('quiet', { value: 'before' });
    const waitThenClose = async (): Promise<WeakRef<object>> => {
      const subscription = broker.subscribe('quiet', { from: 'latest' });
      await subscription.ready;
      const waiting = subscription.next();
      await subscription.close();
      assert.equal(await waiting, undefined);
      return new WeakRef(subscription);
    };
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 20; i++) refs.push(await waitThenClose());
    await turn();
    gc();
    await turn();
    assert.equal(refs.filter((ref) => ref.deref() !== undefined).length, 0);
    await broker.close();
  });
});
