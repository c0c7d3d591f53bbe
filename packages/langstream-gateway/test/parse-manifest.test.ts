import assert from 'node:assert/strict';
import { parseManifest } from '@agentway/langstream-gateway';

/** Parses one gateway and returns LangStream's reason for refusing it. */
function reasonFor(gateway: object): string {
  try {
    parseManifest({ gateways: [gateway] });
  } catch (err) {
    assert.equal((err as { code: string }).code, 'ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST');
    return (err as { reason: string }).reason;
  }
  throw new Error('the manifest was accepted');
}

describe('parseManifest()', () => {
  it('should read every field of a LangStream gateways.yaml, aliases and defaults included', () => {
    const manifest = parseManifest(`
gateways:
  - id: chat
    type: chat
    parameters: [session-id]
    authentication:
      provider: google
      configuration:
        clientId: "\${secrets.google.client-id}"
    chat-options:
      questions-topic: questions
      answers-topic: answers
      headers:
        - value-from-parameters: session-id
    events-topic: events
  - id: in
    type: produce
    topic: input
    produceOptions:
      headers:
        - key: user
          valueFromAuthentication: login
        - key: port
          value: 8080
    authentication:
      provider: github
      allow-test-mode: false
  - id: out
    type: consume
    topic: input
    consume-options:
      filters:
        headers:
          - key: user
            value-from-authentication: login
  - id: svc
    type: service
    service-options:
      input-topic: in
      output-topic: out
`);
    assert.deepEqual(manifest.gateways, [
      {
        id: 'chat', type: 'chat', parameters: ['session-id'], eventsTopic: 'events',
        authentication: { provider: 'google', configuration: { clientId: '${secrets.google.client-id}' }, allowTestMode: true },
        chatOptions: { questionsTopic: 'questions', answersTopic: 'answers', headers: [{ key: 'session-id', valueFromParameters: 'session-id' }] },
      },
      {
        id: 'in', type: 'produce', topic: 'input',
        authentication: { provider: 'github', configuration: {}, allowTestMode: false },
        produceOptions: { headers: [{ key: 'user', valueFromAuthentication: 'login' }, { key: 'port', value: '8080' }] },
      },
      { id: 'out', type: 'consume', topic: 'input', consumeOptions: { filters: { headers: [{ key: 'user', valueFromAuthentication: 'login' }] } } },
      { id: 'svc', type: 'service', serviceOptions: { inputTopic: 'in', outputTopic: 'out' } },
    ]);
  });

  it('should treat a manifest without gateways as one that defines none', () => {
    assert.deepEqual(parseManifest(''), { gateways: undefined });
    assert.deepEqual(parseManifest({ gateways: [] }), { gateways: [] });
  });

  it('should reject unknown fields anywhere, with a hint', () => {
    assert.throws(() => parseManifest({ gateways: [{ id: 'a', type: 'consume', topics: 'x' }] }), {
      code: 'ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST',
      message: '[@agentway/langstream-gateway] manifest, gateways[0]: Unrecognized field "topics" (class Gateway), not marked as ignorable '
        + '(known properties: "id", "type", "topic", "authentication", "parameters", "produceOptions", "consumeOptions", "chat-options", '
        + '"service-options", "events-topic"); did you mean "topic"?',
    });
    assert.match(reasonFor({ id: 'a', type: 'consume', 'consume-options': { filter: {} } }), /^Unrecognized field "filter" \(class ConsumeOptions\).*did you mean "filters"\?$/);
    assert.match(reasonFor({ id: 'a', type: 'chat', 'chat-options': { 'question-topic': 'q' } }), /^Unrecognized field "question-topic" \(class ChatOptions\)/);
    assert.match(reasonFor({ id: 'a', type: 'produce', authentication: { provider: 'x', allowTestMode: false } }), /^Unrecognized field "allowTestMode" \(class Authentication\)/);
    assert.throws(() => parseManifest({ gateway: [] }), { message: /manifest, gateways\.yaml: Unrecognized field "gateway" \(class Gateways\)/ });
  });

  it('should reject an unknown type, and values of the wrong shape', () => {
    assert.equal(reasonFor({ id: 'a', type: 'Consume' }),
      'Cannot deserialize value of type `GatewayType` from "Consume": not one of the values accepted for Enum class: [produce, consume, chat, service]');
    assert.match(reasonFor({ id: 'a', type: 'consume', topic: { name: 'x' } }), /^Cannot deserialize value of type `java.lang.String` from Object value/);
    assert.match(reasonFor({ id: 'a', type: 'consume', parameters: 'x' }), /^Cannot deserialize value of type `java.util.List`/);
  });

  it('should give LangStream\'s messages for gateways that contradict their type', () => {
    const chat = { 'questions-topic': 'q', 'answers-topic': 'a' };
    const cases: [object, string][] = [
      [{ type: 'consume' }, 'Gateway id is required'],
      [{ id: ' ', type: 'consume' }, 'Gateway id is required'],
      [{ id: 'g' }, 'Gateway type is required'],
      [{ id: 'g', type: 'consume', produceOptions: {} }, "Gateway of type 'consume' cannot have produce-options"],
      [{ id: 'g', type: 'consume', 'chat-options': chat }, "Gateway of type 'consume' cannot have chat-options"],
      [{ id: 'g', type: 'consume', 'service-options': {} }, "Gateway of type 'consume' cannot have service-options"],
      [{ id: 'g', type: 'produce', consumeOptions: {} }, "Gateway of type 'produce' cannot have consume-options"],
      [{ id: 'g', type: 'produce', 'chat-options': chat }, "Gateway of type 'produce' cannot have chat-options"],
      [{ id: 'g', type: 'produce', 'service-options': {} }, "Gateway of type 'produce' cannot have service-options"],
      [{ id: 'g', type: 'chat', consumeOptions: {} }, "Gateway of type 'chat' cannot have consume-options"],
      [{ id: 'g', type: 'chat', produceOptions: {} }, "Gateway of type 'chat' cannot have produce-options"],
      [{ id: 'g', type: 'chat', 'service-options': {} }, "Gateway of type 'chat' cannot have service-options"],
      [{ id: 'g', type: 'chat', topic: 't', 'chat-options': chat },
        "Gateway of type 'chat' cannot have topic. Use chat-options.question-topic and chat-options.answers-topic instead"],
      [{ id: 'g', type: 'chat' }, "Gateway of type 'chat' must have chat-options"],
      [{ id: 'g', type: 'chat', 'chat-options': {} }, "Gateway of type 'chat' must have chat-options.answers-topic"],
      [{ id: 'g', type: 'chat', 'chat-options': { 'answers-topic': 'a' } }, "Gateway of type 'chat' must have chat-options.questions-topic"],
      [{ id: 'g', type: 'service', consumeOptions: {} }, "Gateway of type 'service' cannot have consume-options"],
      [{ id: 'g', type: 'service', produceOptions: {} }, "Gateway of type 'service' cannot have produce-options"],
      [{ id: 'g', type: 'service', 'chat-options': chat }, "Gateway of type 'service' cannot have chat-options"],
      [{ id: 'g', type: 'service' }, "Gateway of type 'service' must have service-options"],
      [{ id: 'g', type: 'service', 'service-options': { 'output-topic': 'o' } }, "Gateway of type 'service' must have service-options.input-topic"],
      [{ id: 'g', type: 'service', 'service-options': { 'input-topic': 'i' } }, "Gateway of type 'service' must have service-options.output-topic"],
      [{ id: 'g', type: 'service', 'service-options': { 'agent-id': 'x', 'input-topic': 'i' } },
        "Gateway of type 'service' with service-options.agent-id must not include service-options.input-topic and service-options.output-topic"],
    ];
    for (const [gateway, reason] of cases) assert.equal(reasonFor(gateway), reason, JSON.stringify(gateway));
  });

  it('should check headers and filters as LangStream\'s KeyValueComparison does', () => {
    const headers = (entry: object) => ({ id: 'g', type: 'produce', topic: 't', 'produce-options': { headers: [entry] } });
    const filters = (entry: object) => ({ id: 'g', type: 'consume', topic: 't', 'consume-options': { filters: { headers: [entry] } } });
    const problem = 'Cannot construct instance of `KeyValueComparison`, problem: ';
    assert.equal(reasonFor(headers({ key: 'k' })), `${problem}Must specify one of value, value-from-parameters, or value-from-authentication`);
    assert.equal(reasonFor(headers({ value: 'v', 'value-from-parameters': 'p' })), `${problem}Cannot specify both value and value-from-parameters`);
    assert.equal(reasonFor(headers({ value: 'v', valueFromAuthentication: 'a' })), `${problem}Cannot specify both value and value-from-authentication`);
    assert.equal(reasonFor(headers({ 'value-from-parameters': 'p', 'value-from-authentication': 'a' })),
      `${problem}Cannot specify both value-from-parameters and value-from-authentication`);
    assert.equal(reasonFor(headers({ key: '', value: 'v' })), 'Header key cannot be empty');
    assert.equal(reasonFor(filters({ key: ' ', value: 'v' })), "'key' is required for filter");
    assert.equal(reasonFor(filters({ key: 'k', value: ' ' })), "'value' cannot be blank for filter");
    assert.equal(reasonFor(filters({ key: 'k', 'value-from-parameters': '' })), "'valueFromParameters' cannot be blank for filter");
    assert.equal(reasonFor(filters({ key: 'k', 'value-from-authentication': ' ' })), "'valueFromAuthentication' cannot be blank for filter");
  });

  it('should name the gateway and report YAML errors', () => {
    assert.throws(() => parseManifest({ gateways: [{ id: 'ok', type: 'consume', topic: 't' }, { id: 'bad', type: 'chat' }] }, 'gateways.yaml of acme/bot'), {
      message: '[@agentway/langstream-gateway] gateways.yaml of acme/bot, gateway "bad": Gateway of type \'chat\' must have chat-options',
    });
    assert.throws(() => parseManifest('gateways:\n  - id: a\n  - id: b\n id: c'), {
      code: 'ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST', message: /^\[@agentway\/langstream-gateway\] manifest: not valid YAML: /,
    });
  });
});
