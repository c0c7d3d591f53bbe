import { defineAgent, type Agent } from '@agentway/agents';
import type { Broker, Subscription } from '@agentway/broker';

/** An agent that yields `before`, waits until `open()` is called, then yields `after`: a run held live without timers. */
export function gatedAgent(name: string, before: readonly string[], after: readonly string[]): { agent: Agent; open(): void; started: Promise<void> } {
  let open!: () => void;
  let markStarted!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const started = new Promise<void>((resolve) => { markStarted = resolve; });
  const agent = defineAgent({
    name,
    async *run() {
      yield* before;
      markStarted();
      await gate;
      yield* after;
    },
  });
  return { agent, open, started };
}

/** Wraps a broker to count the subscriptions open on each topic (to see who closes what). */
export function countingBroker(broker: Broker): { broker: Broker; open(topic: string): number } {
  const counts = new Map<string, number>();
  const wrapped: Broker = Object.create(broker);
  wrapped.subscribe = <V>(topic: string, options?: Parameters<Broker['subscribe']>[1]): Subscription<V> => {
    const subscription = broker.subscribe<V>(topic, options);
    counts.set(topic, (counts.get(topic) ?? 0) + 1);
    let closed = false;
    const close = subscription.close.bind(subscription);
    const next = subscription.next.bind(subscription);
    const done = () => {
      if (!closed) counts.set(topic, counts.get(topic)! - 1);
      closed = true;
    };
    return Object.assign(Object.create(subscription), {
      async next() {
        const record = await next();
        if (!record) done();
        return record;
      },
      async close() {
        done();
        await close();
      },
    }) as Subscription<V>;
  };
  for (const method of ['publish', 'setRetention', 'expire', 'describe', 'claim', 'close'] as const) {
    (wrapped as unknown as Record<string, unknown>)[method] = (broker[method] as (...a: unknown[]) => unknown).bind(broker);
  }
  return { broker: wrapped, open: (topic) => counts.get(topic) ?? 0 };
}

/** Resolves once `check()` holds, polling on the event loop (for effects of a socket closing elsewhere); fails after `ms`. */
export async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
