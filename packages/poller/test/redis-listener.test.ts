import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { ListenerManager, type RedisMessage } from '@agentway/poller';
import { recordingLogger } from './helpers';
import { collector, until } from './sse-server';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('ListenerManager.onRedis() (real Redis Pub/Sub)', () => {
  let publisher: ReturnType<typeof createClient>;
  let manager: ListenerManager | undefined;
  let broker: Broker | undefined;
  let ns: string;

  before(async () => {
    publisher = createClient({ url: REDIS_URL });
    publisher.on('error', () => undefined);
    await publisher.connect();
  });

  after(async () => {
    await publisher.close();
  });

  beforeEach(() => { ns = `poller-test.${randomUUID()}`; });

  afterEach(async () => {
    await manager?.stop();
    manager = undefined;
    await broker?.close();
    broker = undefined;
  });

  const subscribers = async (channel: string) => Number((await publisher.pubSubNumSub(channel))[channel]);

  it('should hear a channel in order, from a URL, and close its connection on stop()', async () => {
    manager = new ListenerManager({ redis: REDIS_URL });
    const got = collector<RedisMessage>();
    const handle = manager.onRedis(`${ns}.orders`, async (m) => {
      await new Promise((resolve) => setImmediate(resolve));
      got.add(m);
    });
    manager.start();
    await manager.ready();
    assert.equal(await subscribers(`${ns}.orders`), 1);
    for (const n of [1, 2, 3]) await publisher.publish(`${ns}.orders`, `{"n":${n}}`);
    await got.until(3);
    assert.deepEqual(got.items, [1, 2, 3].map((n) => ({ channel: `${ns}.orders`, message: `{"n":${n}}`, pattern: undefined })));
    assert.equal(handle.status().state, 'open');
    await manager.stop();
    assert.equal(await subscribers(`${ns}.orders`), 0);
    assert.equal(handle.status().state, 'stopped');
  });

  it('should PSUBSCRIBE a pattern and republish with the channel in the headers', async () => {
    broker = createMemoryBroker();
    manager = new ListenerManager({ redis: REDIS_URL, broker });
    const handle = manager.onRedis(`${ns}.news.*`, null, { republish: 'news' });
    manager.start();
    await manager.ready();
    await publisher.publish(`${ns}.news.sport`, 'goal');
    await publisher.publish(`${ns}.other`, 'ignored');
    await publisher.publish(`${ns}.news.weather`, 'rain');
    await until(() => handle.status().republished === 2);
    const sub = broker.subscribe('news', { from: 'earliest' });
    const records = [await sub.next(), await sub.next()];
    await sub.close();
    assert.deepEqual(records.map((r) => [r!.value, r!.headers]), [
      ['goal', { listener: `redis ${ns}.news.*`, 'redis-channel': `${ns}.news.sport`, 'redis-pattern': `${ns}.news.*` }],
      ['rain', { listener: `redis ${ns}.news.*`, 'redis-channel': `${ns}.news.weather`, 'redis-pattern': `${ns}.news.*` }],
    ]);
  });

  it('should subscribe on a duplicate of a given client, resubscribe after its connection is killed, and leave the client open', async () => {
    const name = `poller-test-${randomUUID()}`;
    const client = createClient({ url: REDIS_URL, name });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const logger = recordingLogger();
      manager = new ListenerManager({ redis: client, logger });
      const got = collector<string>();
      const handle = manager.onRedis(`${ns}.alerts`, (m) => { got.add(m.message); }, { name: 'alerts' });
      manager.start();
      await manager.ready();
      await publisher.publish(`${ns}.alerts`, 'before');
      await got.until(1);

      const list = await publisher.clientList({ TYPE: 'PUBSUB' });
      const ours = list.filter((c) => c.name === name);
      assert.equal(ours.length, 1);
      await publisher.clientKill({ filter: 'ID', id: ours[0]!.id } as never);
      await until(() => handle.status().reconnects === 1);
      while (await subscribers(`${ns}.alerts`) !== 1) await new Promise((resolve) => setImmediate(resolve));
      await publisher.publish(`${ns}.alerts`, 'after');
      await got.until(2);
      assert.deepEqual(got.items, ['before', 'after']);
      assert.equal(handle.status().state, 'open');
      assert.ok(logger.lines.some((l) => l.startsWith('warn [@agentway/poller] Redis subscriber connection:')), logger.lines.join('\n'));
      await manager.stop();
      assert.equal(client.isReady, true);
    } finally {
      await client.close();
    }
  });

  it('should keep one handler failure from stopping the others', async () => {
    manager = new ListenerManager({ redis: REDIS_URL });
    const got = collector<string>();
    const handle = manager.onRedis(`${ns}.c`, (m) => { if (m.message === 'bad') throw new Error('cannot parse'); got.add(m.message); }, { pattern: false });
    manager.start();
    await manager.ready();
    for (const m of ['a', 'bad', 'b']) await publisher.publish(`${ns}.c`, m);
    await got.until(2);
    await until(() => handle.status().failed === 1);
    assert.deepEqual(got.items, ['a', 'b']);
    assert.equal(handle.status().lastError!.message, 'cannot parse');
  });

  it('should refuse onRedis() without the redis option', () => {
    assert.throws(() => new ListenerManager().onRedis('x', () => {}), {
      code: 'ERR_POLLER_NO_REDIS', message: '[@agentway/poller] onRedis() needs the redis option (a redis:// URL or a node-redis client)',
    });
  });
});
