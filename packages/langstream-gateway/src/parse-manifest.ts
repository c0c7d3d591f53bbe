import { parse } from 'yaml';
import { LangStreamGatewayError } from './langstream-error';
import type { GatewayDefinition, GatewayType, KeyValueComparison, Manifest } from './manifest';
import { field, flag, list, ManifestIssue, mapping, onlyFields, text, type Raw } from './manifest-reader';
import { validateGateway } from './validate-gateway';

const TYPES: readonly GatewayType[] = ['produce', 'consume', 'chat', 'service'];

const GATEWAY_FIELDS = [['id'], ['type'], ['topic'], ['authentication'], ['parameters'], ['produceOptions', 'produce-options'],
  ['consumeOptions', 'consume-options'], ['chat-options'], ['service-options'], ['events-topic']] as const;

/**
 * Parses a LangStream `gateways.yaml` (YAML text, or the same as a JS object) and validates it as
 * LangStream does at deploy time: every field, unknown fields rejected, LangStream's messages.
 * Throws `ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST` naming `where` and the faulty field.
 */
export function parseManifest(source: string | object, where = 'manifest'): Manifest {
  let document: unknown = source;
  if (typeof source === 'string') {
    try {
      document = parse(source, { prettyErrors: true });
    } catch (err) {
      throw new LangStreamGatewayError('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', where, `not valid YAML: ${(err as Error).message}`, { cause: err });
    }
  }
  const gateways = bind(document, where);
  gateways?.forEach((gateway, i) => {
    try {
      validateGateway(gateway);
    } catch (err) {
      if (!(err instanceof ManifestIssue)) throw err;
      throw new LangStreamGatewayError('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', `${where}, gateway "${gateway.id ?? `#${i}`}"`, err.reason);
    }
  });
  return Object.freeze({ gateways: gateways && Object.freeze(gateways) });
}

function bind(document: unknown, where: string): GatewayDefinition[] | undefined {
  try {
    const root = mapping(document, 'gateways.yaml', 'Gateways');
    if (!root) return undefined;
    onlyFields(root, 'gateways.yaml', 'Gateways', [['gateways']]);
    return list(root.gateways, 'gateways', (value, at) => bindGateway(mapping(value, at, 'Gateway') ?? {}, at));
  } catch (err) {
    if (!(err instanceof ManifestIssue)) throw err;
    throw new LangStreamGatewayError('ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', `${where}, ${err.where}`, err.reason);
  }
}

function bindGateway(raw: Raw, at: string): GatewayDefinition {
  onlyFields(raw, at, 'Gateway', GATEWAY_FIELDS);
  const get = (names: readonly string[]) => field(raw, names);
  const [type] = get(['type']);
  if (type !== undefined && !TYPES.includes(type as GatewayType)) {
    throw new ManifestIssue(`${at}.type`, `Cannot deserialize value of type \`GatewayType\` from ${JSON.stringify(type)}: `
      + `not one of the values accepted for Enum class: [${TYPES.join(', ')}]`);
  }
  const [produce, produceName] = get(GATEWAY_FIELDS[5]);
  const [consume, consumeName] = get(GATEWAY_FIELDS[6]);
  return strip({
    id: text(raw.id, `${at}.id`),
    type: type as GatewayType,
    topic: text(raw.topic, `${at}.topic`),
    authentication: bindAuthentication(raw.authentication, `${at}.authentication`),
    parameters: list(raw.parameters, `${at}.parameters`, (v, w) => text(v, w) ?? ''),
    produceOptions: bindHeaders(produce, `${at}.${produceName}`, 'ProduceOptions'),
    consumeOptions: bindConsumeOptions(consume, `${at}.${consumeName}`),
    chatOptions: bindChatOptions(raw['chat-options'], `${at}.chat-options`),
    serviceOptions: bindServiceOptions(raw['service-options'], `${at}.service-options`),
    eventsTopic: text(raw['events-topic'], `${at}.events-topic`),
  }) as GatewayDefinition;
}

function bindAuthentication(value: unknown, at: string): GatewayDefinition['authentication'] {
  const raw = mapping(value, at, 'Authentication');
  if (!raw) return undefined;
  onlyFields(raw, at, 'Authentication', [['provider'], ['configuration'], ['allow-test-mode']]);
  const configuration = mapping(raw.configuration, `${at}.configuration`, 'java.util.Map') ?? {};
  return {
    provider: text(raw.provider, `${at}.provider`) as string,
    configuration: Object.freeze({ ...configuration }),
    allowTestMode: flag(raw['allow-test-mode'], `${at}.allow-test-mode`) ?? true,
  };
}

function bindHeaders(value: unknown, at: string, type: string): { headers?: KeyValueComparison[] } | undefined {
  const raw = mapping(value, at, type);
  if (!raw) return undefined;
  onlyFields(raw, at, type, [['headers']]);
  return strip({ headers: list(raw.headers, `${at}.headers`, bindComparison) });
}

function bindConsumeOptions(value: unknown, at: string): GatewayDefinition['consumeOptions'] {
  const raw = mapping(value, at, 'ConsumeOptions');
  if (!raw) return undefined;
  onlyFields(raw, at, 'ConsumeOptions', [['filters']]);
  return strip({ filters: bindHeaders(raw.filters, `${at}.filters`, 'ConsumeOptionsFilters') });
}

function bindChatOptions(value: unknown, at: string): GatewayDefinition['chatOptions'] {
  const raw = mapping(value, at, 'ChatOptions');
  if (!raw) return undefined;
  onlyFields(raw, at, 'ChatOptions', [['questions-topic'], ['answers-topic'], ['headers']]);
  return strip({
    questionsTopic: text(raw['questions-topic'], `${at}.questions-topic`) as string,
    answersTopic: text(raw['answers-topic'], `${at}.answers-topic`) as string,
    headers: list(raw.headers, `${at}.headers`, bindComparison),
  });
}

function bindServiceOptions(value: unknown, at: string): GatewayDefinition['serviceOptions'] {
  const raw = mapping(value, at, 'ServiceOptions');
  if (!raw) return undefined;
  onlyFields(raw, at, 'ServiceOptions', [['agent-id'], ['input-topic'], ['output-topic'], ['headers']]);
  return strip({
    agentId: text(raw['agent-id'], `${at}.agent-id`),
    inputTopic: text(raw['input-topic'], `${at}.input-topic`),
    outputTopic: text(raw['output-topic'], `${at}.output-topic`),
    headers: list(raw.headers, `${at}.headers`, bindComparison),
  });
}

/** LangStream's `KeyValueComparison` record, with its constructor's checks and key defaulting. */
function bindComparison(value: unknown, at: string): KeyValueComparison {
  const raw = mapping(value, at, 'KeyValueComparison') ?? {};
  onlyFields(raw, at, 'KeyValueComparison', [['key'], ['value'], ['valueFromParameters', 'value-from-parameters'],
    ['valueFromAuthentication', 'value-from-authentication']]);
  const key = text(raw.key, `${at}.key`);
  const fixed = text(raw.value, `${at}.value`);
  const fromParameters = text(field(raw, ['valueFromParameters', 'value-from-parameters'])[0], `${at}.value-from-parameters`);
  const fromAuthentication = text(field(raw, ['valueFromAuthentication', 'value-from-authentication'])[0], `${at}.value-from-authentication`);
  const fail = (reason: string) => new ManifestIssue(at, `Cannot construct instance of \`KeyValueComparison\`, problem: ${reason}`);
  if (fixed === undefined && fromParameters === undefined && fromAuthentication === undefined) {
    throw fail('Must specify one of value, value-from-parameters, or value-from-authentication');
  }
  if (fixed !== undefined && fromParameters !== undefined) throw fail('Cannot specify both value and value-from-parameters');
  if (fixed !== undefined && fromAuthentication !== undefined) throw fail('Cannot specify both value and value-from-authentication');
  if (fromAuthentication !== undefined && fromParameters !== undefined) {
    throw fail('Cannot specify both value-from-parameters and value-from-authentication');
  }
  return strip({
    key: key ?? fixed ?? fromParameters ?? fromAuthentication!,
    value: fixed,
    valueFromParameters: fromParameters,
    valueFromAuthentication: fromAuthentication,
  }) as KeyValueComparison;
}

/** Drops the `undefined` properties and freezes. */
function strip<T extends object>(object: T): T {
  for (const key of Object.keys(object) as (keyof T)[]) if (object[key] === undefined) delete object[key];
  return Object.freeze(object);
}
