import type { Broker } from '../broker';
import { claimTests } from './claims';
import { groupTests } from './groups';
import { freshTopic, type ConformanceOptions, type Fixture } from './harness';
import { publishSubscribeTests } from './publish-subscribe';
import { requestReplyTests } from './request-reply';
import { retentionTests } from './retention';

export type { ConformanceOptions } from './harness';
/** Polls a condition until it holds (a topic expired, a record arrived), failing after a timeout: for tests of brokers and what uses them. */
export { eventually } from './harness';

/**
 * The broker contract as a mocha suite. Every implementation runs it in its own tests:
 *
 * ```ts
 * import { brokerConformance } from '@agentway/broker/conformance';
 * brokerConformance('createMemoryBroker()', () => createMemoryBroker());
 * ```
 *
 * Each test gets a fresh broker from `createBroker` and closes it afterwards; topic names are
 * random, so backends shared by several processes (a Redis) do not mix the tests up.
 */
export function brokerConformance(
  name: string,
  createBroker: () => Broker | Promise<Broker>,
  options: ConformanceOptions = {},
): void {
  describe(`${name} conformance`, function () {
    this.timeout(10_000);
    let current: Broker | undefined;
    const fixture: Fixture = {
      broker: () => {
        if (!current) throw new Error('no broker: the fixture is only usable inside a test');
        return current;
      },
      topic: freshTopic,
      options: { retentionSlack: options.retentionSlack ?? 0, ackTimeout: options.ackTimeout ?? 150 },
    };

    beforeEach(async () => {
      current = await createBroker();
    });

    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    publishSubscribeTests(fixture);
    groupTests(fixture);
    retentionTests(fixture);
    requestReplyTests(fixture);
    claimTests(fixture);
  });
}
