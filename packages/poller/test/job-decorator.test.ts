import assert from 'node:assert/strict';
import FakeTimers, { type Clock as InstalledClock } from '@sinonjs/fake-timers';
import { PollerManager, type JobContext } from '@agentway/poller';

describe('PollerManager decorators (TypeScript 5 standard decorators)', () => {
  let clock: InstalledClock;
  let poller: PollerManager;

  beforeEach(() => {
    clock = FakeTimers.install({ now: Date.parse('2026-01-05T08:50:00.000Z'), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    poller = new PollerManager();
  });

  afterEach(async () => {
    await poller.stop();
    clock.uninstall();
  });

  it('should register @poller.every() on an instance method, bound to the instance, named Class.method', async () => {
    class Inventory {
      readonly synced: string[] = [];

      constructor(readonly shop: string) {}

      @poller.every({ minutes: 15 })
      async sync({ scheduledAt, signal }: JobContext) {
        assert.equal(signal.aborted, false);
        this.synced.push(`${this.shop} ${scheduledAt.toISOString()}`);
      }
    }
    assert.deepEqual(poller.jobs(), []);
    const inventory = new Inventory('acme');
    poller.start();
    await clock.tickAsync(30 * 60_000);
    assert.deepEqual(inventory.synced, ['acme 2026-01-05T09:00:00.000Z', 'acme 2026-01-05T09:15:00.000Z']);
    assert.deepEqual(poller.jobs().map((j) => j.name), ['Inventory.sync']);
    assert.throws(() => new Inventory('second'), { code: 'ERR_POLLER_DUPLICATE_NAME' });
  });

  it('should register @poller.cron() on a static method when the class is defined, with its options', async () => {
    const sent: string[] = [];
    class Digest {
      static readonly channel = '#ops';

      @poller.cron('0 9 * * *', { timezone: 'UTC', name: 'daily-digest', timeout: 60_000 })
      static send() {
        sent.push(this.channel);
      }
    }
    assert.equal(Digest.channel, '#ops');
    assert.deepEqual(poller.jobs().map((j) => [j.name, j.nextRun]), [['daily-digest', null]]);
    poller.start();
    await clock.tickAsync(10 * 60_000);
    assert.deepEqual(sent, ['#ops']);
  });

  it('should refuse to run as a legacy (experimentalDecorators) decorator', () => {
    const decorator = poller.every({ minutes: 1 }) as unknown as (target: object, key: string, descriptor: PropertyDescriptor) => void;
    assert.throws(() => decorator({}, 'sync', { value: () => {} }), {
      name: 'TypeError', code: 'ERR_POLLER_LEGACY_DECORATOR',
      message: /^\[@agentway\/poller\] the job decorators are TypeScript 5 standard decorators \(turn experimentalDecorators off\)/,
    });
  });
});
