import type { Broker } from '@agentway/broker';
import type { Runtime } from '@agentway/agents';
import { loggerOption, silentLogger, type Logger } from '@agentway/observability';
import {
  anyOf, arrayOf, boolean, checkOptions, func, number, object, oneOf, OptionError, recordOf, required, satisfies, string,
} from '@agentway/options';
import type { AuthProviderFactory } from './auth-provider';

/** One LangStream application: its `gateways.yaml` and what its pipeline declares. */
export interface ApplicationOptions {
  /** The `gateways.yaml`: YAML text, or the same as an object (see `readManifest()` for a file). */
  manifest: string | object;
  /**
   * The topics the application's pipeline declares. When given, every topic a gateway names must be
   * among them (LangStream: "Topic X is not defined in any module of the application"), checked at start.
   */
  topics?: readonly string[];
  /** Prepended to every manifest topic to make the broker topic (`acme.chat.` + `questions`). Default none. */
  topicPrefix?: string;
  /** Service gateways with `agent-id`: the agent's base URL (requests are forwarded there). */
  agents?: Readonly<Record<string, string>>;
  /** What `${secrets.<id>.<key>}` placeholders in the manifest name (LangStream's `secrets.yaml`). */
  secrets?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** What `${globals.<key>}` placeholders name (LangStream's instance globals). */
  globals?: Readonly<Record<string, unknown>>;
}

/** One tenant: its applications by name. */
export interface TenantOptions {
  applications: Readonly<Record<string, ApplicationOptions>>;
}

/** LangStream's server-side test-mode provider (`application.gateways.auth.test.*`). */
export interface TestAuthOptions {
  provider: string;
  configuration?: Readonly<Record<string, unknown>>;
}

/** The options of `langstreamGateway()` (see the README's table). */
export interface LangStreamGatewayOptions {
  broker: Broker;
  /** Tenants → applications → manifest. Or use `manifest` for one application. */
  tenants?: Readonly<Record<string, TenantOptions>>;
  /** Shorthand for one application, served as `<tenant>/<application>` (default `default/default`). */
  manifest?: string | object;
  tenant?: string;
  application?: string;
  /** Enables `test-credentials`: the provider that checks them. */
  testAuth?: Readonly<TestAuthOptions>;
  /** Providers by type, added to (or replacing) `jwt`, `http`, `google` and `github`. */
  authProviders?: Readonly<Record<string, AuthProviderFactory>>;
  /** Runs the agents named by service gateways' `agent-id` that have no URL in `agents`. */
  runtime?: Runtime;
  /**
   * How consumers see record values: `'text'` (default, as LangStream on Kafka: strings as they are,
   * anything else as its JSON text) or `'json'` (values as JSON).
   */
  valueFormat?: 'text' | 'json';
  /** How long a service call waits for its answer before a 504, in ms. Default 30 000. */
  serviceTimeout?: number;
  /** Ping every WebSocket this often (ms) and drop those that did not answer the last ping. Default 30 000; 0 disables. */
  pingInterval?: number;
  /** A consumer stops reading its topic while this many bytes wait to be sent to it. Default 1 MiB. */
  highWaterMark?: number;
  /** Largest WebSocket message accepted, in bytes (bigger ones close the socket with 1009). Default 1 MiB. */
  maxPayload?: number;
  /** Largest HTTP body (a number of bytes or a string such as `'1mb'`). Default `'1mb'`. */
  limit?: number | string;
  /** Refuse to start when a gateway has no `authentication` (LangStream's `require-authentication`). Default false. */
  requireAuthentication?: boolean;
  /** Where refused handshakes and stopped consumers are reported (pino-compatible). Default: silent. */
  logger?: Logger;
}

const isBroker = (v: unknown) => typeof v === 'object' && v !== null
  && ['publish', 'subscribe', 'close'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
const isRuntime = (v: unknown) => typeof v === 'object' && v !== null
  && ['start', 'result', 'cancel'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
const manifest = anyOf<[string, object]>('YAML text or a manifest object', string(),
  satisfies<object>('an object', (v) => typeof v === 'object' && v !== null && !Array.isArray(v)));
const name = string({ nonEmpty: true });
const application = object({
  manifest: required(manifest),
  topics: arrayOf(name),
  topicPrefix: string(),
  agents: recordOf(satisfies<string>('an http(s) URL', (v) => typeof v === 'string' && /^https?:\/\/[^/]/.test(v))),
  secrets: recordOf(recordOf(satisfies('any value', () => true))),
  globals: recordOf(satisfies('any value', () => true)),
});

const schema = {
  broker: required(satisfies<Broker>('a Broker', isBroker)),
  tenants: recordOf(object({ applications: required(recordOf(application)) })),
  manifest,
  tenant: name,
  application: name,
  testAuth: object({ provider: required(name), configuration: recordOf(satisfies('any value', () => true)) }),
  authProviders: recordOf(func<AuthProviderFactory>()),
  runtime: satisfies<Runtime>('a Runtime (createRuntime())', isRuntime),
  valueFormat: oneOf('text', 'json'),
  serviceTimeout: number({ min: 1 }),
  pingInterval: number({ min: 0 }),
  highWaterMark: number({ min: 1, integer: true }),
  maxPayload: number({ min: 1, integer: true }),
  limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 0 }), name),
  requireAuthentication: boolean(),
  logger: loggerOption,
};

/** The options, checked (unknown keys → a did-you-mean TypeError) with their defaults. */
export function resolveOptions(options: Readonly<LangStreamGatewayOptions>) {
  const checked = checkOptions('langstream-gateway', options, schema);
  if (checked.manifest !== undefined && checked.tenants !== undefined) {
    throw new OptionError('langstream-gateway', 'ERR_LANGSTREAM_GATEWAY_INVALID_OPTION', 'manifest',
      'give either option "tenants" or option "manifest", not both');
  }
  if ((checked.tenant !== undefined || checked.application !== undefined) && checked.manifest === undefined) {
    throw new OptionError('langstream-gateway', 'ERR_LANGSTREAM_GATEWAY_INVALID_OPTION', 'tenant',
      'options "tenant" and "application" name the application of option "manifest", which is missing');
  }
  const tenants = checked.tenants ?? (checked.manifest === undefined ? {}
    : { [checked.tenant ?? 'default']: { applications: { [checked.application ?? 'default']: { manifest: checked.manifest } } } });
  return Object.freeze({
    broker: checked.broker,
    tenants: tenants as Readonly<Record<string, TenantOptions>>,
    testAuth: checked.testAuth as TestAuthOptions | undefined,
    authProviders: checked.authProviders ?? {},
    runtime: checked.runtime,
    valueFormat: checked.valueFormat ?? 'text',
    serviceTimeout: checked.serviceTimeout ?? 30_000,
    pingInterval: checked.pingInterval ?? 30_000,
    highWaterMark: checked.highWaterMark ?? 1024 * 1024,
    maxPayload: checked.maxPayload ?? 1024 * 1024,
    limit: checked.limit ?? '1mb',
    requireAuthentication: checked.requireAuthentication ?? false,
    logger: checked.logger ?? silentLogger,
  });
}

/** The options after checks and defaults. */
export type ResolvedOptions = ReturnType<typeof resolveOptions>;
