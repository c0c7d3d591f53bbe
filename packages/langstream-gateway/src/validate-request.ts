import type { Application, Applications } from './applications';
import { RequestError } from './langstream-error';
import type { GatewayDefinition, GatewayType } from './manifest';

/** A request to a gateway, before validation. */
export interface GatewayRequest {
  readonly tenant: string;
  readonly application: string;
  readonly gatewayId: string;
  readonly type: GatewayType;
  readonly query: Map<string, string>;
}

/** A validated request (LangStream's `GatewayRequestContext`). */
export interface RequestContext {
  readonly tenant: string;
  readonly application: string;
  readonly app: Application;
  readonly gateway: GatewayDefinition;
  readonly parameters: ReadonlyMap<string, string>;
  readonly options: ReadonlyMap<string, string>;
  readonly credentials: string | undefined;
  readonly testCredentials: string | undefined;
}

/**
 * Steps 1–10 of LangStream's request pipeline, in its order and with its texts (a `RequestError`
 * `invalid`: 500 at a WebSocket handshake, 400 over HTTP). Differs on purpose in one place: a
 * service gateway accepts the parameters it declares (LangStream rejects every `param:` there).
 */
export function validateRequest(apps: Applications, request: GatewayRequest): RequestContext {
  const { tenant, application, type } = request;
  const { app, gateway } = apps.find(tenant, application, request.gatewayId, type);
  const fail = (error: string): never => {
    throw new RequestError('invalid', `Error for gateway ${gateway.id} (tenant: ${tenant}, appId: ${application}): ${error}`);
  };
  const query = new Map(request.query);
  const credentials = query.get('credentials');
  const testCredentials = query.get('test-credentials');
  query.delete('credentials');
  query.delete('test-credentials');
  const parameters = new Map<string, string>();
  const options = new Map<string, string>();
  const proxied = type === 'service' && gateway.serviceOptions?.agentId !== undefined;
  if (!proxied) {
    for (const [key, value] of query) {
      if (key.startsWith('option:')) options.set(key.slice(7), value);
      else if (key.startsWith('param:')) parameters.set(key.slice(6), value);
      else {
        throw new RequestError('invalid', `invalid query parameter ${key}. To specify a gateway parameter, use the format param:<parameter_name>.`
          + 'To specify a option, use the format option:<option_name>.');
      }
    }
    const required = type === 'service' ? [] : requiredParameters(gateway);
    const unknown = new Set(parameters.keys());
    for (const name of required) {
      if (!/\S/.test(parameters.get(name) ?? '')) fail(`missing required parameter ${name}. Required parameters: [${required.join(', ')}]`);
      unknown.delete(name);
    }
    if (type === 'service') for (const name of serviceParameters(gateway)) unknown.delete(name);
    if (unknown.size > 0) fail(`unknown parameters: [${[...unknown].join(', ')}]`);
    for (const [name, value] of options) {
      if (type === 'service') break;
      if (name !== 'position' || type === 'produce') throw new RequestError('invalid', `Unknown option ${name}`);
      if (!/\S/.test(value)) throw new RequestError('invalid', "'position' cannot be blank");
    }
  }
  if (credentials !== undefined && testCredentials !== undefined) fail('credentials and test-credentials cannot be used together');
  return { tenant, application, app, gateway, parameters, options, credentials, testCredentials };
}

/** LangStream's required parameters: `parameters`, plus for chat every header's `value-from-parameters`. */
function requiredParameters(gateway: GatewayDefinition): string[] {
  const required = [...gateway.parameters ?? []];
  if (gateway.type === 'chat') {
    for (const header of gateway.chatOptions?.headers ?? []) {
      if (header.valueFromParameters !== undefined && !required.includes(header.valueFromParameters)) required.push(header.valueFromParameters);
    }
  }
  return required;
}

/** What a service gateway accepts as (optional) parameters: those it declares or its headers use. */
function serviceParameters(gateway: GatewayDefinition): string[] {
  const names = [...gateway.parameters ?? []];
  for (const header of gateway.serviceOptions?.headers ?? []) if (header.valueFromParameters !== undefined) names.push(header.valueFromParameters);
  return names;
}
