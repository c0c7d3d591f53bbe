import { EventSource } from 'eventsource';
import { createMemoryBroker } from '@agentway/broker';
import { ListenerManager } from '@agentway/poller';
import { SSE_EVENTS } from '../apps/sse-source';
import type { Result, Scenario } from '../harness';
import { startApp, stopApp } from '../http-load';

/** Reads one stream of SSE_EVENTS events from the source (in a child process on core 0). */
async function readStream(read: (url: string, done: () => void) => Promise<() => Promise<void> | void>): Promise<Result> {
  const { port, child } = await startApp('sse-source', 'source');
  try {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const start = process.hrtime.bigint();
    const stop = await read(`http://127.0.0.1:${port}/events`, finish);
    await done;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await stop();
    return { throughput: SSE_EVENTS / seconds };
  } finally {
    await stopApp(child);
  }
}

/** Baseline: the bare eventsource@4.1.1 client, one listener on the event name. */
const eventSource = (republish: boolean) => () => readStream(async (url, done) => {
  const broker = republish ? createMemoryBroker({ retention: { maxLength: SSE_EVENTS } }) : undefined;
  const es = new EventSource(url);
  let seen = 0;
  es.addEventListener('price', (e) => {
    if (broker) void broker.publish('prices', { value: e.data, headers: { 'sse-event': e.type, 'sse-id': e.lastEventId } });
    if (++seen === SSE_EVENTS) done();
  });
  return async () => { es.close(); await broker?.close(); };
});

/** Subject: ListenerManager.onSse() (every event, ids de-duplicated, handled in order; republished when asked). */
const listener = (republish: boolean) => () => readStream(async (url, done) => {
  const broker = republish ? createMemoryBroker({ retention: { maxLength: SSE_EVENTS } }) : undefined;
  const listeners = new ListenerManager({ ...(broker && { broker }) });
  let seen = 0;
  listeners.onSse(url, () => { if (++seen === SSE_EVENTS) done(); }, republish ? { republish: 'prices' } : {});
  listeners.start();
  return async () => { await listeners.stop(); await broker?.close(); };
});

export const scenarios: Scenario[] = [{
  name: 'poller: SSE listener reading a stream, onSse() vs bare eventsource',
  issue: 8,
  unit: 'events/s',
  baseline: { label: 'eventsource@4.1.1', run: eventSource(false) },
  subject: { label: 'listeners.onSse()', run: listener(false) },
}, {
  name: 'poller: SSE → memory broker topic, onSse({ republish }) vs eventsource + publish',
  issue: 8,
  unit: 'events/s',
  baseline: { label: 'eventsource + broker.publish', run: eventSource(true) },
  subject: { label: 'onSse({ republish })', run: listener(true) },
}];
