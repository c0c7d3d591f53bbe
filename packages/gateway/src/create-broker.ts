import { createMemoryBroker, type Broker } from '@agentway/broker';
import type { Logger } from '@agentway/observability';
import type { RedisBrokerSection } from './gateway-config';
import { importModule } from './load-agents';

/** The broker a config names, and whether the gateway made it (and so closes it). */
export interface ConfiguredBroker {
  broker: Broker;
  owned: boolean;
  /** `memory`, `redis redis://host:port` (password hidden; ` prefix <p>` when one is given), or `custom`. */
  description: string;
}

/**
 * The broker a config names: `memory` (default), a `redis://` URL or `{ url, prefix }` (needs
 * @agentway/broker-redis), or a Broker.
 */
export async function createBroker(broker: string | RedisBrokerSection | Broker | undefined, baseDir: string, logger?: Logger): Promise<ConfiguredBroker> {
  if (broker === undefined || broker === 'memory') return { broker: createMemoryBroker(), owned: true, description: 'memory' };
  if (typeof broker !== 'string' && typeof (broker as Broker).publish === 'function') return { broker: broker as Broker, owned: false, description: 'custom' };
  const { url, prefix } = typeof broker === 'string' ? { url: broker, prefix: undefined } : broker as RedisBrokerSection;
  const module = (await importModule('@agentway/broker-redis', baseDir).catch((err: Error) => {
    throw Object.assign(new Error(`[@agentway/gateway] broker ${redact(url)} needs the package @agentway/broker-redis: ${err.message}`), { code: 'ERR_GATEWAY_BROKER' });
  })) as { createRedisBroker(options: { url: string; prefix?: string; logger?: Logger }): Promise<Broker> | Broker };
  return {
    broker: await module.createRedisBroker({ url, ...(prefix !== undefined && { prefix }), ...(logger && { logger }) }),
    owned: true,
    description: `redis ${redact(url)}${prefix === undefined ? '' : ` prefix ${prefix}`}`,
  };
}

/** A broker URL without its password. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
