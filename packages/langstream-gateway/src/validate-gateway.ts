import type { GatewayDefinition, KeyValueComparison } from './manifest';
import { ManifestIssue } from './manifest-reader';

/**
 * LangStream's deploy-time checks of one gateway (`ModelBuilder#validateGateway`), with its exact
 * messages — except that a service gateway with produce-options is called 'service', not 'chat'
 * (LangStream's copy-paste slip).
 */
export function validateGateway(gateway: Partial<GatewayDefinition>): void {
  const fail = (reason: string): never => {
    throw new ManifestIssue('', reason);
  };
  if (gateway.id === undefined || gateway.id.trim() === '') fail('Gateway id is required');
  if (gateway.type === undefined) fail('Gateway type is required');
  const { type } = gateway;
  const forbid = (present: unknown, what: string) => {
    if (present !== undefined) fail(`Gateway of type '${type}' cannot have ${what}`);
  };
  if (type !== 'consume') forbid(gateway.consumeOptions, 'consume-options');
  if (type !== 'produce') forbid(gateway.produceOptions, 'produce-options');
  if (type !== 'chat') forbid(gateway.chatOptions, 'chat-options');
  if (type !== 'service') forbid(gateway.serviceOptions, 'service-options');
  if (type === 'consume') gateway.consumeOptions?.filters?.headers?.forEach(validateFilter);
  if (type === 'chat') {
    if (gateway.topic !== undefined) {
      fail("Gateway of type 'chat' cannot have topic. Use chat-options.question-topic and chat-options.answers-topic instead");
    }
    const chat = gateway.chatOptions ?? fail("Gateway of type 'chat' must have chat-options");
    if (chat.answersTopic === undefined) fail("Gateway of type 'chat' must have chat-options.answers-topic");
    if (chat.questionsTopic === undefined) fail("Gateway of type 'chat' must have chat-options.questions-topic");
  }
  if (type === 'service') {
    const service = gateway.serviceOptions ?? fail("Gateway of type 'service' must have service-options");
    if (service.agentId === undefined) {
      if (service.inputTopic === undefined) fail("Gateway of type 'service' must have service-options.input-topic");
      if (service.outputTopic === undefined) fail("Gateway of type 'service' must have service-options.output-topic");
    } else if (service.inputTopic !== undefined || service.outputTopic !== undefined) {
      fail("Gateway of type 'service' with service-options.agent-id must not include service-options.input-topic and service-options.output-topic");
    }
  }
  for (const header of [...gateway.produceOptions?.headers ?? [], ...gateway.chatOptions?.headers ?? [], ...gateway.serviceOptions?.headers ?? []]) {
    // LangStream finds this when a client connects; we find it at start-up.
    if (header.key === '') fail('Header key cannot be empty');
  }
}

/** LangStream's extra checks of consume filters (`validateGatewayKeyValueComparison`). */
function validateFilter(filter: KeyValueComparison): void {
  const fail = (reason: string): never => {
    throw new ManifestIssue('', reason);
  };
  const { key, value, valueFromParameters, valueFromAuthentication } = filter;
  if (key.trim() === '') fail("'key' is required for filter");
  if (value === undefined && valueFromParameters === undefined && valueFromAuthentication === undefined) {
    fail("One of 'value', 'valueFromParameters' or 'valueFromAuthentication' must be specified for filter");
  }
  if (value !== undefined && (valueFromParameters !== undefined || valueFromAuthentication !== undefined)) {
    fail("Only one of 'value', 'valueFromParameters' or 'valueFromAuthentication' can be specified for filter");
  }
  if (value !== undefined && value.trim() === '') fail("'value' cannot be blank for filter");
  if (valueFromParameters !== undefined && valueFromParameters.trim() === '') fail("'valueFromParameters' cannot be blank for filter");
  if (valueFromAuthentication !== undefined && valueFromAuthentication.trim() === '') {
    fail("'valueFromAuthentication' cannot be blank for filter");
  }
}
