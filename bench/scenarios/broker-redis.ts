import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { Broker } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import type { Result, Scenario } from '../harness';

/**
 * The Redis broker against node-redis used by hand, on the Redis at AGENTWAY_BENCH_REDIS_URL
 * (default 127.0.0.1:6379). Both sides use the same client settings as the broker (RESP3, no
 * per-command timer: node-redis 6's default 5 s command timeout alone cuts pipelined XADD 4×),
 * send the same JSON value field, keep 1,000 publishes in flight and trim with MAXLEN ~.
 */

const URL = process.env.AGENTWAY_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RECORDS = 100_000;
const GROUP_RECORDS = 20_000;
const IN_FLIGHT = 1_000;
const value = { type: 'text_delta', message_id: 'msg_1', delta: 'hello ' };
const CLIENT_OPTIONS = { url: URL, RESP: 3, commandOptions: { timeout: 0 } } as const;

async function connect() {
  const client = createClient(CLIENT_OPTIONS);
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Runs `publish(i)` for i < count with at most IN_FLIGHT unanswered. */
async function publishAll(count: number, publish: (i: number) => Promise<unknown>): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    inFlight.push(publish(i));
    if (inFlight.length >= IN_FLIGHT) await Promise.all(inFlight.splice(0, IN_FLIGHT / 2));
  }
  await Promise.all(inFlight);
}

/** Baseline: XADD from one connection, XREAD BLOCK COUNT 100 on another, JSON in and out. */
async function rawRelay(): Promise<Result> {
  const [writer, reader] = await Promise.all([connect(), connect()]);
  const key = `bench:${randomUUID()}`;
  const last = await writer.sendCommand<[string, string[]][]>(['XREVRANGE', key, '+', '-', 'COUNT', '1']);
  let cursor = last[0]?.[0] ?? '0-0';
  const reading = (async () => {
    let seen = 0;
    while (seen < RECORDS) {
      const reply = await reader.sendCommand<Record<string, [string, string[]][]> | null>(['XREAD', 'COUNT', '100', 'BLOCK', '5000', 'STREAMS', key, cursor]);
      const entries = reply?.[key] ?? [];
      for (const [id, fields] of entries) {
        JSON.parse(fields[1]!);
        cursor = id;
        seen++;
      }
    }
  })();
  const start = process.hrtime.bigint();
  await publishAll(RECORDS, () => writer.sendCommand(['XADD', key, 'MAXLEN', '~', String(RECORDS), '*', 'v', JSON.stringify(value)]));
  await reading;
  const throughput = RECORDS / seconds(start);
  await writer.del(key);
  await Promise.all([writer.close(), reader.close()]);
  return { throughput };
}

/** Subject: publish() to a topic while a subscription reads it live. */
async function redisBroker(): Promise<Result> {
  const prefix = `bench:${randomUUID()}:`;
  const broker = await createRedisBroker({ url: URL, prefix, retention: { maxLength: RECORDS } });
  await broker.publish('bench', { value }); // the topic's retention is known from here on
  const subscription = broker.subscribe('bench', { from: 'latest' });
  await subscription.ready;
  const reading = (async () => {
    let seen = 0;
    for await (const _ of subscription) if (++seen === RECORDS) return;
  })();
  const start = process.hrtime.bigint();
  await publishAll(RECORDS, () => broker.publish('bench', { value }));
  await reading;
  const throughput = RECORDS / seconds(start);
  await cleanUp(broker, prefix);
  return { throughput };
}

/** Baseline: 3 consumers, each XREADGROUP COUNT 1 BLOCK on its own connection and XACK, as the broker hands records out. */
async function rawGroup(): Promise<Result> {
  const writer = await connect();
  const consumers = await Promise.all([0, 1, 2].map(() => connect()));
  const key = `bench:${randomUUID()}`;
  await writer.sendCommand(['XGROUP', 'CREATE', key, 'g', '$', 'MKSTREAM']);
  let acked = 0;
  const start = process.hrtime.bigint();
  const working = consumers.map(async (client, n) => {
    while (acked < GROUP_RECORDS) {
      const reply = await client.sendCommand<Record<string, [string, string[]][]> | null>(
        ['XREADGROUP', 'GROUP', 'g', `c${n}`, 'COUNT', '1', 'BLOCK', '100', 'STREAMS', key, '>']);
      for (const [id, fields] of reply?.[key] ?? []) {
        JSON.parse(fields[1]!);
        await writer.sendCommand(['XACK', key, 'g', id]);
        acked++;
      }
    }
  });
  await publishAll(GROUP_RECORDS, () => writer.sendCommand(['XADD', key, '*', 'v', JSON.stringify(value)]));
  await Promise.all(working);
  const throughput = GROUP_RECORDS / seconds(start);
  await writer.del(key);
  await Promise.all([writer, ...consumers].map((c) => c.close()));
  return { throughput };
}

/** Subject: 3 members of one group take, work on and ack every record while it is published. */
async function brokerGroup(): Promise<Result> {
  const prefix = `bench:${randomUUID()}:`;
  const broker = await createRedisBroker({ url: URL, prefix, retention: { maxLength: GROUP_RECORDS } });
  const members = [0, 1, 2].map((n) => broker.subscribe('jobs', { group: 'g', consumer: `c${n}` }));
  await Promise.all(members.map((m) => m.ready));
  let acked = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const start = process.hrtime.bigint();
  const working = members.map(async (member) => {
    for (;;) {
      const record = await member.next();
      if (!record) return;
      await member.ack(record);
      if (++acked === GROUP_RECORDS) done();
    }
  });
  await publishAll(GROUP_RECORDS, () => broker.publish('jobs', { value }));
  await finished;
  const throughput = GROUP_RECORDS / seconds(start);
  await Promise.all(members.map((m) => m.close()));
  await Promise.all(working);
  await cleanUp(broker, prefix);
  return { throughput };
}

async function cleanUp(broker: Broker, prefix: string): Promise<void> {
  await broker.close();
  const client = await connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) if (keys.length) await client.unlink(keys);
  await client.close();
}

export const scenarios: Scenario[] = [
  {
    name: 'broker-redis: publish→subscribe',
    issue: 9,
    unit: 'records/s',
    target: { throughput: 0.7 },
    baseline: { label: 'node-redis XADD + XREAD BLOCK', run: rawRelay },
    subject: { label: 'Redis broker', run: redisBroker },
  },
  {
    name: 'broker-redis: group of 3 consumers, acked',
    issue: 9,
    unit: 'records/s',
    baseline: { label: 'node-redis XREADGROUP COUNT 1 + XACK', run: rawGroup },
    subject: { label: 'Redis broker group', run: brokerGroup },
  },
];
