import { EventEmitter } from 'node:events';
import { createMemoryBroker } from '@agentway/broker';
import type { Result, Scenario } from '../harness';

const RECORDS = 200_000;
const value = { type: 'text_delta', message_id: 'msg_1', delta: 'hello ' };

/** Baseline: the same records relayed by an EventEmitter (no log, no positions, no retention). */
async function emitterRelay(): Promise<Result> {
  const emitter = new EventEmitter();
  let seen = 0;
  const done = new Promise<void>((resolve) => emitter.on('record', () => { if (++seen === RECORDS) resolve(); }));
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) emitter.emit('record', { value: JSON.parse(JSON.stringify(value)) });
  await done;
  return { throughput: RECORDS / (Number(process.hrtime.bigint() - start) / 1e9) };
}

/** Subject: publish to a memory topic while a subscriber reads it live. */
async function memoryBroker(): Promise<Result> {
  const broker = createMemoryBroker({ retention: { maxLength: RECORDS } });
  const subscription = broker.subscribe('bench', { from: 'latest' });
  await subscription.ready;
  const reading = (async () => {
    let seen = 0;
    for await (const _ of subscription) if (++seen === RECORDS) return;
  })();
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) void broker.publish('bench', { value });
  await reading;
  const throughput = RECORDS / (Number(process.hrtime.bigint() - start) / 1e9);
  await broker.close();
  return { throughput };
}

export const scenarios: Scenario[] = [{
  name: 'broker: memory publish→subscribe',
  issue: 2,
  unit: 'records/s',
  baseline: { label: 'EventEmitter relay', run: emitterRelay },
  subject: { label: 'memory broker', run: memoryBroker },
}];

