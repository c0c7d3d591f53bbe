import { anyOf, arrayOf, duration, number, object, oneOf, OptionError, required, string } from '@agentway/options';
import { SCHEME_NAMES, WebhookRouter, type SchemeName, type WebhookRouterSource } from '@agentway/webhooks';
import type { Feature } from '../feature';

/** One signed webhook route of the gateway: verified, de-duplicated and published on `topic`. */
export interface WebhookRouteSection {
  /** Letters, digits, `_`, `-`: the event-name prefix and the secret's environment variable. */
  name: string;
  scheme: SchemeName;
  /** Default `/webhooks/<name>`. */
  path?: string;
  secret?: string;
  secrets?: string[];
  tolerance?: number;
  limit?: number | string;
  /** Default `webhooks.<name>`. */
  topic?: string;
  dedupeTtl?: number;
  signatureHeader?: string;
  signaturePrefix?: string;
  encoding?: 'hex' | 'base64' | 'base64url';
  timestampHeader?: string;
  idHeader?: string;
  typeHeader?: string;
  signedPayload?: string;
}

/** The `webhooks` section of the gateway config. */
export interface WebhooksSection {
  routes?: WebhookRouteSection[];
}

const text = string({ nonEmpty: true });

/** `AGENTWAY_WEBHOOK_<NAME>_SECRET(S)`: `stripe-live` → `AGENTWAY_WEBHOOK_STRIPE_LIVE_SECRETS`. */
export function webhookSecretVariable(name: string, plural = false): string {
  return `AGENTWAY_WEBHOOK_${name.replace(/-/g, '_').toUpperCase()}_SECRET${plural ? 'S' : ''}`;
}

function secretsOf(route: WebhookRouteSection, env: NodeJS.ProcessEnv): Pick<WebhookRouterSource, 'secret' | 'secrets'> {
  const many = env[webhookSecretVariable(route.name, true)];
  if (many !== undefined && many.trim() !== '') return { secrets: many.split(',').map((s) => s.trim()).filter(Boolean) };
  const one = env[webhookSecretVariable(route.name)];
  if (one !== undefined && one !== '') return { secret: one };
  return route.secrets !== undefined ? { secrets: route.secrets } : route.secret !== undefined ? { secret: route.secret } : {};
}

/**
 * Signed webhooks (`@agentway/webhooks`): one `POST` route per configured source, verified and
 * published on its topic for whatever consumes it (a `WebhookRouter` worker, a LangStream consumer).
 * The gateway runs no handlers itself (`consume: false`), so it never takes deliveries from a worker.
 */
export const webhooksFeature: Feature<WebhooksSection> = {
  name: 'webhooks',
  config: object({
    routes: arrayOf(object({
      name: required(text),
      scheme: required(oneOf(...SCHEME_NAMES)),
      path: text,
      secret: text,
      secrets: arrayOf(text, { nonEmpty: true }),
      tolerance: number({ min: 1 }),
      limit: anyOf<[number, string]>('a number of bytes or a size such as "1mb"', number({ min: 1, integer: true }), text),
      topic: text,
      dedupeTtl: duration(1000),
      signatureHeader: text,
      signaturePrefix: string(),
      encoding: oneOf('hex', 'base64', 'base64url'),
      timestampHeader: text,
      idHeader: text,
      typeHeader: text,
      signedPayload: text,
    })),
  }),
  mount(context, section = {}) {
    const routes = section.routes ?? [];
    if (routes.length === 0) return { endpoints: [] };
    const sources = routes.map((route): WebhookRouterSource => {
      const { secret: _secret, secrets: _secrets, path, ...rest } = route;
      return { ...rest, path: path ?? `/webhooks/${route.name}`, ...secretsOf(route, context.env) };
    });
    let webhooks: WebhookRouter;
    try {
      webhooks = new WebhookRouter({ broker: context.broker, consume: false, sources, logger: context.logger, shutdownTimeout: context.shutdownTimeout });
    } catch (err) {
      if (!(err instanceof OptionError)) throw err;
      const option = err.option.replace(/^sources\[(\d+)\]/, 'webhooks.routes[$1]');
      const route = /^sources\[(\d+)\]/.exec(err.option);
      const hint = err.code === 'ERR_WEBHOOKS_MISSING_OPTION' && route && err.option.endsWith('.secret')
        ? ` (or set ${webhookSecretVariable(routes[Number(route[1])]!.name)})` : '';
      throw new OptionError('gateway', err.code.replace('ERR_WEBHOOKS_', 'ERR_GATEWAY_'), option,
        `${err.message.replace('[@agentway/webhooks] ', '').replaceAll(/sources\[(\d+)\]/g, 'webhooks.routes[$1]')}${hint}`);
    }
    return {
      endpoints: sources.map((s) => `POST ${s.path} (${s.scheme})`),
      router: webhooks.router(),
      close: () => webhooks.close(),
    };
  },
};
