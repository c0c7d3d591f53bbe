import { checkTopic } from '@agentway/broker';
import type { AuthProvider, AuthProviderFactory } from './auth-provider';
import { githubAuthProvider } from './github-auth-provider';
import { googleAuthProvider } from './google-auth-provider';
import { httpAuthProvider } from './http-auth-provider';
import { jwtAuthProvider } from './jwt-auth-provider';
import { LangStreamGatewayError, RequestError } from './langstream-error';
import { gatewayTopics, type GatewayDefinition, type GatewayType } from './manifest';
import type { ResolvedOptions } from './options';
import { parseManifest } from './parse-manifest';
import { resolvePlaceholders } from './placeholders';

/** One application as served: its gateways, its topic mapping and each gateway's auth provider. */
export interface Application {
  readonly tenant: string;
  readonly name: string;
  readonly gateways: readonly GatewayDefinition[] | undefined;
  /** The broker topic of a manifest topic (the application's prefix + the name). */
  topic(name: string): string;
  readonly agents: Readonly<Record<string, string>>;
  readonly providers: ReadonlyMap<GatewayDefinition, AuthProvider>;
}

const BUILT_IN: Readonly<Record<string, AuthProviderFactory>> = {
  jwt: jwtAuthProvider, http: httpAuthProvider, google: googleAuthProvider, github: githubAuthProvider,
};

/** Every tenant's applications, validated once at start-up; looks gateways up as LangStream does. */
export class Applications {
  private readonly tenants = new Map<string, Map<string, Application>>();
  readonly testProvider: AuthProvider | undefined;

  constructor(options: ResolvedOptions) {
    const factories = { ...BUILT_IN, ...options.authProviders };
    const build = (provider: string, configuration: Readonly<Record<string, unknown>>, where: string) => {
      const factory = Object.hasOwn(factories, provider) ? factories[provider] : undefined;
      if (!factory) fail('ERR_LANGSTREAM_GATEWAY_INVALID_AUTH_CONFIG', where, `No GatewayAuthenticationProvider found for type ${provider}`);
      try {
        return factory(configuration);
      } catch (err) {
        if (!(err instanceof LangStreamGatewayError)) throw err;
        throw new LangStreamGatewayError(err.code, `${where}, ${provider} authentication`, err.reason, { cause: err });
      }
    };
    this.testProvider = options.testAuth && build(options.testAuth.provider, options.testAuth.configuration ?? {}, 'testAuth');
    for (const [tenant, { applications }] of Object.entries(options.tenants)) {
      const apps = new Map<string, Application>();
      for (const [name, app] of Object.entries(applications)) {
        const where = `tenant "${tenant}", application "${name}"`;
        const parsed = parseManifest(app.manifest, where);
        const manifest = { gateways: parsed.gateways?.map((gateway) => {
          try {
            return resolvePlaceholders(gateway, app);
          } catch (err) {
            return fail('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', `${where}, gateway "${gateway.id}"`, (err as Error).message);
          }
        }) };
        const prefix = app.topicPrefix ?? '';
        const agents = Object.freeze({ ...app.agents });
        const providers = new Map<GatewayDefinition, AuthProvider>();
        for (const gateway of manifest.gateways ?? []) {
          const at = `${where}, gateway "${gateway.id}"`;
          if (options.requireAuthentication && !gateway.authentication) fail('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', at, `Gateway ${gateway.id} is missing authentication`);
          if ((gateway.type === 'produce' || gateway.type === 'consume') && gateway.topic === undefined) {
            fail('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', at, `Gateway of type '${gateway.type}' must have topic`);
          }
          for (const topic of gatewayTopics(gateway)) {
            if (app.topics && !app.topics.includes(topic)) fail('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', at, `Topic ${topic} is not defined in any module of the application`);
            try {
              checkTopic(prefix + topic);
            } catch (err) {
              fail('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', at, `Topic ${topic}: ${(err as Error).message.replace('[@agentway/broker] ', '')}`);
            }
          }
          const agentId = gateway.serviceOptions?.agentId;
          if (agentId !== undefined && !Object.hasOwn(agents, agentId) && !options.runtime?.agents.get(agentId)) {
            fail('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', at, `agent ${agentId} is neither in the application's "agents" (a URL) nor an agent of the runtime`);
          }
          const auth = gateway.authentication;
          if (auth) {
            if (auth.provider === undefined) fail('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', at, 'authentication.provider is required');
            providers.set(gateway, build(auth.provider, auth.configuration, at));
          }
        }
        apps.set(name, Object.freeze({
          tenant, name, gateways: manifest.gateways, agents, providers,
          topic: prefix === '' ? (t: string) => t : (t: string) => prefix + t,
        }));
      }
      this.tenants.set(tenant, apps);
    }
  }

  /** Steps 1–4 of LangStream's pipeline, with its messages (a `RequestError` `invalid`). */
  find(tenant: string, application: string, gatewayId: string, type: GatewayType): { app: Application; gateway: GatewayDefinition } {
    const app = this.tenants.get(tenant)?.get(application);
    if (!app) throw new RequestError('invalid', `application ${application} not found`);
    if (!app.gateways) throw new RequestError('invalid', 'no gateways defined for the application');
    const gateway = app.gateways.find((g) => g.id === gatewayId && g.type === type);
    if (!gateway) throw new RequestError('invalid', `gateway ${gatewayId} of type ${type} is not defined in the application`);
    return { app, gateway };
  }

  /** True when the application has a gateway of that id and type. */
  has(tenant: string, application: string, gatewayId: string, type: GatewayType): boolean {
    return this.tenants.get(tenant)?.get(application)?.gateways?.some((g) => g.id === gatewayId && g.type === type) ?? false;
  }

  /** `METHOD path` of every gateway, for the start-up banner. */
  endpoints(): string[] {
    const lines: string[] = [];
    for (const [tenant, apps] of this.tenants) {
      for (const [name, app] of apps) {
        for (const g of app.gateways ?? []) {
          const at = `${tenant}/${name}/${g.id}`;
          if (g.type !== 'service') lines.push(`WS /v1/${g.type}/${at}`);
          if (g.type === 'produce' || g.type === 'service') lines.push(`POST /api/gateways/${g.type}/${at}`);
        }
      }
    }
    return lines;
  }
}

function fail(code: 'ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST' | 'ERR_LANGSTREAM_GATEWAY_INVALID_AUTH_CONFIG', where: string, reason: string): never {
  throw new LangStreamGatewayError(code, where, reason);
}
