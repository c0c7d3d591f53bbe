import type { IncomingHttpHeaders } from 'node:http';
import type { Broker } from '@agentway/broker';
import type { GatewayDefinition, KeyValueComparison } from './manifest';
import type { RequestContext } from './validate-request';

/** Headers that carry secrets: never written to an events topic. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'sec-websocket-key']);

/**
 * Writes LangStream's `ClientConnected` / `ClientDisconnected` record to the gateway's
 * `events-topic` (value only: `{category, type, timestamp, source: {tenant, applicationId,
 * gateway}, data: {userParameters, options, httpRequestHeaders}}`). Unlike LangStream, the event
 * never holds the provider's configuration (its secrets) nor credential-bearing headers.
 */
export async function publishGatewayEvent(broker: Broker, type: 'ClientConnected' | 'ClientDisconnected', context: RequestContext,
  headers: IncomingHttpHeaders): Promise<void> {
  const { gateway } = context;
  if (gateway.eventsTopic === undefined) return;
  const httpRequestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !SECRET_HEADERS.has(name)) httpRequestHeaders[name] = Array.isArray(value) ? value[0]! : value;
  }
  await broker.publish(context.app.topic(gateway.eventsTopic), {
    value: {
      category: 'Gateway',
      type,
      timestamp: Date.now(),
      source: { tenant: context.tenant, applicationId: context.application, gateway: describeGateway(gateway) },
      data: {
        userParameters: Object.fromEntries(context.parameters),
        options: Object.fromEntries(context.options),
        httpRequestHeaders,
      },
    },
  });
}

/** The gateway as LangStream's Jackson writes it (its property names, nulls included), minus secrets. */
function describeGateway(gateway: GatewayDefinition): Record<string, unknown> {
  const list = (entries: readonly KeyValueComparison[] | undefined) => entries?.map((e) => ({
    key: e.key, value: e.value ?? null, valueFromParameters: e.valueFromParameters ?? null, valueFromAuthentication: e.valueFromAuthentication ?? null,
  })) ?? null;
  const { chatOptions: chat, serviceOptions: service } = gateway;
  return {
    id: gateway.id,
    type: gateway.type,
    topic: gateway.topic ?? null,
    authentication: gateway.authentication
      ? { provider: gateway.authentication.provider, 'allow-test-mode': gateway.authentication.allowTestMode } : null,
    parameters: gateway.parameters ?? null,
    produceOptions: gateway.produceOptions ? { headers: list(gateway.produceOptions.headers) } : null,
    consumeOptions: gateway.consumeOptions
      ? { filters: gateway.consumeOptions.filters ? { headers: list(gateway.consumeOptions.filters.headers) } : null } : null,
    'chat-options': chat ? { 'questions-topic': chat.questionsTopic, 'answers-topic': chat.answersTopic, headers: list(chat.headers) } : null,
    'service-options': service ? {
      'agent-id': service.agentId ?? null, 'input-topic': service.inputTopic ?? null, 'output-topic': service.outputTopic ?? null, headers: list(service.headers),
    } : null,
    'events-topic': gateway.eventsTopic ?? null,
  };
}
