import { randomUUID } from 'node:crypto';
import { createMemoryBroker, type Broker } from '@agentway/broker';
import { createRedisBroker } from '@agentway/broker-redis';
import type { ExpressModule } from '@agentway/test-harness';
import { langstreamClient, listen, redisPrefix, type LangStreamClient, type Listening, type RedisPrefix } from '@agentway/testing';
import { langstreamGateway, type LangStreamGateway, type LangStreamGatewayOptions, type TenantOptions } from '@agentway/langstream-gateway';

/** A broker the suites run on. */
export interface BrokerKind {
  readonly name: string;
  create(): Broker | Promise<Broker>;
  /** Closes a broker `create()` made, and removes what it left behind. */
  release(broker: Broker): Promise<void>;
}

const memory: BrokerKind = {
  name: 'memory',
  create: () => createMemoryBroker({ retention: { maxLength: 100_000 } }),
  release: (broker) => broker.close(),
};

const redisPrefixes = new WeakMap<Broker, RedisPrefix>();

/** A Redis broker under a key prefix of its own, whose keys are deleted when it is released. */
const redis: BrokerKind = {
  name: 'Redis',
  async create() {
    const keys = redisPrefix('langstream');
    const broker = await createRedisBroker({ url: keys.url, prefix: keys.prefix, retention: { maxLength: 100_000 } });
    redisPrefixes.set(broker, keys);
    return broker;
  },
  async release(broker) {
    await broker.close();
    await redisPrefixes.get(broker)!.cleanup();
  },
};

/** The brokers every suite runs on: the memory broker, and Redis (on 127.0.0.1:6379 or AGENTWAY_TEST_REDIS_URL). */
export const BROKERS: readonly BrokerKind[] = [memory, redis];

/** Declares `suite` once per broker kind. */
export function forEachBroker(suite: (kind: BrokerKind) => void): void {
  for (const kind of BROKERS) describe(`on the ${kind.name} broker`, () => suite(kind));
}

type GatewayOptions = Omit<LangStreamGatewayOptions, 'broker' | 'tenants' | 'manifest'>;

/**
 * A gateway on an Express app on an ephemeral port, with a LangStream client. Applications get a
 * random topic prefix, so suites sharing a Redis never see each other's records.
 */
export class Harness {
  private constructor(readonly broker: Broker, readonly gateway: LangStreamGateway, readonly listening: Listening,
    readonly client: LangStreamClient, readonly prefix: string, private readonly kind: BrokerKind) {}

  /** One application, `t/app`, from `manifest`; or `tenants` as given (each application prefixed). */
  static async start(express: ExpressModule, kind: BrokerKind, manifest: string | object | Record<string, TenantOptions>,
    options: GatewayOptions & { tenants?: true; wrapBroker?: (broker: Broker) => Broker } = {}): Promise<Harness> {
    const { tenants: many, wrapBroker = (b: Broker) => b, ...rest } = options;
    const broker = await kind.create();
    const prefix = `lsgw.${randomUUID().slice(0, 8)}.`;
    const tenants: Record<string, TenantOptions> = many
      ? Object.fromEntries(Object.entries(manifest as Record<string, TenantOptions>).map(([t, { applications }]) => [t, {
        applications: Object.fromEntries(Object.entries(applications).map(([a, app]) => [a, { ...app, topicPrefix: prefix + (app.topicPrefix ?? '') }])),
      }]))
      : { t: { applications: { app: { manifest: manifest as string | object, topicPrefix: prefix } } } };
    let gateway: LangStreamGateway;
    try {
      gateway = langstreamGateway({ broker: wrapBroker(broker), tenants, pingInterval: 0, ...rest });
    } catch (err) {
      await kind.release(broker);
      throw err;
    }
    const app = express();
    app.use(gateway.router);
    const listening = await listen(app);
    gateway.attach(listening.server);
    return new Harness(broker, gateway, listening, langstreamClient(listening.url), prefix, kind);
  }

  /** The broker topic of a manifest topic. */
  topic(name: string): string {
    return this.prefix + name;
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.gateway.close();
    await this.listening.close();
    await this.kind.release(this.broker);
  }
}
