import assert from 'node:assert/strict';
import FakeTimers, { type Clock as InstalledClock } from '@sinonjs/fake-timers';
import { createMemoryBroker, type Broker, type BrokerRecord } from '@agentway/broker';
import { ListenerManager } from '@agentway/poller';
import { collector, until } from './sse-server';

describe('ListenerManager.onTopic()', () => {
  let broker: Broker;
  let managers: ListenerManager[];

  beforeEach(() => {
    broker = createMemoryBroker();
    managers = [];
  });

  afterEach(async () => {
    await Promise.all(managers.map((m) => m.stop()));
    await broker.close();
  });

  const manager = () => {
    const m = new ListenerManager({ broker, backoff: { initial: 5, max: 20 } });
    managers.push(m);
    return m;
  };

  it('should give every record to every instance without a group, in order', async () => {
    const heard = [collector<string>(), collector<string>()];
    for (const c of heard) {
      const m = manager();
      m.onTopic('orders', (r) => { c.add(`${r.key}:${JSON.stringify(r.value)}`); });
      m.start();
      await m.ready();
    }
    for (let i = 1; i <= 3; i++) await broker.publish('orders', { key: `o${i}`, value: { n: i } });
    await Promise.all(heard.map((c) => c.until(3)));
    for (const c of heard) assert.deepEqual(c.items, ['o1:{"n":1}', 'o2:{"n":2}', 'o3:{"n":3}']);
  });

  it('should republish each record with its key, value and headers, plus where it came from', async () => {
    const m = manager();
    const h = m.onTopic('inbox', null, { name: 'relay', republish: 'outbox' });
    m.start();
    await m.ready();
    await broker.publish('inbox', { key: 'k', value: { hello: 'world' }, headers: { trace: 't1' } });
    await until(() => h.status().republished === 1);
    const last = (await broker.describe('outbox'))!.last!;
    assert.deepEqual([last.key, last.value, last.headers], ['k', { hello: 'world' }, { trace: 't1', listener: 'relay', 'source-topic': 'inbox' }]);
    assert.equal(h.status().lastEventId, (await broker.describe('inbox'))!.last!.offset);
  });

  it('should end with state closed when the broker closes', async () => {
    const m = manager();
    const h = m.onTopic('orders', () => {});
    m.start();
    await m.ready();
    await broker.close();
    await until(() => h.status().state === 'closed');
    assert.equal(h.status().lastError!.code, 'ERR_BROKER_CLOSED');
  });

  describe('with a group', () => {
    let clock: InstalledClock;

    beforeEach(() => { clock = FakeTimers.install({ toFake: ['Date', 'setTimeout', 'clearTimeout'] }); });
    afterEach(() => { clock.uninstall(); });

    it('should share the records and hand a failed one out again after the ack timeout', async () => {
      const handled = collector<string>();
      let failOnce = true;
      for (const i of [0, 1]) {
        const m = manager();
        m.onTopic('jobs', (r: BrokerRecord) => {
          if (r.key === 'j2' && failOnce) {
            failOnce = false;
            throw new Error('try again');
          }
          handled.add(`${r.key}${r.redelivered ? ' again' : ''} by ${i}`);
        }, { group: 'workers', ackTimeout: 1_000 });
        m.start();
      }
      await Promise.all(managers.map((m) => m.ready()));
      for (let i = 1; i <= 4; i++) await broker.publish('jobs', { key: `j${i}`, value: i });
      await handled.until(3);
      await clock.tickAsync(1_001);
      await handled.until(4);
      const keys = handled.items.map((s) => s.split(' by ')[0]).sort();
      assert.deepEqual(keys, ['j1', 'j2 again', 'j3', 'j4']);
      const statuses = managers.map((m) => m.status()[0]!);
      assert.equal(statuses[0]!.name, 'topic jobs (workers)');
      assert.equal(statuses[0]!.failed + statuses[1]!.failed, 1);
      assert.equal(statuses[0]!.handled + statuses[1]!.handled, 4);
    });
  });

  it('should refuse onTopic() and republish without a broker', () => {
    const m = new ListenerManager();
    assert.throws(() => m.onTopic('x', () => {}), { code: 'ERR_POLLER_NO_BROKER', message: '[@agentway/poller] onTopic() needs the broker option' });
    assert.throws(() => m.onSse('http://127.0.0.1:1/', null, { republish: 'y' }), { code: 'ERR_POLLER_NO_BROKER' });
    assert.throws(() => m.onSse('http://127.0.0.1:1/', null), { code: 'ERR_POLLER_NO_HANDLER', message: '[@agentway/poller] listener "sse http://127.0.0.1:1/" needs a handler or the republish option' });
    assert.throws(() => m.onSse('ftp://x/', () => {}), { code: 'ERR_POLLER_INVALID_TARGET' });
    assert.throws(() => m.onSse('http://x/', () => {}, { header: {} } as never), { code: 'ERR_POLLER_UNKNOWN_OPTION', message: '[@agentway/poller] unknown option "header"; did you mean "headers"?' });
    assert.throws(() => new ListenerManager({ redis: 'localhost:6379' }), { code: 'ERR_POLLER_INVALID_OPTION' });
  });
});
