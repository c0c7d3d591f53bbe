import { isAbsolute, resolve } from 'node:path';
import { langstreamGateway, readManifest, type TenantOptions } from '@agentway/langstream-gateway';
import { anyOf, arrayOf, boolean, duration, number, object, oneOf, recordOf, required, satisfies, string } from '@agentway/options';
import type { Feature } from '../feature';

/** One LangStream application of the gateway config. */
export interface LangStreamApplicationSection {
  /** The `gateways.yaml`: a path (relative to the config file's folder) or the manifest itself. */
  manifest: string | Record<string, unknown>;
  /** The topics the application's pipeline declares (every gateway topic must be one of them). */
  topics?: string[];
  /** Prepended to the manifest's topics on the broker, to keep applications apart. */
  topicPrefix?: string;
  /** Service gateways' `agent-id` → the agent's URL. */
  agents?: Record<string, string>;
  /** What `${secrets.<id>.<key>}` in the manifest names. */
  secrets?: Record<string, Record<string, unknown>>;
  /** What `${globals.<key>}` in the manifest names. */
  globals?: Record<string, unknown>;
}

/** The `langstream` section of the gateway config: `langstreamGateway()`'s options, less the broker and runtime. */
export interface LangStreamSection {
  tenants?: Record<string, { applications: Record<string, LangStreamApplicationSection> }>;
  /** LangStream's server-side test-mode provider: `{ provider, configuration }`. */
  testAuth?: { provider: string; configuration?: Record<string, unknown> };
  valueFormat?: 'text' | 'json';
  serviceTimeout?: number;
  pingInterval?: number;
  highWaterMark?: number;
  maxPayload?: number;
  limit?: number | string;
  requireAuthentication?: boolean;
}

const name = string({ nonEmpty: true });
const anything = satisfies<unknown>('any value', () => true);
const application = object({
  manifest: required(anyOf<[string, Record<string, unknown>]>('a path to gateways.yaml or the manifest itself', name, recordOf(anything))),
  topics: arrayOf(name),
  topicPrefix: string(),
  agents: recordOf(name),
  secrets: recordOf(recordOf(anything)),
  globals: recordOf(anything),
});

/**
 * LangStream gateways (`@agentway/langstream-gateway`) on the gateway's broker and runtime: the
 * tenants' applications, each from its `gateways.yaml`; WebSockets on the gateway's server.
 */
export const langstreamFeature: Feature<LangStreamSection> = {
  name: 'langstream',
  config: object({
    tenants: recordOf(object({ applications: required(recordOf(application)) })),
    testAuth: object({ provider: required(name), configuration: recordOf(anything) }),
    valueFormat: oneOf('text', 'json'),
    serviceTimeout: duration(1),
    pingInterval: duration(0),
    highWaterMark: number({ min: 1, integer: true }),
    maxPayload: number({ min: 1, integer: true }),
    limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 0 }), name),
    requireAuthentication: boolean(),
  }),
  mount(context, section) {
    if (!section?.tenants || Object.keys(section.tenants).length === 0) return { endpoints: [] };
    const { tenants: sections, ...options } = section;
    const tenants: Record<string, TenantOptions> = {};
    for (const [tenant, { applications }] of Object.entries(sections)) {
      tenants[tenant] = {
        applications: Object.fromEntries(Object.entries(applications).map(([app, { manifest, ...rest }]) => [app, {
          ...rest,
          manifest: typeof manifest === 'string' ? readManifest(isAbsolute(manifest) ? manifest : resolve(context.baseDir, manifest)) : manifest,
        }])),
      };
    }
    const gateway = langstreamGateway({ ...options, tenants, broker: context.broker, runtime: context.runtime, logger: context.logger });
    return {
      endpoints: gateway.endpoints,
      router: gateway.router,
      attach: (server) => gateway.attach(server),
      close: () => gateway.close(),
    };
  },
};
